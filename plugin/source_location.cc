// JSON pointers back to lines and columns: yaml-cpp's event parser walks the document's text
// again (JSON is read the same way: a JSON value is a YAML flow node) while a pointer to the
// current node is kept; each node whose pointer is a query or an ancestor of one records its mark.
// A mapping member is placed at its key, a sequence item at the item itself.

#include "plugin/source_location.h"

#include <map>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "policies/yaml_events.h"

namespace haguard::plugin {

namespace {

void append_token(std::string& pointer, std::string_view key) {
  pointer += '/';
  for (char c : key) {
    if (c == '~')
      pointer += "~0";
    else if (c == '/')
      pointer += "~1";
    else
      pointer += c;
  }
}

/// Walks one document and records, for each node that lies on the way to a target pointer, the
/// mark where it is written. Nodes are met root first, so the last mark recorded for a target is
/// the deepest one that exists.
class PointerWalker : public YAML::EventHandler {
 public:
  /// `targets[i]` is a full pointer into the document; `marks[i]` receives its mark.
  PointerWalker(const std::vector<std::string>& targets, std::vector<YAML::Mark>& marks)
      : marks_(marks) {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const std::string& t = targets[i];
      on_the_way_[""].push_back(i);
      for (std::size_t slash = t.find('/', 1); slash != std::string::npos;
           slash = t.find('/', slash + 1))
        on_the_way_[t.substr(0, slash)].push_back(i);
      if (!t.empty()) on_the_way_[t].push_back(i);
    }
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { leaf(mark, "null"); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { leaf(mark, {}); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    leaf(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(mark, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(mark, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool mapping;
    bool ignored;            ///< a complex key (or inside one): matches nothing
    std::size_t length;      ///< of pointer_ at this collection
    std::size_t next_index;  ///< sequences: the next item's index
    bool has_key;            ///< mappings: a key was read, its value comes next
    std::string key;
    YAML::Mark key_mark;
  };

  /// A scalar, null or alias; `key_text` is its text when it is read as a mapping key.
  void leaf(const YAML::Mark& mark, std::string_view key_text) {
    if (!stack_.empty() && stack_.back().ignored) return;
    if (key_expected()) {
      Frame& f = stack_.back();
      f.key = std::string(key_text);
      f.key_mark = mark;
      f.has_key = true;
      return;
    }
    const std::size_t length = enter(mark);
    pointer_.resize(length);
  }

  void open(const YAML::Mark& mark, bool mapping) {
    if (key_expected() || (!stack_.empty() && stack_.back().ignored)) {
      stack_.push_back(Frame{mapping, true, pointer_.size(), 0, false, {}, {}});
      return;
    }
    const std::size_t parent_length = pointer_.size();
    enter(mark);
    stack_.push_back(Frame{mapping, false, parent_length, 0, false, {}, {}});
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    pointer_.resize(f.length);
    if (f.ignored && !stack_.empty() && !stack_.back().ignored && key_expected()) {
      Frame& parent = stack_.back();  // a complex key: its value can match nothing
      parent.key.clear();
      parent.key.push_back('\x01');
      parent.has_key = true;
    }
  }

  bool key_expected() const {
    return !stack_.empty() && stack_.back().mapping && !stack_.back().has_key;
  }

  /// Extends pointer_ to the node that starts at `mark`, records the mark for the targets on the
  /// way, and returns the parent's pointer length (to restore after a leaf).
  std::size_t enter(const YAML::Mark& mark) {
    const std::size_t parent_length = pointer_.size();
    YAML::Mark at = mark;
    if (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.mapping) {
        append_token(pointer_, f.key);
        at = f.key_mark;  // a member is where its key is written
        f.has_key = false;
      } else {
        append_token(pointer_, std::to_string(f.next_index++));
      }
    }
    if (auto it = on_the_way_.find(pointer_); it != on_the_way_.end())
      for (std::size_t i : it->second) marks_[i] = at;
    return parent_length;
  }

  std::vector<YAML::Mark>& marks_;
  std::unordered_map<std::string, std::vector<std::size_t>> on_the_way_;
  std::vector<Frame> stack_;
  std::string pointer_;
};

/// Line and code-point column of byte `offset` in `text`.
SourcePosition position_at(std::string_view text, std::size_t offset, int line) {
  offset = std::min(offset, text.size());
  std::size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  int column = 1;
  for (std::size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return SourcePosition{line, column};
}

}  // namespace

std::vector<SourcePosition> locate(std::string_view text, const std::vector<LocateQuery>& queries) {
  std::vector<SourcePosition> out(queries.size());
  // Queries grouped by the text they need parsed: a List's items share one parse.
  std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const SourceSpan& s = queries[i].document->source;
    groups[{s.begin, s.end, s.document}].push_back(i);
    out[i] = SourcePosition{queries[i].document->line, 0};
  }
  for (const auto& [key, members] : groups) {
    const auto [begin, end, document] = key;
    if (begin > end || end > text.size()) continue;
    const SourceSpan& span = queries[members.front()].document->source;
    std::vector<std::string> targets;
    for (std::size_t i : members)
      targets.push_back(queries[i].document->source.prefix + queries[i].pointer);
    std::vector<YAML::Mark> marks(targets.size(), YAML::Mark::null_mark());
    try {
      std::istringstream in{std::string(text.substr(begin, end - begin))};
      YAML::Parser parser(in);
      IgnoringEventHandler skip;  // a document no query is about
      for (std::size_t k = 0; k < document; ++k)
        if (!parser.HandleNextDocument(skip)) break;
      PointerWalker walker(targets, marks);
      parser.HandleNextDocument(walker);
    } catch (const YAML::Exception&) {
      // The reader parsed this text before; keep what was found up to here.
    }
    for (std::size_t m = 0; m < members.size(); ++m) {
      const YAML::Mark& mark = marks[m];
      if (mark.is_null()) continue;
      out[members[m]] = position_at(text, begin + static_cast<std::size_t>(mark.pos),
                                    span.first_line + mark.line);
    }
  }
  return out;
}

}  // namespace haguard::plugin
