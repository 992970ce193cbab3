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

TEST(Workload, PointerTokens) {
  EXPECT_EQ(pointer_token("haguard.dalp.io/exempt"), "haguard.dalp.io~1exempt");
  EXPECT_EQ(pointer_token("a~b"), "a~0b");
}

}  // namespace
}  // namespace haguard
