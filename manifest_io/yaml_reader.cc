// YAML to JSON. The stream is cut at its `---` lines (a document marker at column 0 always ends the
// previous document, even inside a block scalar), so one malformed document does not hide the
// others; each piece is parsed by yaml-cpp's event parser straight into JSON (no YAML::Node tree).

#include "manifest_io/yaml_reader.h"

#include <algorithm>
#include <istream>
#include <map>
#include <streambuf>
#include <utility>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "manifest_io/documents.h"
#include "manifest_io/scalar_typing.h"
#include "policies/yaml_stream.h"

namespace haguard::manifest_io {
namespace {

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
      // A merge key is a plain `<<`, or `!!merge <<` as kpt (kyaml) writes it.
      return set_key(mark, value, tag == "?" || tag == "tag:yaml.org,2002:merge");
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
    if (stack_.size() >= kMaxDepth) throw BuildError{mark, too_deep_message()};
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

}  // namespace

void read_yaml(std::string_view text, std::string_view file, const ReadOptions& options,
               ReadResult& out) {
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
                     index, file, span, "/items", options, out);
      }
    } catch (const YAML::DeepRecursion& e) {
      error(e.mark.is_null() ? p.line + 1 : p.line + e.mark.line + 1, 0, too_deep_message());
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

}  // namespace haguard::manifest_io
