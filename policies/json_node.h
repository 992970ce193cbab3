#pragma once
// A read-only view of one JSON value, held either in a nlohmann::json tree or in a simdjson DOM.
// The rules read objects through it, so that the webhook judges a review where simdjson parsed it:
// building and freeing a nlohmann tree of the object costs ~40% of the CPU of a small review
// (bench/README.md, "Webhook load"). What edits or copies JSON (the fixes, the patch, the plugin's
// output) keeps using nlohmann::json.
//
// A view holds a pointer: the tree, or the simdjson parser that made the DOM, must outlive it.
// Both backends answer alike (members in key order, dump() as nlohmann writes), but for an object
// that repeats a key: a DOM finds the first, a tree keeps the last, so the webhook reads such
// reviews into a tree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace haguard {

using json = nlohmann::json;

class JsonNode {
 public:
  /// No value: what a lookup of an absent member or item gives.
  JsonNode() = default;
  /// A view of `value`. Implicit, so that everything holding a tree can be judged as it is.
  JsonNode(const json& value) : tree_(&value) {}  // NOLINT(google-explicit-constructor)
  /// A view of an element of a simdjson DOM.
  static JsonNode dom(const simdjson::dom::element& element);

  /// Whether there is a value (JSON null included).
  bool present() const { return tree_ != nullptr || dom_doc_ != nullptr; }
  explicit operator bool() const { return present(); }

  bool is_null() const;
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_boolean() const;
  bool is_number() const;

  /// The member `key` of an object; absent when this is not an object or lacks it.
  JsonNode operator[](std::string_view key) const;
  /// The string, or "" when this is not a string.
  std::string_view str() const;
  /// Whether this is JSON true.
  bool is_true() const;
  /// Whether this is the string `s`.
  bool equals(std::string_view s) const { return is_string() && str() == s; }
  /// The value of an integer in int64's range (a non-negative one written as unsigned included);
  /// nullopt for anything else, floating-point numbers written without a fraction included.
  std::optional<std::int64_t> integer() const;
  /// Members of an object, items of an array; 0 for anything else.
  std::size_t size() const;
  bool empty() const { return size() == 0; }

  /// The items of an array, in order; none when this is not an array.
  std::vector<JsonNode> items() const;
  /// The members of an object, in key order; none when this is not an object.
  std::vector<std::pair<std::string_view, JsonNode>> members() const;

  /// The value as compact JSON text, as nlohmann writes it ("" when absent).
  std::string dump() const;
  /// A nlohmann copy of the value (null when absent), for what edits it.
  json to_json() const;
  /// The tree this views, or nullptr (a DOM, or absent).
  const json* tree() const { return tree_; }

 private:
  const json* tree_ = nullptr;
  // A simdjson element is a document and an index into its tape; kept as such so that this
  // header need not include simdjson's 1.2 MB one.
  const void* dom_doc_ = nullptr;
  std::size_t dom_index_ = 0;
};

}  // namespace haguard
