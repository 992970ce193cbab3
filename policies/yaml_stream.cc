#include "policies/yaml_stream.h"

#include <sstream>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "policies/yaml_events.h"

namespace haguard {
namespace {

/// Ignores what the parser reports but where a document starts.
class DocumentStarts final : public IgnoringEventHandler {
 public:
  YAML::Mark last;
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
};

/// Whether `line` (without its newline) is the marker `marker` ("---" or "...").
bool is_marker(std::string_view line, std::string_view marker) {
  return line.starts_with(marker) &&
         (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
}

/// Whether `line` holds content (not blank, a comment or a directive).
bool is_content(std::string_view line) {
  if (line.starts_with('%')) return false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') continue;
    return c != '#';
  }
  return false;
}

}  // namespace

std::vector<YamlPiece> cut_yaml_stream(std::string_view text) {
  std::vector<YamlPiece> pieces;
  std::size_t begin = 0;
  int begin_line = 0, line_no = 0;
  bool has_content = false;
  for (std::size_t pos = 0; pos < text.size(); ++line_no) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    const std::string_view line =
        text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
    if (is_marker(line, "---")) {
      // Comments and directives before it stay with the document they precede.
      if (has_content) {
        pieces.push_back({begin, pos, begin_line});
        begin = pos, begin_line = line_no;
      }
      has_content = true;
    } else if (is_marker(line, "...")) {
      // The end of a document: the next one starts after it, whatever came before.
      if (has_content) pieces.push_back({begin, next, begin_line});
      begin = next, begin_line = line_no + 1;
      has_content = false;
    } else if (!has_content && is_content(line)) {
      has_content = true;
    }
    pos = next;
  }
  if (has_content) pieces.push_back({begin, text.size(), begin_line});
  return pieces;
}

int stray_token_line(std::string_view piece) {
  std::istringstream in{std::string(piece)};
  YAML::Parser parser(in);
  DocumentStarts starts;
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts)) return -1;
  return starts.last.line;
}

}  // namespace haguard
