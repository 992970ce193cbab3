#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "policies/workload.h"

namespace haguard {
namespace {

TEST(Workload, KindsAndReplicas) {
  json d = json::parse(R"({"kind":"Deployment","metadata":{"name":"a","namespace":"n"},"spec":{}})");
  auto w = Workload::of(d);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->replicas(), 1);  // absent means 1
  EXPECT_EQ(w->display(), "Deployment n/a");
  d["spec"]["replicas"] = 3;
  EXPECT_EQ(Workload::of(d)->replicas(), 3);
  d["spec"]["replicas"] = "3";
  EXPECT_FALSE(Workload::of(d)->replicas());
  EXPECT_TRUE(Workload::of(d)->replicas_malformed());
  // Beyond int64 is no replica count (it once read as a negative one).
  d["spec"]["replicas"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_FALSE(Workload::of(d)->replicas());
  EXPECT_TRUE(Workload::of(d)->replicas_malformed());
  d["spec"]["replicas"] = std::uint64_t{9223372036854775807u};
  EXPECT_EQ(Workload::of(d)->replicas(), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(Workload::of(json::parse(R"({"kind":"Service"})")));
  EXPECT_FALSE(Workload::of(json::parse(R"({"kind":7})")));
  EXPECT_FALSE(Workload::of(json::parse(R"([1])")));
}

TEST(Workload, CronJobTemplateAndDaemonSetHaveNoReplicas) {
  json cj = json::parse(R"({"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":
      {"metadata":{"labels":{"a":"b"}},"spec":{"containers":[]}}}}}})");
  auto w = Workload::of(cj);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->pod_template_pointer(), "/spec/jobTemplate/spec/template");
  EXPECT_EQ(w->pod_labels(), (Labels{{"a", "b"}}));
  EXPECT_FALSE(w->replicas());
  EXPECT_FALSE(Workload::of(json::parse(R"({"kind":"DaemonSet","spec":{}})"))->replicas());
}

TEST(Workload, HpaAndScale) {
  json h = json::parse(R"({"kind":"HorizontalPodAutoscaler","spec":{"scaleTargetRef":{"kind":"Deployment","name":"dapp"}}})");
  auto w = Workload::of(h);
  EXPECT_EQ(w->replicas(), 1);  // minReplicas defaults to 1
  EXPECT_EQ(w->replicas_pointer(), "/spec/minReplicas");
  EXPECT_EQ(w->scale_target().name, "dapp");
  json s = json::parse(R"({"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"dapp","namespace":"p"},
      "spec":{"replicas":1},"status":{"replicas":2,"selector":"app.kubernetes.io/name=dapp"}})");
  auto sw = Workload::of(s, "Deployment");
  EXPECT_TRUE(sw->is_scale());
  EXPECT_EQ(sw->kind_name(), "Deployment");
  EXPECT_EQ(sw->display(), "Deployment/scale p/dapp");
  EXPECT_EQ(sw->replicas(), 1);
  EXPECT_EQ(sw->pod_labels(), (Labels{{"app.kubernetes.io/name", "dapp"}}));
}

TEST(Workload, RolloutsAndScaledObjectsAreKnownByTheirGroup) {
  json r = json::parse(R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{"name":"dapp"},
      "spec":{"selector":{"matchLabels":{"app":"dapp"}},
              "workloadRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"dapp-template"}}})");
  auto w = Workload::of(r);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind(), WorkloadKind::rollout);
  EXPECT_TRUE(w->has_replicas_field());
  EXPECT_EQ(w->replicas(), 1);
  EXPECT_FALSE(w->pod_template().present());
  EXPECT_EQ(w->workload_ref().kind, "Deployment");
  EXPECT_EQ(w->workload_ref().name, "dapp-template");
  EXPECT_EQ(w->pod_labels(), (Labels{{"app", "dapp"}}));  // its selector, having no template
  // Another project's kind of the same name is no workload.
  EXPECT_FALSE(Workload::of(json::parse(R"({"apiVersion":"example.com/v1","kind":"Rollout"})")));

  json so = json::parse(R"({"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject",
      "spec":{"scaleTargetRef":{"name":"dapp"}}})");
  auto k = Workload::of(so);
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->is_autoscaler());
  EXPECT_FALSE(k->replicas_written());
  EXPECT_EQ(k->replicas(), 0);  // KEDA's minReplicaCount defaults to 0
  EXPECT_EQ(k->replicas_pointer(), "/spec/minReplicaCount");
  EXPECT_EQ(k->scale_target().kind, "Deployment");  // KEDA's default
  EXPECT_EQ(k->scale_target().group, "apps");
}

TEST(Workload, ControllerOwnerIsTheReferenceMarkedController) {
  json rs = json::parse(R"({"kind":"ReplicaSet","metadata":{"ownerReferences":[
      {"apiVersion":"v1","kind":"ConfigMap","name":"x"},
      {"apiVersion":"apps/v1","kind":"Deployment","name":"dapp","controller":true}]}})");
  const ObjectRef o = Workload::of(rs)->controller_owner();
  EXPECT_EQ(o.group, "apps");
  EXPECT_EQ(o.kind, "Deployment");
  EXPECT_EQ(o.name, "dapp");
  rs["metadata"]["ownerReferences"][1]["controller"] = false;
  EXPECT_TRUE(Workload::of(rs)->controller_owner().empty());
}

TEST(Workload, DisplayNames) {
  EXPECT_EQ(display_name("Deployment", "prod", "dapp"), "Deployment prod/dapp");
  EXPECT_EQ(display_name("Namespace", "", "dalp"), "Namespace dalp");
  EXPECT_EQ(display_name("", "", ""), "(no kind) (unnamed)");
  EXPECT_EQ(display_name(json::parse(R"({"kind":"Pod","metadata":{"namespace":"n","name":"p"}})")),
            "Pod n/p");
  // Before kube-apiserver names it, an object has only its generateName.
  EXPECT_EQ(display_name(json::parse(R"({"kind":"Job","metadata":{"generateName":"migrate-"}})")),
            "Job migrate-");
  EXPECT_EQ(display_name(json::parse(R"([1])")), "(no kind) (unnamed)");
}

TEST(Workload, PointerTokens) {
  EXPECT_EQ(pointer_token("haguard.dalp.io/exempt"), "haguard.dalp.io~1exempt");
  EXPECT_EQ(pointer_token("a~b"), "a~0b");
}

}  // namespace
}  // namespace haguard
