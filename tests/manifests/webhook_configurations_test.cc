// The rendered ValidatingWebhookConfiguration and MutatingWebhookConfiguration, checked as
// kube-apiserver validates them and against what issue 5 asks: one entry per environment routed by
// namespace label, its own namespace and kube-* never judged, failure policy per environment.

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "policies/label_selector.h"
#include "policies/policy.h"
#include "tests/manifests/manifests_harness.h"

namespace haguard::manifests_test {
namespace {

const std::vector<std::string> kEnvironments = {"default", "development", "staging", "production"};
const std::set<std::string> kProtected = {"kube-system", "kube-public", "kube-node-lease"};

struct Overlay {
  const char* name;
  const Render& (*get)();
};
void PrintTo(const Overlay& o, std::ostream* os) { *os << o.name; }

const Render& base() { return base_render(); }
const Render& cert_manager() { return cert_manager_render(); }
const Render& dev() { return dev_render(); }

class WebhookConfigurations : public ::testing::TestWithParam<Overlay> {
 protected:
  void SetUp() override {
    if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
    const Render& r = GetParam().get();
    ASSERT_EQ(r.status, 0) << r.output;
    objects_ = &r.objects;
    deployment_ = find_one(*objects_, "Deployment", "haguard");
    service_ = find_one(*objects_, "Service", "haguard");
    ASSERT_NE(deployment_, nullptr);
    ASSERT_NE(service_, nullptr);
    own_namespace_ = deployment_->at("metadata").value("namespace", "");
    ASSERT_FALSE(own_namespace_.empty());
  }
  const json& config(const std::string& kind) {
    const json* c = find_one(*objects_, kind, "haguard");
    EXPECT_NE(c, nullptr) << kind;
    static const json empty = json::object();
    return c ? *c : empty;
  }
  const std::vector<json>* objects_ = nullptr;
  const json* deployment_ = nullptr;
  const json* service_ = nullptr;
  std::string own_namespace_;
};

/// kube-apiserver: a webhook name is a fully qualified name with at least three segments.
bool is_qualified_webhook_name(const std::string& name) {
  if (name.size() > 253) return false;
  int segments = 0;
  std::size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    std::string seg = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!is_dns1123_label(seg)) return false;
    ++segments;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments >= 3;
}

void expect_entry_valid(const json& w, const std::string& kind, const std::string& verb,
                        const json& service, const std::string& env) {
  SCOPED_TRACE(kind + " " + w.value("name", "?"));
  EXPECT_TRUE(is_qualified_webhook_name(w.value("name", "")));
  EXPECT_EQ(w.value("admissionReviewVersions", json::array()), json::array({"v1"}));
  EXPECT_EQ(w.value("sideEffects", ""), "None");  // dry-run requests are judged too
  ASSERT_TRUE(w.contains("timeoutSeconds") && w["timeoutSeconds"].is_number_integer());
  int timeout = w["timeoutSeconds"];
  EXPECT_GE(timeout, 1);  // apiserver range 1..30
  EXPECT_LE(timeout, 5);  // issue 5: at most 5
  EXPECT_EQ(w.value("matchPolicy", ""), "Equivalent");

  // failurePolicy: production validation fails closed, everything else fails open.
  std::string want = (verb == "validate" && env == "production") ? "Fail" : "Ignore";
  EXPECT_EQ(w.value("failurePolicy", ""), want);
  if (kind == "MutatingWebhookConfiguration") {
    std::string reinvocation = w.value("reinvocationPolicy", "Never");
    EXPECT_TRUE(reinvocation == "Never" || reinvocation == "IfNeeded") << reinvocation;
  }

  // clientConfig: exactly the Service, its namespace and port; path /<verb>/<env>.
  const json& cc = w.at("clientConfig");
  EXPECT_FALSE(cc.contains("url"));
  const json& svc = cc.at("service");
  EXPECT_EQ(svc.value("name", ""), service.at("metadata").value("name", "-"));
  EXPECT_EQ(svc.value("namespace", ""), service.at("metadata").value("namespace", "-"));
  int port = svc.value("port", 443);
  bool port_found = false;
  for (const json& p : service.at("spec").at("ports"))
    if (p.value("port", 0) == port) port_found = true;
  EXPECT_TRUE(port_found) << "the Service has no port " << port;
  std::string path = svc.value("path", "");
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front(), '/');
  EXPECT_EQ(path, "/" + verb + "/" + env);
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string seg = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                     : slash - start);
    EXPECT_TRUE(is_dns1123_label(seg)) << "path segment '" << seg << "' of " << path;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }

  // Rules: every workload kind the engine judges, CREATE and UPDATE, namespaced.
  std::set<std::pair<std::string, std::string>> covered;
  for (const json& rule : w.at("rules")) {
    std::set<std::string> ops(rule.at("operations").begin(), rule.at("operations").end());
    EXPECT_TRUE(ops.count("CREATE") && ops.count("UPDATE")) << rule.dump();
    EXPECT_FALSE(ops.count("DELETE")) << "DELETE is never judged: " << rule.dump();
    EXPECT_FALSE(rule.at("apiVersions").empty());
    EXPECT_EQ(rule.value("scope", "*"), "Namespaced");
    for (const json& g : rule.at("apiGroups"))
      for (const json& r : rule.at("resources"))
        covered.emplace(g.get<std::string>(), r.get<std::string>());
  }
  for (const auto& want_rule : std::set<std::pair<std::string, std::string>>{
           {"apps", "deployments"},
           {"apps", "statefulsets"},
           {"apps", "daemonsets"},
           {"apps", "replicasets"},
           {"apps", "deployments/scale"},
           {"apps", "statefulsets/scale"},
           {"autoscaling", "horizontalpodautoscalers"},
           {"argoproj.io", "rollouts"},
           {"argoproj.io", "rollouts/scale"},
           {"keda.sh", "scaledobjects"}})
    EXPECT_TRUE(covered.count(want_rule)) << want_rule.first << "/" << want_rule.second;
  if (verb != "validate") return;
  // Every operator resource the default policy names as a bundled service: judged on admission.
  // Plurals as the operators' CRDs spell them.
  const std::map<std::string, std::string> plural = {
      {"Cluster", "clusters"},          {"postgresql", "postgresqls"},
      {"PostgresCluster", "postgresclusters"}, {"SGCluster", "sgclusters"},
      {"RedisFailover", "redisfailovers"}, {"Redis", "redis"},
      {"RedisCluster", "redisclusters"}, {"RedisReplication", "redisreplications"},
      {"Dragonfly", "dragonflies"},     {"Tenant", "tenants"}};
  EXPECT_FALSE(default_policy()->custom_resources.empty());
  for (const std::string& gk : default_policy()->custom_resources) {
    const std::string group = gk.substr(0, gk.rfind('/')), res_kind = gk.substr(gk.rfind('/') + 1);
    ASSERT_TRUE(plural.count(res_kind)) << "no plural known for " << gk;
    EXPECT_TRUE(covered.count({group, plural.at(res_kind)})) << gk << " is not sent to " << env;
  }
}

