// The PromQL scanner readiness uses to see which series an alert reads, on expressions as
// kube-prometheus and haguard's own rules write them.

#include <gtest/gtest.h>

#include "plugin/readiness_promql.h"

namespace haguard::plugin {
namespace {

std::vector<std::string> metrics(const std::string& expr) {
  const PromScan s = scan_promql(expr);
  EXPECT_EQ(s.error, "") << expr;
  std::vector<std::string> out;
  for (const PromSelector& sel : s.selectors) out.push_back(sel.metric);
  return out;
}

TEST(ReadinessPromql, FunctionsAggregationsAndLabelListsAreNotMetrics) {
  EXPECT_EQ(metrics("sum by (namespace, pod) (rate(kube_pod_container_status_restarts_total[5m])) > 0"),
            (std::vector<std::string>{"kube_pod_container_status_restarts_total"}));
  EXPECT_EQ(metrics("kube_statefulset_status_replicas_ready{job=\"ksm\"} < on (namespace, statefulset) "
                    "group_left(owner) kube_statefulset_replicas offset 5m"),
            (std::vector<std::string>{"kube_statefulset_status_replicas_ready",
                                      "kube_statefulset_replicas"}));
  EXPECT_EQ(metrics("label_replace(up{job=\"a\"}, \"dst\", \"$1\", \"src\", \"(.*)\") and bool "
                    "sum(x) without (instance)  # a comment naming not_a_metric"),
            (std::vector<std::string>{"up", "x"}));
  EXPECT_EQ(metrics("max_over_time(m[5m:1m]) @ start()"), (std::vector<std::string>{"m"}));
  EXPECT_EQ(metrics("{__name__=\"kube_pod_status_ready\", namespace=\"a\"}"),
            (std::vector<std::string>{"kube_pod_status_ready"}));
  EXPECT_EQ(metrics("{\"kube_pod_status_ready\", namespace=\"a\"}"),
            (std::vector<std::string>{"kube_pod_status_ready"}));
}

TEST(ReadinessPromql, NamespaceMatchersAreAnchoredAndNegationsHold) {
  auto sel = [](const std::string& expr) { return scan_promql(expr).selectors.at(0); };
  EXPECT_TRUE(admits_namespace(sel("m"), "dalp-prod"));
  EXPECT_TRUE(admits_namespace(sel("m{namespace=\"dalp-prod\"}"), "dalp-prod"));
  EXPECT_FALSE(admits_namespace(sel("m{namespace=\"dalp\"}"), "dalp-prod"));
  EXPECT_TRUE(admits_namespace(sel("m{namespace=~\"dalp.*\"}"), "dalp-prod"));
  EXPECT_FALSE(admits_namespace(sel("m{namespace=~\"dalp\"}"), "dalp-prod")) << "anchored";
  EXPECT_FALSE(admits_namespace(sel("m{namespace!~\"dalp-.*\"}"), "dalp-prod"));
  EXPECT_TRUE(admits_namespace(sel("m{namespace!=\"kube-system\"}"), "dalp-prod"));
  EXPECT_FALSE(admits_namespace(sel("m{namespace=~\"dalp-(prod|stage)\", namespace!=\"dalp-prod\"}"),
                                "dalp-prod"));
  EXPECT_TRUE(admits_namespace(sel("m{namespace=~'dalp-\\\\w+'}"), "dalp-prod"));
  EXPECT_FALSE(admits_namespace(sel("m{namespace=~\"(\"}"), "dalp-prod")) << "invalid regex";
}

TEST(ReadinessPromql, MalformedExpressionsSayWhere) {
  EXPECT_NE(scan_promql("m{namespace=\"a\"").error, "");
  EXPECT_NE(scan_promql("m{namespace=\"a}").error, "");
  EXPECT_NE(scan_promql("m{namespace}").error.find("no operator"), std::string::npos);
  EXPECT_NE(scan_promql("sum by (a (m)").error.find("unbalanced"), std::string::npos);
}

}  // namespace
}  // namespace haguard::plugin
