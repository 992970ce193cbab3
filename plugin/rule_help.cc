// Rule help, cut from the operator's guide compiled into the binary: one source for the guide a
// person reads and the help a code-scanning alert shows.

#include "plugin/rule_help.h"

namespace haguard::plugin {

extern const std::string_view kOperatorsGuideText;  // generated from docs/operators-guide.md

namespace {

constexpr std::string_view kRulesHeading = "\n## Rules\n";

/// The text of section "### <id>" in the guide's "## Rules" part, trimmed.
std::string section(std::string_view id) {
  const std::string_view guide = kOperatorsGuideText;
  const std::size_t rules = guide.find(kRulesHeading);
  if (rules == std::string_view::npos) return {};
  const std::string heading = "\n### " + std::string(id) + "\n";
  std::size_t begin = guide.find(heading, rules);
  if (begin == std::string_view::npos) return {};
  begin += heading.size();
  std::size_t end = guide.find("\n#", begin);
  std::string_view text = guide.substr(begin, end == std::string_view::npos ? end : end - begin);
  const std::size_t first = text.find_first_not_of('\n');
  if (first == std::string_view::npos) return {};
  text.remove_prefix(first);
  text.remove_suffix(text.size() - text.find_last_not_of('\n') - 1);
  return std::string(text);
}

}  // namespace

std::string_view docs_uri() {
  return HAGUARD_DOCS_URL;
}

RuleHelp rule_help(std::string_view id) {
  return RuleHelp{section(id), std::string(docs_uri()) + "#" + std::string(id)};
}

}  // namespace haguard::plugin
