// Manifest streams in and out. Reading: YAML streams are cut at their `---` lines (a document
// marker at column 0 always ends the previous document, even inside a block scalar), so one
// malformed document does not hide the others; each piece is parsed by yaml-cpp's event parser
// straight into JSON (no YAML::Node tree), with Kubernetes' scalar typing. JSON documents and JSON
// streams are cut by bracket matching and parsed by nlohmann. Writing: a small block-style emitter.
// Reading and writing live together because they share one set of typing rules: the writer quotes
// exactly the strings the reader would otherwise retype.
//
// Scalar typing (plain scalars; quoted and block scalars are always strings), as sigs.k8s.io/yaml
// reads manifests but with the YAML 1.2 core schema where YAML 1.1 surprises people:
//   null: "", ~, null, Null, NULL          bool: true/True/TRUE, false/False/FALSE
//   int: [-+]?[0-9]+ without a leading zero ("0755" stays a string), 0x.., 0o..
//   float: [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, again without a leading zero
//   yes/no/on/off/y/n stay strings; .inf and .nan stay strings (JSON cannot hold them), and so do
//   numbers beyond a double's range ("1e999"), as Go's strconv makes them.

#include "plugin/manifest_io.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <istream>
#include <map>
#include <streambuf>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "policies/yaml_stream.h"

