#pragma once
// The vector selectors of a PromQL expression: which series an alert reads, and the label
// matchers it reads them with. Enough of PromQL's lexical grammar to tell a metric name from a
// function, an aggregation's label list, a keyword or a string; not an evaluator.

#include <string>
#include <string_view>
#include <vector>

namespace haguard::plugin {

struct PromMatcher {
  std::string label;
  std::string op;  ///< "=", "!=", "=~", "!~"
  std::string value;
};

struct PromSelector {
  std::string metric;  ///< the name, or the __name__ matcher's value when it is "="
  std::vector<PromMatcher> matchers;
};

struct PromScan {
  std::vector<PromSelector> selectors;
  std::string error;  ///< "" when the expression was read to its end
};

/// Reads the vector selectors of `expr`, in order.
PromScan scan_promql(std::string_view expr);

/// Whether the selector's namespace matchers all admit series of namespace `ns` (a selector with
/// none reads every namespace). Regular expressions are anchored, as Prometheus does.
bool admits_namespace(const PromSelector& s, std::string_view ns);

}  // namespace haguard::plugin
