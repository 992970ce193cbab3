#include <gtest/gtest.h>

#include "policies/engine.h"
#include "policies/policy.h"
#include "policies/rule.h"

namespace haguard {
namespace {

/// What min-replicas says in `env` of a one-replica Deployment the dapp and api selectors take:
/// its parameters at work.
std::string min_replicas_message(std::shared_ptr<const Policy> policy, std::string_view env) {
  const json api = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{
      "name":"api-server","namespace":"ns","labels":{"app.kubernetes.io/name":"dapp","app":"api"}},
      "spec":{"replicas":1}})");
  EvalContext ctx;
  ctx.environment = env;
  for (const Finding& f : Engine(std::move(policy)).evaluate(api, ctx).findings)
    if (f.rule == "min-replicas") return f.message;
  return "(no min-replicas finding)";
}

std::string with_spec(const std::string& spec) {
  return "apiVersion: haguard.dalp.io/v1alpha1\nkind: HAPolicy\nmetadata: {name: t}\nspec:\n" + spec;
}

TEST(PolicyLoader, EmbeddedDefaultEncodesTheGuide) {
  auto p = default_policy();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->default_environment, "default");
  for (const char* id : {"min-replicas", "probes", "soft-anti-affinity", "no-bundled-stateful-services"}) {
    EXPECT_EQ(p->enforcement(id, "production"), Enforcement::enforce) << id;
    EXPECT_NE(p->enforcement(id, "staging"), Enforcement::enforce) << id;
  }
  EXPECT_EQ(p->enforcement("probes", "staging"), Enforcement::warn);
  EXPECT_EQ(p->enforcement("no-bundled-stateful-services", "staging"), Enforcement::off);
  EXPECT_EQ(p->enforcement("resources", "production"), Enforcement::warn);
  EXPECT_NE(min_replicas_message(p, "production").find("needs at least 2;"), std::string::npos);
  // The operators' database resources named by no-bundled-stateful-services are judged.
  EXPECT_TRUE(p->names_resource("postgresql.cnpg.io", "Cluster"));
  EXPECT_TRUE(p->names_resource("minio.min.io", "Tenant"));
  EXPECT_FALSE(p->names_resource("apps", "Deployment"));
  EXPECT_EQ(p->resolve_environment("nope"), "default");
  EXPECT_EQ(p->resolve_environment("production"), "production");
  EXPECT_TRUE(p->never_exemptable("no-bundled-stateful-services", "production"));
  EXPECT_FALSE(p->never_exemptable("probes", "production"));
  EXPECT_EQ(p->hash.size(), 16u);
  // Every rule the engine has is configured by the default policy.
  for (const Rule* r : all_rules()) EXPECT_NE(p->rule(r->id()), nullptr) << r->id();
  for (const SetRule* r : all_set_rules()) EXPECT_NE(p->rule(r->id()), nullptr) << r->id();
}

struct BadPolicy {
  const char* name;
  std::string text;
  const char* expected;  // substring of the error, which also names file:line:col
};

class PolicyLoaderErrors : public testing::TestWithParam<BadPolicy> {};

TEST_P(PolicyLoaderErrors, NamesFileLineAndKeyPath) {
  PolicyLoad l = load_policy(GetParam().text, "p.yaml");
  ASSERT_EQ(l.policy, nullptr);
  EXPECT_NE(l.error.find(GetParam().expected), std::string::npos) << l.error;
  EXPECT_EQ(l.error.rfind("p.yaml", 0), 0u) << l.error;
}