namespace haguard::plugin {

std::string ManifestError::describe() const {
  return file + ": document " + std::to_string(index) + " (line " + std::to_string(line) +
         "): " + message;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Scalars

bool all_digits(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}
bool is_dec(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_oct(char c) {
  return c >= '0' && c <= '7';
}

/// The typed value of a YAML 1.2 core int, or nullopt when `s` is not one.
std::optional<json> parse_int(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o') &&
      digits.size() == s.size()) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
    if (!all_digits(digits, base == 16 ? is_hex : is_oct)) return std::nullopt;
  } else if (!all_digits(digits, is_dec) || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  std::uint64_t u = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
  if (ec == std::errc() && end == digits.data() + digits.size()) {
    if (!negative) return json(u);
    if (u <= static_cast<std::uint64_t>(INT64_MAX) + 1)
      return json(static_cast<std::int64_t>(0 - u));
  }
  const double d = std::strtod(std::string(s).c_str(), nullptr);  // too large: a float, as Go does
  if (!std::isfinite(d)) return std::nullopt;
  return json(d);
}

/// Whether `s` is a YAML 1.2 core float (without leading zeros, without .inf/.nan).
bool is_float(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_start = i;
  while (i < n && is_dec(s[i])) ++i;
  std::size_t int_digits = i - int_start;
  if (int_digits > 1 && s[int_start] == '0') return false;
  std::size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_dec(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_start = i;
    while (i < n && is_dec(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == n;
}

/// The JSON value of a plain (unquoted, untagged) scalar.
json resolve_plain(std::string&& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  const char c = s[0];
  if (c == 't' || c == 'T') {
    if (s == "true" || s == "True" || s == "TRUE") return true;
  } else if (c == 'f' || c == 'F') {
    if (s == "false" || s == "False" || s == "FALSE") return false;
  } else if (is_dec(c) || c == '-' || c == '+' || c == '.') {
    if (auto i = parse_int(s)) return std::move(*i);
    if (is_float(s)) {
      const double d = std::strtod(s.c_str(), nullptr);
      if (std::isfinite(d)) return d;
    }
  }
  return std::move(s);
}

constexpr std::string_view kCoreTag = "tag:yaml.org,2002:";

/// The JSON value of a scalar with tag `tag` ("?" plain, "!" quoted or block, else explicit).
json resolve_scalar(const std::string& tag, std::string value) {
  if (tag == "?") return resolve_plain(std::move(value));
  if (tag.size() > kCoreTag.size() && tag.compare(0, kCoreTag.size(), kCoreTag) == 0) {
    std::string_view type = std::string_view(tag).substr(kCoreTag.size());
    if (type == "str") return value;
    json v = resolve_plain(std::string(value));
    if ((type == "int" && v.is_number_integer()) || (type == "bool" && v.is_boolean()) ||
        (type == "null" && v.is_null()) || (type == "float" && v.is_number()))
      return type == "float" ? json(v.get<double>()) : v;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// YAML: events to JSON

/// Deepest nesting of mappings and sequences a document may have, in YAML and in JSON: what reads
/// must stay shallow enough for the recursive copies, comparisons and writers downstream, and its
/// YAML must read back (yaml-cpp 0.7's depth guard gives up near 500 levels).
constexpr std::size_t kMaxDepth = 400;
const std::string kTooDeep = "nested more than " + std::to_string(kMaxDepth) + " levels deep";

/// A failure while building JSON from events (duplicate key, complex key, alias bomb).
struct BuildError {
  YAML::Mark mark;
  std::string message;
};

/// Builds one document's JSON from yaml-cpp parser events.
class JsonBuilder : public YAML::EventHandler {
 public:
  json root;
  bool has_root = false;
  int root_line = 0;            ///< 0-based, within the piece
  std::vector<int> item_lines;  ///< 0-based lines of root["items"][i], when a sequence

  void reset() {
    root = json();
    has_root = false;
    stack_.clear();
    anchors_.clear();
    item_lines.clear();
    budget_ = kBudget;
  }

  /// Where the innermost collection still open starts (a `[` never closed), if any.
  const YAML::Mark* innermost_open() const {
    return stack_.empty() ? nullptr : &stack_.back().mark;
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (key_expected()) return set_key(mark, "null", false);
    add(json(nullptr), anchor, mark);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw BuildError{mark, "unknown alias"};
    budget_ -= static_cast<long>(it->second.size) + 1;
    if (budget_ < 0) throw BuildError{mark, "aliases expand to too large a document"};
    if (key_expected()) {
      const json& k = it->second.value;
      if (!k.is_primitive()) throw BuildError{mark, "a mapping key must be a scalar"};
      return set_key(mark, k.is_string() ? k.get<std::string>() : k.dump(), false);
    }
    place(json(it->second.value), mark, it->second.size + 1);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (key_expected()) {
      if (anchor != YAML::NullAnchor) anchors_[anchor] = {json(value), 1};
      return set_key(mark, value, tag == "?");
    }
    add(resolve_scalar(tag, value), anchor, mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(json::array(), anchor, mark);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(json::object(), anchor, mark);
  }
  void OnMapEnd() override {
    Frame& f = stack_.back();
    // Merge keys: explicit keys win over merged ones, earlier merge sources over later ones.
    for (json& source : f.merges)
      for (auto& [k, v] : source.items())
        if (!f.value.contains(k)) f.value[k] = std::move(v);
    close();
  }

 private:
  static constexpr long kBudget = 1'000'000;  // values that aliases may expand to, per document

  struct Frame {
    json value;
    YAML::anchor_t anchor;
    YAML::Mark mark;
    std::string key;
    bool has_key = false;
    bool key_is_merge = false;
    YAML::Mark key_mark;
    std::vector<json> merges;
    long size = 0;  ///< values inside, for the alias budget
  };
  struct Anchored {
    json value;
    long size;
  };

  bool key_expected() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key;
  }
  void set_key(const YAML::Mark& mark, std::string key, bool plain) {
    Frame& f = stack_.back();
    f.key_is_merge = plain && key == "<<";
    f.key = std::move(key);
    f.has_key = true;
    f.key_mark = mark;
  }
  void open(json empty, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (key_expected()) throw BuildError{mark, "a mapping key must be a scalar"};
    if (stack_.size() >= kMaxDepth) throw BuildError{mark, kTooDeep};
    stack_.push_back(Frame{std::move(empty), anchor, mark, {}, false, false, {}, {}, 0});
  }
  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.anchor != YAML::NullAnchor) anchors_[f.anchor] = {f.value, f.size};
    place(std::move(f.value), f.mark, f.size + 1);
  }
  void add(json v, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {v, 1};
    place(std::move(v), mark, 1);
  }
  void place(json v, const YAML::Mark& mark, long size) {
    if (stack_.empty()) {
      root = std::move(v);
      has_root = true;
      root_line = mark.line;
      return;
    }
    Frame& f = stack_.back();
    f.size += size;
    if (f.value.is_array()) {
      if (stack_.size() == 2 && stack_[0].value.is_object() && stack_[0].key == "items")
        item_lines.push_back(mark.line);
      f.value.push_back(std::move(v));
      return;
    }
    f.has_key = false;
    if (f.key_is_merge && v.is_object()) {
      f.merges.push_back(std::move(v));
      return;
    }
    if (f.key_is_merge && v.is_array()) {
      for (json& m : v) {
        if (!m.is_object()) throw BuildError{mark, "a merge key (<<) takes mappings"};
        f.merges.push_back(std::move(m));
      }
      return;
    }
    auto [it, inserted] = f.value.emplace(std::move(f.key), std::move(v));
    if (!inserted) throw BuildError{f.key_mark, "duplicate key \"" + it.key() + "\""};
  }

  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  long budget_ = kBudget;
};

/// A read-only std::streambuf over a string_view, so yaml-cpp reads the text without a copy.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // never written: get area only
    setg(p, p, p + s.size());
  }
};

/// Adds `doc` (a mapping; `kind: List` expanded) to `out`, or an error for anything else.
/// `items_pointer` is where a List's items are in the source ("" for a top-level JSON array).
void add_document(json&& doc, int line, const std::vector<int>& item_lines, std::size_t index,
                  std::string_view file, const SourceSpan& span, std::string_view items_pointer,
                  ReadResult& out) {
  if (doc.is_null()) return;  // empty document
  auto error = [&](int l, std::string msg) {
    out.errors.push_back(ManifestError{std::string(file), index, l, std::move(msg)});
  };
  if (!doc.is_object()) {
    error(line, std::string("document is not a mapping (found ") + doc.type_name() + ")");
    return;
  }
  auto kind = doc.find("kind");
  auto items = doc.find("items");
  bool is_list = kind != doc.end() && kind->is_string() && items != doc.end() &&
                 (items->is_array() || items->is_null()) &&
                 std::string_view(kind->get_ref<const std::string&>()).ends_with("List");
  if (!is_list) {
    out.documents.push_back(Document{std::string(file), index, line, std::move(doc), span});
    return;
  }
  if (items->is_null()) return;
  std::size_t i = 0;
  for (json& item : *items) {
    int item_line = i < item_lines.size() ? item_lines[i] : line;
    if (item.is_object()) {
      SourceSpan item_span = span;
      item_span.prefix = std::string(items_pointer) + '/' + std::to_string(i);
      out.documents.push_back(
          Document{std::string(file), index, item_line, std::move(item), std::move(item_span)});
    } else if (!item.is_null())
      error(item_line, "List item " + std::to_string(i) + " is not a mapping (found " +
                           item.type_name() + ")");
    ++i;
  }
}

/// Whether only blanks and comments follow `pos` in `piece`: the parser ran into the end.
bool at_end(std::string_view piece, std::size_t pos) {
  bool comment = false;
  for (std::size_t i = pos; i < piece.size(); ++i) {
    const char c = piece[i];
    if (c == '\n')
      comment = false;
    else if (c == '#')
      comment = true;
    else if (!comment && c != ' ' && c != '\t' && c != '\r')
      return false;
  }
  return true;
}

/// The 0-based line of the last character before `pos` that is neither blank nor in a
/// comment-only line: where the text a parser ran out on ends.
int last_content_line(std::string_view piece, std::size_t pos, int pos_line) {
  std::size_t end = std::min(pos, piece.size());
  for (int line = pos_line;; --line) {
    std::size_t begin = end == 0 ? 0 : piece.rfind('\n', end - 1);
    begin = begin == std::string_view::npos || end == 0 ? 0 : begin + 1;
    std::size_t first = piece.find_first_not_of(" \t\r", begin);
    if (first < end && piece[first] != '#') return line;
    if (begin == 0) return pos_line;
    end = begin - 1;  // the '\n' that ends the previous line
  }
}

/// The 1-based line and column at which to report a yaml-cpp error in `piece` (which starts at
/// 0-based line `base`). yaml-cpp marks where it gave up, which for a flow collection never closed
/// is wherever the next token happens to be, often the end of the input a line or more past the
/// problem: report where the collection opens. An error found at the end of the input is reported
/// on the last line of content.
std::pair<int, int> error_position(const YAML::Exception& e, const JsonBuilder& builder,
                                   std::string_view piece, int base) {
  if (e.mark.is_null()) return {base + 1, 0};
  const std::string& m = e.msg;
  if (m == YAML::ErrorMsg::END_OF_SEQ_FLOW || m == YAML::ErrorMsg::END_OF_MAP_FLOW) {
    if (const YAML::Mark* open = builder.innermost_open())
      return {base + open->line + 1, open->column + 1};
  }
  const auto pos = static_cast<std::size_t>(std::max(e.mark.pos, 0));
  if (at_end(piece, pos)) return {base + last_content_line(piece, pos, e.mark.line) + 1, 0};
  return {base + e.mark.line + 1, e.mark.column + 1};
}

void read_yaml(std::string_view text, std::string_view file, ReadResult& out) {
  const std::vector<YamlPiece> pieces = cut_yaml_stream(text);
  std::size_t index = 0;
  JsonBuilder builder;
  auto error = [&](int line, int column, std::string message) {
    out.errors.push_back(
        ManifestError{std::string(file), index++, line, std::move(message), column});
  };
  for (const YamlPiece& p : pieces) {
    const std::string_view piece = text.substr(p.begin, p.end - p.begin);
    ViewBuf buf(piece);
    std::istream in(&buf);
    builder.reset();
    const std::size_t first_index = index;
    try {
      YAML::Parser parser(in);
      int empty_in_a_row = 0;
      for (;; builder.reset(), ++index) {
        if (!parser.HandleNextDocument(builder)) break;
        // yaml-cpp 0.7 never consumes a ',' outside a flow collection and returns empty
        // documents forever (jbeder/yaml-cpp#1040); a piece holds one document per `---` or
        // `...`, so a second empty one in a row is that token.
        if (!builder.root.is_null()) {
          empty_in_a_row = 0;
        } else if (++empty_in_a_row == 2) {
          out.errors.push_back(ManifestError{std::string(file), index - 1,
                                             p.line + builder.root_line + 1,
                                             "unexpected ',' outside a flow collection"});
          break;
        }
        for (int& l : builder.item_lines) l += p.line + 1;
        const SourceSpan span{p.begin, p.end, p.line + 1, index - first_index, {}};
        add_document(std::move(builder.root), p.line + builder.root_line + 1, builder.item_lines,
                     index, file, span, "/items", out);
      }
    } catch (const YAML::DeepRecursion& e) {
      error(e.mark.is_null() ? p.line + 1 : p.line + e.mark.line + 1, 0, kTooDeep);
    } catch (const YAML::Exception& e) {
      auto [line, column] = error_position(e, builder, piece, p.line);
      error(line, column, e.msg);
    } catch (const BuildError& e) {
      error(p.line + e.mark.line + 1, e.mark.column + 1, e.message);
    } catch (const std::exception& e) {
      error(p.line + 1, 0, e.what());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON: one or several values, cut by bracket matching

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

/// Reads a JSON document or stream. Returns false when the text is not JSON at all.
void read_json(std::string_view text, std::string_view file, ReadResult& out) {
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
      out.errors.push_back(ManifestError{std::string(file), index, line, kTooDeep});
      pos = end;
      continue;
    }
    try {
      json doc = json::parse(text.data() + pos, text.data() + end);
      std::vector<int> item_lines;
      item_lines.reserve(item_starts.size());
      for (std::size_t s : item_starts) item_lines.push_back(lines.line_at(s));
      const bool array = doc.is_array();
      if (array) doc = json{{"kind", "List"}, {"items", std::move(doc)}};
      const SourceSpan span{pos, end, line, 0, {}};
      add_document(std::move(doc), line, item_lines, index, file, span, array ? "" : "/items", out);
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

}  // namespace

namespace {

ReadResult read_text(std::string_view text, std::string_view file) {
  ReadResult out;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    read_json(text, file, out);
    if (!out.documents.empty() || out.errors.empty()) return out;
    // Not JSON after all? A YAML flow collection starts the same way.
    ReadResult yaml;
    read_yaml(text, file, yaml);
    if (!yaml.documents.empty() && yaml.errors.empty()) return yaml;
    return out;
  }
  read_yaml(text, file, out);
  return out;
}

}  // namespace

ReadResult read_manifests(std::string_view text, std::string_view file) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";  // UTF-8 byte order mark
  if (!text.starts_with(kBom)) return read_text(text, file);
  ReadResult out = read_text(text.substr(kBom.size()), file);
  for (Document& d : out.documents) {  // spans count from the start of `text`
    d.source.begin += kBom.size();
    d.source.end += kBom.size();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

enum class Style { plain, single_quoted, double_quoted, literal };

/// Whether `s` looks like a number, a date or a time to any YAML version (1.1 octal, sexagesimal,
/// underscores, hex, timestamps): such strings are quoted so that no reader retypes them.
bool number_like(std::string_view s) {
  const char c = s[0];
  if (!is_dec(c) && c != '-' && c != '+' && c != '.') return false;
  bool digit = false;
  for (char ch : s) {
    if (is_dec(ch))
      digit = true;
    else if (!is_hex(ch) && ch != '_' && ch != '.' && ch != ':' && ch != '-' && ch != '+' &&
             ch != 'x' && ch != 'o' && ch != 'X' && ch != 'O' && ch != 'T' && ch != 't' &&
             ch != 'Z' && ch != 'z')
      return false;
  }
  return digit;
}

/// YAML 1.1 booleans and the .inf/.nan family: strings here, other types elsewhere.
bool ambiguous_word(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "y",     "Y",     "yes",   "Yes",   "YES",   "n",    "N",    "no",   "No",   "NO",
      "on",    "On",    "ON",    "off",   "Off",   "OFF",  ".inf", ".Inf", ".INF", "-.inf",
      "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN", "=",    "<<"};
  for (std::string_view w : kWords)
    if (s == w) return true;
  return false;
}

/// The length of the UTF-8 sequence at s[i] when it encodes a character YAML does not allow in
/// a stream (C1 controls U+0080-U+009F, U+FFFE, U+FFFF): Go's YAML reader refuses the whole
/// stream on one ("control characters are not allowed"). 0 for any other sequence.
std::size_t unprintable_at(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c == 0xC2 && i + 1 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]);
    return d >= 0x80 && d <= 0x9F && d != 0x85 ? 2 : 0;
  }
  if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
      (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE)
    return 3;
  return 0;
}

/// The code point of the 2- or 3-byte sequence unprintable_at() found.
unsigned code_point(std::string_view s, std::size_t i, std::size_t len) {
  auto b = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(s[i + k]));
  };
  return len == 2 ? ((b(0) & 0x1F) << 6) | (b(1) & 0x3F)
                  : ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
}

