#pragma once
// One YAML document as a small tree built from yaml-cpp's events, for std.parseYaml and Tanka's
// parseYaml (jsonnet_yaml.cc): yaml-cpp's Node API hides which nodes are aliases, which the
// readers need for cycles and for go-yaml's bound on alias expansion.

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace haguard::plugin::yaml_tree {

/// A node; children and targets are indexes into TreeBuilder::nodes.
struct Node {
  enum Kind : std::uint8_t { kNull, kScalar, kSeq, kMap, kAlias };
  explicit Node(Kind k) : kind(k) {}
  Kind kind;
  bool done = false;                    // for anchors: an alias to an unfinished node is a cycle
  std::string tag, value;               // scalars; value is the anchor name for a cycle message
  std::vector<std::uint32_t> children;  // maps: key, value, key, value...
  std::uint32_t target = 0;             // aliases
  int line = 0;                         // 0-based, in the parsed text
};

/// Builds the tree of one document from yaml-cpp's events (a parser's HandleNextDocument).
class TreeBuilder : public YAML::EventHandler {
 public:
  std::vector<Node> nodes;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n(Node::kNull);
    n.line = mark.line;
    add(std::move(n), anchor, true);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n(Node::kAlias);
    n.line = mark.line;
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw std::runtime_error("unknown anchor");
    n.target = it->second;
    add(std::move(n), 0, true);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n(Node::kScalar);
    n.line = mark.line;
    n.tag = tag;
    n.value = value;
    add(std::move(n), anchor, true);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Node n(Node::kSeq);
    n.line = mark.line;
    open_.push_back(add(std::move(n), anchor, false));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Node n(Node::kMap);
    n.line = mark.line;
    open_.push_back(add(std::move(n), anchor, false));
  }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }

 private:
  std::uint32_t add(Node n, YAML::anchor_t anchor, bool done) {
    n.done = done;
    auto index = static_cast<std::uint32_t>(nodes.size());
    if (anchor != YAML::NullAnchor) {
      anchors_[anchor] = index;
      if (n.kind != Node::kScalar) n.value = anchor_name_;
    }
    if (!open_.empty()) nodes[open_.back()].children.push_back(index);
    nodes.push_back(std::move(n));
    return index;
  }
  void close() {
    nodes[open_.back()].done = true;
    open_.pop_back();
  }
  std::map<YAML::anchor_t, std::uint32_t> anchors_;
  std::vector<std::uint32_t> open_;
  std::string anchor_name_;
};

}  // namespace haguard::plugin::yaml_tree
