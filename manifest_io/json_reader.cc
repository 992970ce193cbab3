// Cutting a JSON stream: each value's extent is found by bracket matching (with the lines where
// a List's items start, for findings), then parsed by nlohmann.

#include "manifest_io/json_reader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "manifest_io/documents.h"

namespace haguard::manifest_io {
namespace {

/// Counts lines incrementally (offsets must not decrease).
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  int line_at(std::size_t offset) {
    for (; pos_ < offset && pos_ < text_.size(); ++pos_)
      if (text_[pos_] == '\n') ++line_;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

/// The end of the JSON object or array starting at `begin`, and where the elements of its
/// "items" array (or its own elements, for an array) start.
std::size_t scan_json_value(std::string_view t, std::size_t begin,
                            std::vector<std::size_t>& item_starts, std::size_t& deepest) {
  int depth = 0;
  deepest = 0;
  bool items_array = false, expect_item = false;
  std::string_view last_string;
  bool key_is_items = false;
  for (std::size_t i = begin; i < t.size(); ++i) {
    char c = t[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    if (expect_item && c != ']') item_starts.push_back(i);
    expect_item = false;
    switch (c) {
      case '"': {
        std::size_t s = i + 1;
        for (++i; i < t.size() && t[i] != '"'; ++i)
          if (t[i] == '\\') ++i;
        if (depth == 1) last_string = t.substr(s, i - s);
        break;
      }
      case ':':
        if (depth == 1) key_is_items = last_string == "items";
        break;
      case '{':
      case '[':
        deepest = std::max(deepest, static_cast<std::size_t>(++depth));
        if (depth == 1 && c == '[') items_array = expect_item = true;
        if (depth == 2 && c == '[' && key_is_items && t[begin] == '{')
          items_array = expect_item = true;
        break;
      case '}':
      case ']':
        if (--depth == 0) return i + 1;
        if (depth == 1 && c == ']' && t[begin] == '{') items_array = false;
        break;
      case ',':
        if (items_array && depth == (t[begin] == '[' ? 1 : 2)) expect_item = true;
        if (depth == 1) key_is_items = false;
        break;
      default:
        break;
    }
  }
  return t.size();
}

}  // namespace

void read_json(std::string_view text, std::string_view file, const ReadOptions& options,
               ReadResult& out) {
  LineCounter lines(text);
  std::size_t index = 0;
  std::vector<std::size_t> item_starts;
  for (std::size_t pos = text.find_first_not_of(" \t\r\n"); pos != std::string_view::npos;
       pos = text.find_first_not_of(" \t\r\n", pos), ++index) {
    int line = lines.line_at(pos);
    if (text[pos] != '{' && text[pos] != '[') {
      out.errors.push_back(
          ManifestError{std::string(file), index, line, "expected a JSON object or array"});
      std::size_t next = text.find_first_of("{[", pos);
      pos = next == std::string_view::npos ? text.size() : next;
      continue;
    }
    item_starts.clear();
    std::size_t deepest = 0;
    std::size_t end = scan_json_value(text, pos, item_starts, deepest);
    if (deepest > kMaxDepth) {
      out.errors.push_back(ManifestError{std::string(file), index, line, too_deep_message()});
      pos = end;
      continue;
    }
    try {
      json doc = json::parse(text.data() + pos, text.data() + end);
      std::vector<int> item_lines;
      item_lines.reserve(item_starts.size());
      for (std::size_t s : item_starts) item_lines.push_back(lines.line_at(s));
      const bool array = doc.is_array() && options.expand_lists;
      if (array) doc = json{{"kind", "List"}, {"items", std::move(doc)}};
      const SourceSpan span{pos, end, line, 0, {}};
      add_document(std::move(doc), line, item_lines, index, file, span, array ? "" : "/items",
                   options, out);
    } catch (const json::parse_error& e) {
      // "[json.exception.parse_error.101] parse error at line 1, column 15: <what>": the
      // position is relative to this document, so keep only <what> and report our own line.
      std::string msg = e.what();
      if (auto p = msg.find("column "); p != std::string::npos) {
        if (auto colon = msg.find(": ", p); colon != std::string::npos) msg.erase(0, colon + 2);
      }
      int err_line = e.byte > 0 ? lines.line_at(pos + e.byte - 1) : line;
      out.errors.push_back(ManifestError{std::string(file), index, err_line, msg});
    } catch (const json::out_of_range& e) {
      // A number beyond a double ("1e999"): "[json.exception.out_of_range.406] number overflow
      // parsing '1e999'"; keep what follows the bracket.
      std::string msg = e.what();
      if (auto p = msg.find("] "); p != std::string::npos) msg.erase(0, p + 2);
      out.errors.push_back(ManifestError{std::string(file), index, line, msg});
    }
    pos = end;
  }
}

}  // namespace haguard::manifest_io