/// The webhook entries of `config` whose namespaceSelector selects a namespace with `labels`.
std::vector<std::string> matching_entries(const json& config, Labels labels) {
  std::vector<std::string> out;
  for (const json& w : config.at("webhooks")) {
    json selector = w.value("namespaceSelector", json::object());
    std::optional<bool> m = selector_matches(selector, labels);
    EXPECT_TRUE(m.has_value()) << "malformed namespaceSelector in " << w.value("name", "?");
    if (m.value_or(false)) out.push_back(w.value("name", ""));
  }
  return out;
}

Labels namespace_labels(const std::string& name, const std::string& env_label = {}) {
  // kube-apiserver sets kubernetes.io/metadata.name on every namespace.
  Labels l{{"kubernetes.io/metadata.name", name}};
  if (!env_label.empty()) l["haguard.dalp.io/environment"] = env_label;
  return l;
}

TEST_P(WebhookConfigurations, EntriesAreValidForKubeApiserver) {
  for (const auto& [kind, verb] : {std::pair<std::string, std::string>{"ValidatingWebhookConfiguration", "validate"},
                                   {"MutatingWebhookConfiguration", "mutate"}}) {
    const json& c = config(kind);
    ASSERT_TRUE(c.contains("webhooks")) << kind;
    std::set<std::string> names;
    for (const json& w : c["webhooks"]) {
      std::string name = w.value("name", "");
      EXPECT_TRUE(names.insert(name).second) << "duplicate webhook name " << name;
    }
    ASSERT_EQ(c["webhooks"].size(), kEnvironments.size()) << kind;
    for (const std::string& env : kEnvironments) {
      const json* entry = nullptr;
      for (const json& w : c["webhooks"])
        if (w.value("name", "") == env + "." + verb + ".haguard.dalp.io") entry = &w;
      ASSERT_NE(entry, nullptr) << kind << ": no entry for " << env;
      expect_entry_valid(*entry, kind, verb, *service_, env);
    }
  }
}

