#include "policies/json_patch.h"

#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace haguard {
namespace {

// Written by hand rather than calling json::diff, which compares whole subtrees at every level
// (quadratic in depth), looks every key up in the other object and copies every op up through
// each level: on a fixed Deployment it cost more than the rules. This walk visits each node once,
// merges the two objects' sorted keys in step, spells a path only for an op it emits, and appends
// ops in place. The ops and their order are json::diff's (tests/policies/json_patch_test.cc holds
// it to that).
static_assert(std::is_same_v<json::object_t, std::map<std::string, json, std::less<>>>,
              "the merge below relies on objects iterating in sorted key order");

/// The path to the node being compared, kept as tokens and spelled only when an op needs it.
class Path {
 public:
  void push(std::string_view key) { tokens_.push_back({key, 0, false}); }
  void push(std::size_t index) { tokens_.push_back({{}, index, true}); }
  void pop() { tokens_.pop_back(); }

  std::string str(std::string_view last = {}) const {
    std::string out;
    for (const Token& t : tokens_) {
      out += '/';
      if (t.is_index) out += std::to_string(t.index);
      else append_escaped(out, t.key);
    }
    if (!last.empty()) out.append("/").append(last);
    return out;
  }

 private:
  struct Token {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };
  static void append_escaped(std::string& out, std::string_view key) {
    for (char c : key) {
      if (c == '~') out += "~0";
      else if (c == '/') out += "~1";
      else out += c;
    }
  }
  std::vector<Token> tokens_;
};

// Built member by member: json's initializer-list constructor copies every element twice.
json op(const char* name, std::string path) {
  json o(json::value_t::object);
  o.emplace("op", name);
  o.emplace("path", std::move(path));
  return o;
}

json op(const char* name, std::string path, const json& value) {
  json o = op(name, std::move(path));
  o.emplace("value", value);
  return o;
}

void diff_into(const json& from, const json& to, Path& path, json& out) {
  const bool same_container = from.type() == to.type() && (from.is_object() || from.is_array());
  if (!same_container) {
    if (from != to) out.push_back(op("replace", path.str(), to));
    return;
  }
  if (from.is_array()) {
    const json::array_t& fa = from.get_ref<const json::array_t&>();
    const json::array_t& ta = to.get_ref<const json::array_t&>();
    const std::size_t common = std::min(fa.size(), ta.size());
    for (std::size_t i = 0; i < common; ++i) {
      path.push(i);
      diff_into(fa[i], ta[i], path, out);
      path.pop();
    }
    // Surplus elements go from the end, so each index is still valid when its op applies.
    for (std::size_t i = from.size(); i > common; --i) {
      path.push(i - 1);
      out.push_back(op("remove", path.str()));
      path.pop();
    }
    for (std::size_t i = common; i < to.size(); ++i) out.push_back(op("add", path.str("-"), to[i]));
    return;
  }
  // First the keys of `from` (changed or removed), then the keys only `to` has (added). The maps
  // are walked directly: json's iterators switch on the value's type at every step.
  const json::object_t& fo = from.get_ref<const json::object_t&>();
  const json::object_t& to_members = to.get_ref<const json::object_t&>();
  auto a = fo.begin(), b = to_members.begin();
  while (a != fo.end()) {
    if (b == to_members.end() || a->first < b->first) {
      path.push(a->first);
      out.push_back(op("remove", path.str()));
      path.pop();
      ++a;
    } else if (b->first < a->first) {
      ++b;
    } else {
      path.push(a->first);
      diff_into(a->second, b->second, path, out);
      path.pop();
      ++a, ++b;
    }
  }
  a = fo.begin(), b = to_members.begin();
  while (b != to_members.end()) {
    if (a == fo.end() || b->first < a->first) {
      path.push(b->first);
      out.push_back(op("add", path.str(), b->second));
      path.pop();
      ++b;
    } else if (a->first < b->first) {
      ++a;
    } else {
      ++a, ++b;
    }
  }
}

}  // namespace

json json_diff(const json& from, const json& to) {
  json out = json::array();
  Path path;
  diff_into(from, to, path, out);
  return out;
}

}  // namespace haguard