constexpr char kHex[] = "0123456789ABCDEF";

/// Characters a plain or single-quoted scalar cannot carry: C0 controls (tab aside), DEL, C1
/// controls, U+FFFE/U+FFFF, and the Unicode line breaks and byte order mark YAML treats specially.
bool needs_escape(std::string_view s, bool allow_newline) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && allow_newline) continue;
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
    if (unprintable_at(s, i)) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) return true;
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9))
      return true;
    if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
        static_cast<unsigned char>(s[i + 2]) == 0xBF)
      return true;
  }
  return false;
}

/// Whether a multi-line string reads back exactly from a literal block scalar.
bool literal_ok(std::string_view s) {
  if (s.find_first_not_of(" \n\t") == std::string_view::npos) return false;
  if (needs_escape(s, true)) return false;
  for (std::size_t pos = 0; pos <= s.size();) {
    std::size_t nl = s.find('\n', pos);
    std::string_view line = s.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line[0] == '\t'))
      return false;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return true;
}

Style choose_style(std::string_view s, bool is_key) {
  if (s.find('\n') != std::string_view::npos)
    return !is_key && literal_ok(s) ? Style::literal : Style::double_quoted;
  if (needs_escape(s, false)) return Style::double_quoted;
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t')
    return Style::single_quoted;
  if (!resolve_plain(std::string(s)).is_string() || number_like(s) || ambiguous_word(s))
    return Style::single_quoted;
  const char c = s[0];
  if (std::string_view("[]{},#&*!|>'\"%@`").find(c) != std::string_view::npos)
    return Style::single_quoted;
  if ((c == '-' || c == '?' || c == ':') &&
      (s.size() == 1 || s[1] == ' ' || s[1] == '\t' || s.starts_with("---")))
    return Style::single_quoted;
  if (s.starts_with("...")) return Style::single_quoted;
  if (s.back() == ':' || s.find(": ") != std::string_view::npos ||
      s.find(" #") != std::string_view::npos || s.find(":\t") != std::string_view::npos ||
      s.find("\t#") != std::string_view::npos)
    return Style::single_quoted;
  if (s.find('\t') != std::string_view::npos) return Style::double_quoted;
  return Style::plain;
}

