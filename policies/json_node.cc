#include "policies/json_node.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <type_traits>

#include <simdjson.h>

namespace haguard {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::internal::tape_ref;

// An element is nothing but a tape_ref: the pair JsonNode keeps.
static_assert(sizeof(element) == sizeof(tape_ref));
static_assert(std::is_trivially_copyable_v<element> && std::is_trivially_copyable_v<tape_ref>);

element element_of(const void* doc, std::size_t index) {
  return std::bit_cast<element>(tape_ref(static_cast<const simdjson::dom::document*>(doc), index));
}

json tree_of(element e) {
  switch (e.type()) {
    case element_type::OBJECT: {
      json out(json::value_t::object);
      auto& members = out.get_ref<json::object_t&>();
      const simdjson::dom::object object = e.get_object().value_unsafe();
      for (auto field : object)  // a repeated key keeps its last value, as nlohmann's parser does
        members.insert_or_assign(std::string(field.key), tree_of(field.value));
      return out;
    }
    case element_type::ARRAY: {
      json out(json::value_t::array);
      auto& items = out.get_ref<json::array_t&>();
      const simdjson::dom::array array = e.get_array().value_unsafe();
      items.reserve(array.size());
      for (element item : array) items.push_back(tree_of(item));
      return out;
    }
    case element_type::STRING:
      return json(std::string(e.get_string().value_unsafe()));
    case element_type::INT64: {
      const std::int64_t v = e.get_int64().value_unsafe();
      return v >= 0 ? json(static_cast<std::uint64_t>(v)) : json(v);
    }
    case element_type::UINT64:
      return json(e.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return json(e.get_double().value_unsafe());
    case element_type::BOOL:
      return json(e.get_bool().value_unsafe());
    case element_type::NULL_VALUE:
      return json(nullptr);
  }
  return json();
}

}  // namespace

JsonNode JsonNode::dom(const element& e) {
  const auto ref = std::bit_cast<tape_ref>(e);
  JsonNode node;
  node.dom_doc_ = ref.doc;
  node.dom_index_ = ref.json_index;
  return node;
}

bool JsonNode::is_null() const {
  if (tree_) return tree_->is_null();
  return dom_doc_ && element_of(dom_doc_, dom_index_).is_null();
}

bool JsonNode::is_object() const {
  if (tree_) return tree_->is_object();
  return dom_doc_ && element_of(dom_doc_, dom_index_).type() == element_type::OBJECT;
}

bool JsonNode::is_array() const {
  if (tree_) return tree_->is_array();
  return dom_doc_ && element_of(dom_doc_, dom_index_).type() == element_type::ARRAY;
}

bool JsonNode::is_string() const {
  if (tree_) return tree_->is_string();
  return dom_doc_ && element_of(dom_doc_, dom_index_).type() == element_type::STRING;
}

bool JsonNode::is_boolean() const {
  if (tree_) return tree_->is_boolean();
  return dom_doc_ && element_of(dom_doc_, dom_index_).type() == element_type::BOOL;
}

bool JsonNode::is_number() const {
  if (tree_) return tree_->is_number();
  if (!dom_doc_) return false;
  const element_type t = element_of(dom_doc_, dom_index_).type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

bool JsonNode::is_true() const {
  if (tree_) return tree_->is_boolean() && tree_->get<bool>();
  bool value = false;
  return dom_doc_ && element_of(dom_doc_, dom_index_).get_bool().get(value) == simdjson::SUCCESS &&
         value;
}

JsonNode JsonNode::operator[](std::string_view key) const {
  if (tree_) {
    if (!tree_->is_object()) return {};
    auto it = tree_->find(key);  // heterogeneous lookup: no key string made
    return it == tree_->end() ? JsonNode() : JsonNode(*it);
  }
  if (!dom_doc_) return {};
  simdjson::dom::object object;
  element value;
  if (element_of(dom_doc_, dom_index_).get_object().get(object) != simdjson::SUCCESS ||
      object.at_key(key).get(value) != simdjson::SUCCESS)
    return {};
  return dom(value);
}

std::string_view JsonNode::str() const {
  if (tree_) return tree_->is_string() ? std::string_view(tree_->get_ref<const std::string&>()) : "";
  std::string_view s;
  if (dom_doc_ && element_of(dom_doc_, dom_index_).get_string().get(s) == simdjson::SUCCESS) return s;
  return {};
}

std::optional<std::int64_t> JsonNode::integer() const {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (tree_) {
    if (tree_->is_number_unsigned()) {
      const auto v = tree_->get<std::uint64_t>();
      return v <= kMax ? std::optional<std::int64_t>(static_cast<std::int64_t>(v)) : std::nullopt;
    }
    if (tree_->is_number_integer()) return tree_->get<std::int64_t>();
    return std::nullopt;
  }
  if (!dom_doc_) return std::nullopt;
  // simdjson writes integers beyond int64 as UINT64: out of range here.
  const element e = element_of(dom_doc_, dom_index_);
  if (e.type() == element_type::INT64) return e.get_int64().value_unsafe();
  return std::nullopt;
}

std::size_t JsonNode::size() const {
  if (tree_) return tree_->is_structured() ? tree_->size() : 0;
  if (!dom_doc_) return 0;
  const element e = element_of(dom_doc_, dom_index_);
  if (e.type() == element_type::OBJECT) return e.get_object().value_unsafe().size();
  if (e.type() == element_type::ARRAY) return e.get_array().value_unsafe().size();
  return 0;
}

std::vector<JsonNode> JsonNode::items() const {
  std::vector<JsonNode> out;
  if (tree_) {
    if (!tree_->is_array()) return out;
    out.reserve(tree_->size());
    for (const json& item : *tree_) out.emplace_back(item);
    return out;
  }
  simdjson::dom::array array;
  if (!dom_doc_ || element_of(dom_doc_, dom_index_).get_array().get(array) != simdjson::SUCCESS)
    return out;
  for (element item : array) out.push_back(dom(item));
  return out;
}

std::vector<std::pair<std::string_view, JsonNode>> JsonNode::members() const {
  std::vector<std::pair<std::string_view, JsonNode>> out;
  if (tree_) {
    if (!tree_->is_object()) return out;
    out.reserve(tree_->size());
    for (const auto& [key, value] : tree_->get_ref<const json::object_t&>())
      out.emplace_back(key, JsonNode(value));
    return out;
  }
  simdjson::dom::object object;
  if (!dom_doc_ || element_of(dom_doc_, dom_index_).get_object().get(object) != simdjson::SUCCESS)
    return out;
  for (auto field : object) out.emplace_back(field.key, dom(field.value));
  // In key order, as the tree keeps them: what is listed (selectors in messages) reads the same.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string JsonNode::dump() const {
  // A DOM through a tree: nlohmann's key order and number spelling, whichever was parsed.
  if (!present()) return {};
  constexpr auto kReplace = json::error_handler_t::replace;
  if (tree_) return tree_->dump(-1, ' ', false, kReplace);  // a ternary would copy the tree
  return to_json().dump(-1, ' ', false, kReplace);
}

json JsonNode::to_json() const {
  if (tree_) return *tree_;
  if (!dom_doc_) return json();
  return tree_of(element_of(dom_doc_, dom_index_));
}

}  // namespace haguard