TEST_P(WebhookConfigurations, EntriesComeInTheOrderTheGuideIndexes) {
  // docs/operators-guide.md patches /webhooks/3 to fail production open in an emergency.
  for (const auto& [kind, verb] : {std::pair<std::string, std::string>{"ValidatingWebhookConfiguration", "validate"},
                                   {"MutatingWebhookConfiguration", "mutate"}}) {
    const json& c = config(kind);
    ASSERT_EQ(c.value("webhooks", json::array()).size(), kEnvironments.size());
    for (std::size_t i = 0; i < kEnvironments.size(); ++i)
      EXPECT_EQ(c["webhooks"][i].value("name", ""), kEnvironments[i] + "." + verb + ".haguard.dalp.io");
  }
}

TEST_P(WebhookConfigurations, EachNamespaceReachesExactlyItsEnvironment) {
  struct Case {
    std::string name, label, want_env;
  };
  const std::vector<Case> cases = {
      {"dalp-prod", "production", "production"}, {"dalp-staging", "staging", "staging"},
      {"dalp-dev", "development", "development"}, {"team-a", "default", "default"},
      {"team-b", "", "default"},                  {"team-c", "prod", "default"},
      {"default", "", "default"},
  };
  for (const auto& [kind, verb] : {std::pair<std::string, std::string>{"ValidatingWebhookConfiguration", "validate"},
                                   {"MutatingWebhookConfiguration", "mutate"}}) {
    const json& c = config(kind);
    ASSERT_TRUE(c.contains("webhooks"));
    for (const Case& k : cases) {
      auto m = matching_entries(c, namespace_labels(k.name, k.label));
      EXPECT_EQ(m, std::vector<std::string>{k.want_env + "." + verb + ".haguard.dalp.io"})
          << kind << ": namespace " << k.name << " labelled '" << k.label << "'";
    }
  }
}

TEST_P(WebhookConfigurations, OwnNamespaceAndKubeSystemAreNeverJudged) {
  std::set<std::string> excluded = kProtected;
  excluded.insert(own_namespace_);  // wherever the overlay put the webhook
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    const json& c = config(kind);
    ASSERT_TRUE(c.contains("webhooks"));
    for (const std::string& ns : excluded)
      for (const std::string& label : {std::string(), std::string("production"),
                                       std::string("development"), std::string("default")})
        EXPECT_TRUE(matching_entries(c, namespace_labels(ns, label)).empty())
            << kind << " judges namespace " << ns << " labelled '" << label << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(Overlays, WebhookConfigurations,
                         ::testing::Values(Overlay{"base", base},
                                           Overlay{"cert_manager", cert_manager},
                                           Overlay{"dev", dev}),
                         [](const ::testing::TestParamInfo<Overlay>& p) { return std::string(p.param.name); });

// ------------------------------------------------------------------------------------------
// How each overlay supplies the CA.

std::string strip_newlines(std::string s) {
  std::erase(s, '\n');
  std::erase(s, '\r');
  return s;
}

TEST(CertManagerOverlay, CainjectorPointsAtTheServingCertificate) {
  if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
  const Render& r = cert_manager_render();
  ASSERT_EQ(r.status, 0) << r.output;
  const json* deployment = find_one(r.objects, "Deployment", "haguard");
  ASSERT_NE(deployment, nullptr);
  std::string ns = deployment->at("metadata").value("namespace", "");
  // The Secret the webhook mounts its certificate from.
  std::string tls_secret;
  for (const json& v : deployment->at("/spec/template/spec/volumes"_json_pointer))
    if (v.value("name", "") == "tls") tls_secret = v.at("secret").value("secretName", "");
  ASSERT_FALSE(tls_secret.empty());

  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    const json* c = find_one(r.objects, kind, "haguard");
    ASSERT_NE(c, nullptr);
    std::string inject =
        c->value("/metadata/annotations/cert-manager.io~1inject-ca-from"_json_pointer,
                 std::string());
    ASSERT_EQ(std::count(inject.begin(), inject.end(), '/'), 1) << kind << ": '" << inject << "'";
    std::string cert_ns = inject.substr(0, inject.find('/'));
    std::string cert_name = inject.substr(inject.find('/') + 1);
    EXPECT_EQ(cert_ns, ns) << kind;
    const json* cert = find_one(r.objects, "Certificate", cert_name);
    ASSERT_NE(cert, nullptr) << kind << " injects from a Certificate that is not rendered: " << inject;
    EXPECT_EQ(cert->at("metadata").value("namespace", ""), ns);
    EXPECT_EQ(cert->at("spec").value("secretName", ""), tls_secret)
        << "the injected CA must be the one that signs the certificate the webhook serves";
    for (const json& w : c->at("webhooks"))
      EXPECT_FALSE(w.at("clientConfig").contains("caBundle")) << "cainjector owns caBundle";
  }
  const json* cert = find_one(r.objects, "Certificate", "haguard-serving");
  ASSERT_NE(cert, nullptr);
  std::set<std::string> dns(cert->at("spec").at("dnsNames").begin(),
                            cert->at("spec").at("dnsNames").end());
  for (const std::string& n : {std::string("haguard"), "haguard." + ns, "haguard." + ns + ".svc",
                               "haguard." + ns + ".svc.cluster.local"})
    EXPECT_TRUE(dns.count(n)) << n;
  // Its issuer chain is rendered too.
  std::string issuer = cert->at("spec").at("issuerRef").value("name", "");
  const json* ca_issuer = find_one(r.objects, "Issuer", issuer);
  ASSERT_NE(ca_issuer, nullptr) << issuer;
  std::string ca_secret = ca_issuer->at("spec").at("ca").value("secretName", "");
  bool ca_cert_found = false;
  for (const json* c : find_all(r.objects, "Certificate"))
    if (c->at("spec").value("secretName", "") == ca_secret && c->at("spec").value("isCA", false))
      ca_cert_found = true;
  EXPECT_TRUE(ca_cert_found) << "no CA Certificate writes " << ca_secret;
}