class YamlWriter {
 public:
  static constexpr std::size_t kMaxImplicitKey = 1000;  // under YAML's 1024, counting bytes

  explicit YamlWriter(std::string& out) : out_(out) {}

  void document(const json& v) {
    if (v.is_object() && !v.empty()) return mapping(v, 0, false);
    if (v.is_array() && !v.empty()) return sequence(v, 0, false);
    scalar(v, 0, false);
    out_ += '\n';
  }

 private:
  void indent(int n) { out_.append(static_cast<std::size_t>(n), ' '); }

  void mapping(const json& obj, int ind, bool first_inline) {
    bool first = true;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!(first && first_inline)) indent(ind);
      first = false;
      const std::size_t key_start = out_.size();
      string(it.key(), ind, true, false);
      // YAML limits implicit keys to 1024 characters: a longer one is written as an explicit
      // key ("? key" then ": value" on the next line).
      const bool explicit_key = out_.size() - key_start > kMaxImplicitKey;
      if (explicit_key) {
        out_.insert(key_start, "? ");
        out_ += '\n';
        indent(ind);
      }
      out_ += ':';
      const json& v = it.value();
      if (v.is_object() && !v.empty()) {
        out_ += '\n';
        mapping(v, ind + 2, false);
      } else if (v.is_array() && !v.empty()) {
        out_ += '\n';
        sequence(v, explicit_key ? ind + 2 : ind, false);
      } else {
        out_ += ' ';
        scalar(v, ind, true);
        out_ += '\n';
      }
    }
  }

  void sequence(const json& arr, int ind, bool first_inline) {
    bool first = true;
    for (const json& v : arr) {
      if (!(first && first_inline)) indent(ind);
      first = false;
      out_ += "- ";
      if (v.is_object() && !v.empty()) {
        mapping(v, ind + 2, true);
      } else if (v.is_array() && !v.empty()) {
        sequence(v, ind + 2, true);
      } else {
        scalar(v, ind, false);
        out_ += '\n';
      }
    }
  }

  /// A scalar or empty collection; `ind` is the indentation of the key or dash before it.
  void scalar(const json& v, int ind, bool in_mapping) {
    char buf[32];
    switch (v.type()) {
      case json::value_t::null:
        out_ += "null";
        return;
      case json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return;
      case json::value_t::object:
        out_ += "{}";
        return;
      case json::value_t::array:
        out_ += "[]";
        return;
      case json::value_t::number_integer: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get<std::int64_t>());
        out_.append(buf, r.ptr);
        return;
      }
      case json::value_t::number_unsigned: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>());
        out_.append(buf, r.ptr);
        return;
      }
      case json::value_t::number_float:
        out_ += v.dump();
        return;
      case json::value_t::string:
        string(v.get_ref<const std::string&>(), ind, false, in_mapping);
        return;
      default:
        out_ += "null";
        return;
    }
  }

  void string(const std::string& s, int ind, bool is_key, bool in_mapping) {
    Style style = choose_style(s, is_key);
    // A literal whose first line starts with a space needs an indentation indicator; only the
    // mapping-value form is emitted with one (its parent indentation is unambiguous).
    std::size_t first_text = s.find_first_not_of('\n');
    bool leading_space = style == Style::literal && s[first_text] == ' ';
    if (leading_space && !in_mapping) style = Style::double_quoted;
    switch (style) {
      case Style::plain:
        out_ += s;
        return;
      case Style::single_quoted:
        out_ += '\'';
        for (char c : s) {
          if (c == '\'') out_ += '\'';
          out_ += c;
        }
        out_ += '\'';
        return;
      case Style::double_quoted:
        return double_quoted(s);
      case Style::literal:
        return literal(s, ind + 2, leading_space);
    }
  }

  void literal(std::string_view s, int content_ind, bool indicator) {
    std::size_t trailing = s.size() - s.find_last_not_of('\n') - 1;
    out_ += '|';
    if (indicator) out_ += '2';
    out_ += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    out_ += '\n';
    std::string_view body = s.substr(0, s.size() - trailing);
    for (std::size_t pos = 0;;) {
      std::size_t nl = body.find('\n', pos);
      std::string_view line = body.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      if (!line.empty()) indent(content_ind);
      out_ += line;
      out_ += '\n';
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i) out_ += '\n';
    out_.pop_back();  // the caller ends the line
  }

  void double_quoted(std::string_view s) {
    out_ += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      switch (c) {
        case '"':
          out_ += "\\\"";
          continue;
        case '\\':
          out_ += "\\\\";
          continue;
        case '\n':
          out_ += "\\n";
          continue;
        case '\t':
          out_ += "\\t";
          continue;
        case '\r':
          out_ += "\\r";
          continue;
        default:
          break;
      }
      if (c < 0x20 || c == 0x7f) {
        out_ += "\\x";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 15];
      } else if (std::size_t len = unprintable_at(s, i)) {
        unsigned cp = code_point(s, i, len);
        out_ += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out_ += kHex[(cp >> shift) & 15];
        i += len - 1;
      } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
        out_ += "\\u0085", ++i;  // not \N: yaml-cpp reads that as the raw byte 0x85
      } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
        out_ += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\L" : "\\P", i += 2;
      } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
                 static_cast<unsigned char>(s[i + 2]) == 0xBF) {
        out_ += "\\uFEFF", i += 2;
      } else {
        out_ += static_cast<char>(c);
      }
    }
    out_ += '"';
  }

  std::string& out_;
};

}  // namespace