INSTANTIATE_TEST_SUITE_P(
    All, PolicyLoaderErrors,
    testing::Values(
        BadPolicy{"empty", "", "empty"},
        BadPolicy{"wrong_kind", "apiVersion: haguard.dalp.io/v1alpha1\nkind: Policy\nspec: {}\n",
                  "p.yaml:2:7: kind: must be HAPolicy"},
        BadPolicy{"wrong_api", "apiVersion: v1\nkind: HAPolicy\nspec: {}\n", "apiVersion: must be"},
        BadPolicy{"unknown_top_key", with_spec("  environments: [a]\n  surprise: 1\n"),
                  "p.yaml:6:3: spec.surprise: unknown key"},
        BadPolicy{"unknown_rule", with_spec("  environments: [a]\n  rules:\n    max-replicas: {}\n"),
                  "p.yaml:7:5: spec.rules.max-replicas: unknown rule id"},
        BadPolicy{"bad_enforcement",
                  with_spec("  environments: [a]\n  rules:\n    probes:\n      enforcement: enforced\n"),
                  "p.yaml:8:20: spec.rules.probes.enforcement: unknown enforcement \"enforced\""},
        BadPolicy{"unknown_env_override",
                  with_spec("  environments: [a]\n  rules:\n    probes:\n      environments: {prod: warn}\n"),
                  "spec.rules.probes.environments.prod: unknown environment"},
        BadPolicy{"wrong_type_minimum",
                  with_spec("  environments: [a]\n  rules:\n    min-replicas:\n      parameters: {minimum: two}\n"),
                  "spec.rules.min-replicas.parameters.minimum: must be an integer"},
        BadPolicy{"unknown_param",
                  with_spec("  environments: [a]\n  rules:\n    probes:\n      parameters: {path: /x}\n"),
                  "spec.rules.probes.parameters.path: unknown key"},
        BadPolicy{"unknown_target",
                  with_spec("  environments: [a]\n  rules:\n    min-replicas:\n      targets: [api]\n"),
                  "spec.rules.min-replicas.targets[0]: no workload selector named \"api\""},
        BadPolicy{"bad_kind",
                  with_spec("  environments: [a]\n  workloads:\n    x: {kinds: [Pod]}\n"),
                  "spec.workloads.x.kinds[0]: unknown kind \"Pod\""},
        BadPolicy{"bad_duration",
                  with_spec("  environments: [a]\n  exemptions: {maxDuration: 30d}\n"),
                  "spec.exemptions.maxDuration: invalid duration"},
        BadPolicy{"bad_bool",
                  with_spec("  environments: [a]\n  exemptions: {requireReason: maybe}\n"),
                  "spec.exemptions.requireReason: must be true or false"},
        BadPolicy{"never_unknown_rule",
                  with_spec("  environments: [a]\n  exemptions: {never: {a: [nope]}}\n"),
                  "spec.exemptions.never.a[0]: unknown rule id \"nope\""},
        BadPolicy{"sa_format",
                  with_spec("  environments: [a]\n  exemptions: {allowedRequesters: {serviceAccounts: [x]}}\n"),
                  "must be written namespace:name"},
        BadPolicy{"default_env_unknown",
                  with_spec("  environments: [a]\n  defaultEnvironment: b\n"),
                  "spec.defaultEnvironment: not in spec.environments"},
        BadPolicy{"invalid_yaml", "apiVersion: [\n", "p.yaml:2:1: invalid YAML"},
        BadPolicy{"two_documents",
                  with_spec("  environments: [a]\n") + "---\n" + with_spec("  environments: [b]\n"),
                  ":7:1: (second document): a policy file holds one HAPolicy"},
        BadPolicy{"document_after_end_marker",
                  with_spec("  environments: [a]\n") + "...\nkind: HAPolicy\n",
                  ":7:1: (second document)"},
        // An empty document between them hid the third from a reader that stopped at the second.
        BadPolicy{"third_document_after_empty_one",
                  with_spec("  environments: [a]\n") + "---\n# nothing here\n---\n" +
                      with_spec("  environments: [b]\n"),
                  "p.yaml:9:1: (second document)"},
        // The policy after an empty document: its errors still name the file's lines.
        BadPolicy{"error_after_empty_document",
                  "# leading\n---\n---\n" +
                      with_spec("  environments: [a]\n  defaultEnvironment: b\n"),
                  "p.yaml:9:23: spec.defaultEnvironment: not in spec.environments"},
        BadPolicy{"syntax_error_in_second_piece",
                  with_spec("  environments: [a]\n") + "---\nkind: [\n",
                  "p.yaml:8:1: invalid YAML"},
        // yaml-cpp 0.7's LoadAll looped forever on this (policy_loader_fuzz).
        BadPolicy{"malformed_stream", "!pi-droieVsdisrc:,{}\n", "p.yaml"},
        // yaml-cpp 0.7 read a piece holding only a ',' as an empty document, without a word.
        BadPolicy{"stray_comma_after_the_policy",
                  with_spec("  environments: [a]\n") + "---\n,\n",
                  "p.yaml:7: unexpected ',' outside a flow collection"},
        BadPolicy{"stray_comma_alone", "# a comment\n,\n",
                  "p.yaml:2: unexpected ',' outside a flow collection"},
        BadPolicy{"environments_not_list", with_spec("  environments: production\n"),
                  "spec.environments: must be a list of strings"},
        BadPolicy{"controller_owner_without_group",
                  with_spec("  environments: [a]\n  controllers:\n  - owner: Deployment\n"
                            "    kinds: [ReplicaSet]\n    writers: {users: [x]}\n"),
                  "p.yaml:7:12: spec.controllers[0].owner: must be written group/Kind"},
        BadPolicy{"controller_without_writers",
                  with_spec("  environments: [a]\n  controllers:\n  - owner: apps/Deployment\n"
                            "    kinds: [ReplicaSet]\n    writers: {}\n"),
                  "spec.controllers[0].writers: must name at least one writer"},
        BadPolicy{"controller_missing_kinds",
                  with_spec("  environments: [a]\n  controllers:\n  - owner: apps/Deployment\n"
                            "    writers: {users: [x]}\n"),
                  "spec.controllers[0]: missing key kinds"},
        BadPolicy{"autoscalers_unknown_key", with_spec("  environments: [a]\n  autoscalers: {robots: [x]}\n"),
                  "spec.autoscalers.robots: unknown key"},
        BadPolicy{"probes_containers_unknown",
                  with_spec("  environments: [a]\n  rules:\n    probes:\n      parameters: {containers: app}\n"),
                  "spec.rules.probes.parameters.containers: must be main"},
        BadPolicy{"bundled_resource_without_group",
                  with_spec("  environments: [a]\n  rules:\n    no-bundled-stateful-services:\n"
                            "      parameters:\n        services: [{name: pg, resources: [Cluster]}]\n"),
                  "services[0].resources[0]: must be written group/Kind"},
        BadPolicy{"bundled_service_without_name",
                  with_spec("  environments: [a]\n  rules:\n    no-bundled-stateful-services:\n"
                            "      parameters:\n        services: [{labels: [pg]}]\n"),
                  "p.yaml:9:20: spec.rules.no-bundled-stateful-services.parameters.services[0]: "
                  "missing key name"},
        BadPolicy{"zone_spread_empty_key",
                  with_spec("  environments: [a]\n  rules:\n    zone-spread:\n"
                            "      parameters: {topologyKey: ''}\n"),
                  "p.yaml:8:33: spec.rules.zone-spread.parameters.topologyKey: must not be empty"},
        // A rule without parameters accepts none.
        BadPolicy{"resources_takes_no_parameters",
                  with_spec("  environments: [a]\n  rules:\n    resources:\n"
                            "      parameters: {minimum: 1}\n"),
                  "p.yaml:8:20: spec.rules.resources.parameters.minimum: unknown key (expected one "
                  "of: )"},
        BadPolicy{"placement_pinning_no_pool_keys",
                  with_spec("  environments: [a]\n  rules:\n    placement-pinning:\n"
                            "      parameters: {nodePoolKeys: []}\n"),
                  "p.yaml:8:34: spec.rules.placement-pinning.parameters.nodePoolKeys: must list at "
                  "least one node label"},
        BadPolicy{"parameters_not_a_mapping",
                  with_spec("  environments: [a]\n  rules:\n    min-replicas:\n"
                            "      parameters: [2]\n"),
                  "p.yaml:8:19: spec.rules.min-replicas.parameters: must be a mapping"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(PolicyLoader, ControllersAndAutoscalersDefaultToWhatTheDefaultPolicyWrites) {
  // A policy that omits the keys gets the same children and autoscalers as the default spells out,
  // so that a custom policy never patches a Deployment's ReplicaSets.
  PolicyLoad bare = load_policy(with_spec("  environments: [a]\n"), "p.yaml");
  ASSERT_TRUE(bare.policy) << bare.error;
  const Policy& d = *default_policy();
  ASSERT_EQ(bare.policy->controllers.size(), d.controllers.size());
  for (std::size_t i = 0; i < d.controllers.size(); ++i) {
    const ControllerChildren &a = bare.policy->controllers[i], &b = d.controllers[i];
    EXPECT_EQ(a.owner_group + "/" + a.owner_kind, b.owner_group + "/" + b.owner_kind);
    EXPECT_EQ(a.kinds, b.kinds);
    EXPECT_EQ(a.writers.users, b.writers.users);
    EXPECT_EQ(a.writers.service_accounts, b.writers.service_accounts);
  }
  EXPECT_EQ(bare.policy->autoscalers.users, d.autoscalers.users);
  EXPECT_EQ(bare.policy->autoscalers.service_accounts, d.autoscalers.service_accounts);

  // Written, they replace the defaults.
  PolicyLoad own = load_policy(with_spec("  environments: [a]\n  controllers:\n"
                                         "  - owner: example.com/Canary\n    kinds: [ReplicaSet]\n"
                                         "    writers: {serviceAccounts: ['canary:controller']}\n"
                                         "  autoscalers: {users: [scaler]}\n"),
                               "p.yaml");
  ASSERT_TRUE(own.policy) << own.error;
  ASSERT_EQ(own.policy->controllers.size(), 1u);
  EXPECT_EQ(own.policy->controllers[0].owner_group, "example.com");
  EXPECT_EQ(own.policy->controllers[0].owner_kind, "Canary");
  EXPECT_EQ(own.policy->autoscalers.users, std::vector<std::string>{"scaler"});
  EXPECT_TRUE(own.policy->autoscalers.service_accounts.empty());
}

TEST(PolicyLoader, PlacementPinningReadsTheNodePoolLabelsOfThePolicy) {
  PolicyLoad l = load_policy(with_spec("  environments: [prod]\n  rules:\n    placement-pinning:\n"
                                       "      enforcement: enforce\n"
                                       "      parameters: {nodePoolKeys: [example.com/pool]}\n"),
                             "p.yaml");
  ASSERT_TRUE(l.policy) << l.error;
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api"},
      "spec":{"replicas":2,"template":{"spec":{"nodeSelector":{"example.com/pool":"blue"}}}}})");
  EvalContext ctx;
  const Engine engine(l.policy);
  auto pinning = [&](const json& object) {
    for (const Finding& f : engine.evaluate(object, ctx).findings)
      if (f.rule == "placement-pinning") return f;
    return Finding{};
  };
  EXPECT_EQ(pinning(d).outcome, Outcome::fail);
  EXPECT_NE(pinning(d).message.find("nodeSelector example.com/pool=blue"), std::string::npos);
  // The keys given replace the defaults.
  d["spec"]["template"]["spec"]["nodeSelector"] = {{"cloud.google.com/gke-nodepool", "blue"}};
  EXPECT_EQ(pinning(d).outcome, Outcome::pass);
}

TEST(PolicyLoader, EmptyDocumentsAroundThePolicyAreAllowed) {
  PolicyLoad l =
      load_policy("%YAML 1.2\n---\n# header\n---\n" + with_spec("  environments: [a, b]\n") +
                      "...\n# trailer\n---\n...\n",
                  "p.yaml");
  ASSERT_NE(l.policy, nullptr) << l.error;
  EXPECT_EQ(l.policy->environments, (std::vector<std::string>{"a", "b"}));
}

TEST(PolicyLoader, ParsesEveryField) {
  PolicyLoad l = load_policy(with_spec(R"(  environments: [dev, prod]
  defaultEnvironment: prod
  workloads:
    api: {kinds: [Deployment], labels: {app: [api]}, names: ["api-*"]}
  rules:
    min-replicas:
      enforcement: audit
      environments: {prod: enforce}
      fix: false
      targets: [api]
      parameters: {minimum: 3}
  exemptions:
    requireReason: false
    requireExpiry: false
    maxDuration: 1h30m
    never: {prod: ["*"]}
    allowedRequesters: {users: [alice], groups: [sre], serviceAccounts: ["argocd:argocd-application-controller"]}
    namespaces: [infra]
)"),
                             "p.yaml");
  ASSERT_TRUE(l.policy) << l.error;
  const Policy& p = *l.policy;
  EXPECT_EQ(p.default_environment, "prod");
  EXPECT_EQ(p.resolve_environment(""), "prod");
  EXPECT_EQ(p.enforcement("min-replicas", "dev"), Enforcement::audit);
  EXPECT_EQ(p.enforcement("min-replicas", "prod"), Enforcement::enforce);
  EXPECT_EQ(p.enforcement("probes", "prod"), Enforcement::off);  // not configured: off
  EXPECT_FALSE(p.rule("min-replicas")->fix);
  EXPECT_NE(min_replicas_message(l.policy, "prod").find("needs at least 3;"), std::string::npos);
  EXPECT_EQ(p.exemptions.max_duration, std::chrono::seconds(5400));
  EXPECT_TRUE(p.never_exemptable("probes", "prod"));
  EXPECT_TRUE(p.namespace_exempt("infra"));
  EXPECT_EQ(p.exemptions.allowed.service_accounts.front(), "argocd:argocd-application-controller");
}

}  // namespace
}  // namespace haguard