TEST(DevOverlay, CaBundleIsTheCertsScriptsCa) {
  if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
  const Renders& all = renders();
  ASSERT_EQ(all.certs_status, 0) << all.certs_output;
  const Render& r = dev_render();
  ASSERT_EQ(r.status, 0) << r.output;
  std::string ca_pem = read_file(all.certs_dir + "/ca.crt");
  ASSERT_NE(ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  // make-certs prints the caBundle on stdout: the overlay must carry the same bytes.
  std::string printed = strip_newlines(all.certs_output);
  ASSERT_FALSE(printed.empty());
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    const json* c = find_one(r.objects, kind, "haguard");
    ASSERT_NE(c, nullptr);
    for (const json& w : c->at("webhooks")) {
      std::string bundle = w.at("clientConfig").value("caBundle", "");
      // kube-apiserver decodes []byte with Go's base64, which skips newlines.
      EXPECT_EQ(strip_newlines(bundle), printed) << kind << " " << w.value("name", "");
    }
  }
  // The carrier Secret is local-config: never applied.
  EXPECT_TRUE(find_all(r.objects, "Secret", "haguard-ca-bundle").empty());
  // The serving Secret is generated, and it is the one the Deployment mounts.
  const json* deployment = find_one(r.objects, "Deployment", "haguard");
  ASSERT_NE(deployment, nullptr);
  std::string mounted;
  for (const json& v : deployment->at("/spec/template/spec/volumes"_json_pointer))
    if (v.value("name", "") == "tls") mounted = v.at("secret").value("secretName", "");
  const json* secret = find_one(r.objects, "Secret", mounted);
  ASSERT_NE(secret, nullptr) << "the Deployment mounts Secret '" << mounted << "', not rendered";
  EXPECT_EQ(secret->value("type", ""), "kubernetes.io/tls");
  EXPECT_TRUE(secret->at("data").contains("tls.crt") && secret->at("data").contains("tls.key"));
}

TEST(BaseOverlay, LeavesTheCaToOverlays) {
  if (!have("kubectl")) GTEST_SKIP() << "kubectl not on PATH";
  const Render& r = base_render();
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* kind : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    const json* c = find_one(r.objects, kind, "haguard");
    ASSERT_NE(c, nullptr);
    for (const json& w : c->at("webhooks"))
      EXPECT_FALSE(w.at("clientConfig").contains("caBundle"));
  }
}

}  // namespace
}  // namespace haguard::manifests_test