namespace {

/// The length of the sequence at s[i] when Argo CD's second decoding (YAML over the JSON text of
/// each object, the character raw) refuses or changes it: DEL and the C1 controls are refused;
/// NEL (U+0085) is a YAML line break, folded into a space inside a quoted scalar.
std::size_t reread_unsafe_at(std::string_view s, std::size_t i) {
  if (s[i] == 0x7f) return 1;
  if (s[i] == '\xC2' && i + 1 < s.size()) {
    auto d = static_cast<unsigned char>(s[i + 1]);
    return d >= 0x80 && d <= 0x9F ? 2 : 0;
  }
  return unprintable_at(s, i);
}

/// What a JSON stream must escape to be read as YAML unchanged: the characters above, the
/// line and paragraph separators (line breaks to a YAML 1.1 reader) and U+FEFF.
std::size_t json_escape_at(std::string_view s, std::size_t i) {
  if (std::size_t len = reread_unsafe_at(s, i)) return len;
  if (i + 2 >= s.size()) return 0;
  const bool separator =
      s[i] == '\xE2' && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9');
  const bool bom = s[i] == '\xEF' && s[i + 1] == '\xBB' && s[i + 2] == '\xBF';
  if (separator || bom) return 3;
  return 0;
}

}  // namespace

bool yaml_reread_refuses(const json& v) {
  auto bad = [](const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i)
      if (reread_unsafe_at(s, i)) return true;
    return false;
  };
  switch (v.type()) {
    case json::value_t::string:
      return bad(v.get_ref<const std::string&>());
    case json::value_t::array:
      return std::any_of(v.begin(), v.end(), [](const json& e) { return yaml_reread_refuses(e); });
    case json::value_t::object:
      for (auto it = v.begin(); it != v.end(); ++it)
        if (bad(it.key()) || yaml_reread_refuses(it.value())) return true;
      return false;
    default:
      return false;
  }
}

std::string write_json_stream(const std::vector<json>& objects) {
  std::string out;
  for (const json& o : objects) {
    const std::string text = o.dump();
    out.reserve(out.size() + text.size() + 1);
    // Outside strings a JSON text is ASCII, so every byte matched here sits inside a string.
    for (std::size_t i = 0; i < text.size(); ++i) {
      std::size_t len = json_escape_at(text, i);
      if (len == 0) {
        out += text[i];
        continue;
      }
      unsigned cp = len == 1 ? 0x7fu : code_point(text, i, len);
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += "0123456789abcdef"[(cp >> shift) & 15];
      i += len - 1;
    }
    out += '\n';
  }
  return out;
}

std::string write_yaml_stream(const std::vector<json>& objects) {
  std::string out;
  out.reserve(objects.size() * 1024);
  YamlWriter writer(out);
  bool first = true;
  for (const json& o : objects) {
    if (!first) out += "---\n";
    first = false;
    writer.document(o);
  }
  return out;
}

}  // namespace haguard::plugin
