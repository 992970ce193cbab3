#pragma once
// The help a report links to for each rule: its section of docs/operators-guide.md ("### <id>"
// under "## Rules"), compiled in, and the address of that section.

#include <string>
#include <string_view>

namespace haguard::plugin {

struct RuleHelp {
  std::string markdown;  ///< the section's text, without its heading ("" when the guide has none)
  std::string uri;       ///< the guide's address (HAGUARD_DOCS_URL at build time) + "#<id>"
};

/// The guide's help for rule `id` (a rule, a set rule, or "exemption").
RuleHelp rule_help(std::string_view id);

/// The guide's address, for the SARIF driver's informationUri.
std::string_view docs_uri();

}  // namespace haguard::plugin
