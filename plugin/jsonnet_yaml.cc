// std.parseYaml with go-jsonnet's semantics. The rules mirror, in order: go-jsonnet's yaml.go
// (documents cut at lines that are `---` plus blanks), go-yaml v2's resolve.go (scalar types),
// its decode.go (merge keys, aliases, the alias-expansion bound) and sigs.k8s.io/yaml's
// convertToJSONableObject (key strings). yaml-cpp parses into a small tree (jsonnet_yaml_tree.h).
// Tanka's parseYaml shares the converter with yaml.v3's differences: the stream read by the
// parser itself, v3's resolve, its merge order and its refusals (duplicate and non-string keys).

#include "plugin/jsonnet_yaml.h"

#include "plugin/jsonnet_go_text.h"
#include "plugin/jsonnet_yaml_scalars.h"
#include "plugin/jsonnet_yaml_tree.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

using yaml_tree::Node;
using yaml_tree::TreeBuilder;

struct Document {
  std::string text;
  std::size_t first_line;  // 1-based line of the whole input where the document starts
};

bool is_go_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// go-jsonnet's YAMLReader: a line starting with `---` and nothing but blanks after it ends a
/// non-empty document and marks the input as a stream; lines ending in "\r\n" lose the "\r".
std::vector<Document> split_documents(std::string_view text, bool& stream) {
  std::vector<Document> docs;
  std::string buffer;
  std::size_t line_no = 0, start = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (nl != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, 3) == "---") {
      bool blank = true;
      for (char c : line.substr(3)) blank = blank && is_go_space(c);
      if (blank) {
        stream = true;
        if (!buffer.empty()) {
          docs.push_back({std::move(buffer), start});
          buffer.clear();
          continue;
        }
        // As go-jsonnet's reader: a separator opening a document stays in it (YAML's own
        // document start), so "---" alone is one null document.
      }
    }
    if (buffer.empty()) start = line_no;
    buffer.append(line).push_back('\n');
  }
  if (!buffer.empty()) docs.push_back({std::move(buffer), start});
  return docs;
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

/// Converts the tree to the VM's JSON values, with go-yaml's bounds on aliases.
class Converter {
 public:
  /// `yaml_v3`: read as Tanka does (yaml.v3, then encoding/json), not as go-jsonnet.
  Converter(JsonnetVm* vm, const std::vector<Node>& nodes, bool yaml_v3)
      : vm_(vm), nodes_(nodes), v3_(yaml_v3) {}

  JsonnetJsonValue* value(std::uint32_t index, unsigned depth) {
    const Node& n = nodes_[index];
    count();
    if (depth > 10000) fail("the document nests deeper than 10000 levels");
    switch (n.kind) {
      case Node::kNull:
        return jsonnet_json_make_null(vm_);
      case Node::kAlias: {
        const Node& t = nodes_[n.target];
        if (!t.done) fail("anchor '" + t.value + "' value contains itself");
        ++alias_depth_;
        JsonnetJsonValue* v = value(n.target, depth + 1);
        --alias_depth_;
        return v;
      }
      case Node::kScalar:
        if (n.tag == "tag:yaml.org,2002:binary") return scalar(YamlScalar{}, binary(n.value));
        return scalar(resolve_yaml_scalar(n.tag, n.value, v3_), n.value);
      case Node::kSeq: {
        JsonnetJsonValue* arr = jsonnet_json_make_array(vm_);
        Owned guard(vm_, arr);
        for (auto c : n.children) jsonnet_json_array_append(vm_, arr, value(c, depth + 1));
        return guard.release();
      }
      case Node::kMap: {
        std::map<std::string, std::uint32_t> fields;
        if (v3_)
          collect_v3(index, fields, depth);
        else
          collect(index, fields, depth);
        JsonnetJsonValue* obj = jsonnet_json_make_object(vm_);
        Owned guard(vm_, obj);
        for (const auto& [k, v] : fields)
          jsonnet_json_object_append(vm_, obj, k.c_str(), value(v, depth + 1));
        return guard.release();
      }
    }
    fail("unknown YAML node");
  }

 private:
  struct Owned {
    Owned(JsonnetVm* owner, JsonnetJsonValue* value) : vm(owner), v(value) {}
    ~Owned() {
      if (v) jsonnet_json_destroy(vm, v);
    }
    JsonnetJsonValue* release() { return std::exchange(v, nullptr); }
    JsonnetVm* vm;
    JsonnetJsonValue* v;
  };

  void count() {
    ++decode_count_;
    if (alias_depth_ > 0) ++alias_count_;
    if (alias_count_ > 100 && decode_count_ > 1000) {
      double low = 400000, high = 4000000, n = static_cast<double>(decode_count_);
      double allowed = n <= low ? 0.99 : n >= high ? 0.10 : 0.99 - 0.89 * (n - low) / (high - low);
      if (static_cast<double>(alias_count_) / n > allowed)
        fail("document contains excessive aliasing");
    }
  }

  const Node& deref(std::uint32_t index) const {
    const Node* n = &nodes_[index];
    while (n->kind == Node::kAlias) n = &nodes_[n->target];
    return *n;
  }

  /// The map's fields in go-yaml's order of assignment: a merge (`<<`) overwrites what came
  /// before it, later keys overwrite the merge; in a list of merged maps the first wins.
  void collect(std::uint32_t index, std::map<std::string, std::uint32_t>& fields, unsigned depth) {
    if (depth > 10000) fail("the document nests deeper than 10000 levels");
    const Node& n = deref(index);
    if (!n.done) fail("anchor '" + n.value + "' value contains itself");
    for (std::size_t i = 0; i + 1 < n.children.size(); i += 2) {
      const Node& key = deref(n.children[i]);
      std::uint32_t val = n.children[i + 1];
      bool merge = key.kind == Node::kScalar && key.value == "<<" &&
                   (key.tag == "?" || key.tag == "tag:yaml.org,2002:merge");
      if (!merge) {
        count();
        fields[key_string(key)] = val;
        continue;
      }
      const Node& m = deref(val);
      if (m.kind == Node::kMap) {
        collect(val, fields, depth + 1);
      } else if (m.kind == Node::kSeq) {
        for (auto it = m.children.rbegin(); it != m.children.rend(); ++it) {
          if (deref(*it).kind != Node::kMap)
            fail("map merge requires map or sequence of maps as the value");
          collect(*it, fields, depth + 1);
        }
      } else {
        fail("map merge requires map or sequence of maps as the value");
      }
    }
  }

  /// yaml.v3's order: the map's own keys (each once) win over merged ones; in a list of merged
  /// maps the first wins.
  void collect_v3(std::uint32_t index, std::map<std::string, std::uint32_t>& fields,
                  unsigned depth) {
    if (depth > 10000) fail("the document nests deeper than 10000 levels");
    const Node& n = deref(index);
    if (!n.done) fail("anchor '" + n.value + "' value contains itself");
    std::map<std::string, int> own;
    std::vector<std::uint32_t> merges;
    for (std::size_t i = 0; i + 1 < n.children.size(); i += 2) {
      const Node& key = deref(n.children[i]);
      if (key.kind == Node::kScalar && key.value == "<<" &&
          (key.tag == "?" || key.tag == "tag:yaml.org,2002:merge")) {
        merges.push_back(n.children[i + 1]);
        continue;
      }
      count();
      std::string k = key_string(key);
      if (auto [it, fresh] = own.emplace(k, key.line); !fresh)
        fail("line " + std::to_string(key.line + 1) + ": mapping key \"" + k +
             "\" already defined at line " + std::to_string(it->second + 1));
      fields[k] = n.children[i + 1];
    }
    for (std::uint32_t merge : merges) {
      const Node& m = deref(merge);
      std::vector<std::uint32_t> maps;
      if (m.kind == Node::kMap) maps.push_back(merge);
      if (m.kind == Node::kSeq) maps = m.children;
      if (maps.empty()) fail("map merge requires map or sequence of maps as the value");
      for (std::uint32_t each : maps) {
        if (deref(each).kind != Node::kMap)
          fail("map merge requires map or sequence of maps as the value");
        std::map<std::string, std::uint32_t> merged;
        collect_v3(each, merged, depth + 1);
        fields.insert(merged.begin(), merged.end());  // keeps what is there
      }
    }
  }

  std::string key_string(const Node& key) const {
    if (!v3_) return key_string_v2(key);
    // encoding/json cannot write the map yaml.v3 makes when a key is not a string.
    if (key.kind != Node::kScalar)
      fail("line " + std::to_string(key.line + 1) +
           ": a mapping key is null, a sequence or a mapping; JSON keys are strings");
    YamlScalar s = resolve_yaml_scalar(key.tag, key.value, true);
    if (s.type != YamlScalar::kString)
      fail("line " + std::to_string(key.line + 1) + ": the mapping key `" + key.value +
           "` is not a string in YAML (quote it); JSON keys are strings");
    return key.value;
  }

  static std::string key_string_v2(const Node& key) {
    if (key.kind == Node::kNull) fail("unsupported map key of type: <nil>");
    if (key.kind != Node::kScalar) fail("invalid map key: a sequence or mapping");
    YamlScalar s = resolve_yaml_scalar(key.tag, key.value);
    switch (s.type) {
      case YamlScalar::kString:
        return key.value;
      case YamlScalar::kInt:
        return std::to_string(s.i);
      case YamlScalar::kFloat:
        return go_float32_key(s.f);
      case YamlScalar::kBool:
        return s.b ? "true" : "false";
      case YamlScalar::kUint:
        fail("unsupported map key of type: uint64, key: " + key.value);
      case YamlScalar::kNull:
        fail("unsupported map key of type: <nil>");
      case YamlScalar::kTime:
        break;
    }
    return key.value;
  }

  /// go-yaml's !!binary: standard base64 (line breaks allowed), the bytes as a string, which
  /// encoding/json then makes valid UTF-8.
  static std::string binary(const std::string& text) {
    std::string bytes;
    if (!decode_base64(text, bytes)) fail("!!binary value contains invalid base64 data");
    return go_json_utf8(bytes);
  }

  JsonnetJsonValue* scalar(const YamlScalar& s, const std::string& text) {
    switch (s.type) {
      case YamlScalar::kNull:
        return jsonnet_json_make_null(vm_);
      case YamlScalar::kBool:
        return jsonnet_json_make_bool(vm_, s.b);
      case YamlScalar::kInt:
        return jsonnet_json_make_number(vm_, static_cast<double>(s.i));
      case YamlScalar::kUint:
        return jsonnet_json_make_number(vm_, static_cast<double>(s.u));
      case YamlScalar::kFloat:
        if (!std::isfinite(s.f))
          fail(std::string("json: unsupported value: ") + (std::isnan(s.f) ? "NaN"
                                                           : s.f > 0       ? "+Inf"
                                                                           : "-Inf"));
        return jsonnet_json_make_number(vm_, s.f);
      case YamlScalar::kTime:
        return jsonnet_json_make_string(vm_, s.time.c_str());
      case YamlScalar::kString:
        if (text.find('\0') != std::string::npos)
          fail("a string holds U+0000, which libjsonnet 0.18's native interface cannot carry");
        return jsonnet_json_make_string(vm_, text.c_str());
    }
    return jsonnet_json_make_null(vm_);
  }

  JsonnetVm* vm_;
  const std::vector<Node>& nodes_;
  bool v3_;
  std::size_t decode_count_ = 0, alias_count_ = 0;
  unsigned alias_depth_ = 0;
};

JsonnetJsonValue* decode_document(JsonnetVm* vm, const Document& doc) {
  std::istringstream in(doc.text);
  YAML::Parser parser(in);
  TreeBuilder tree;
  if (!parser.HandleNextDocument(tree) || tree.nodes.empty()) return jsonnet_json_make_null(vm);
  return Converter(vm, tree.nodes, false).value(0, 0);
}

JsonnetJsonValue* parse_yaml(JsonnetVm* vm, std::string_view text, std::string& error) {
  bool stream = false;
  std::vector<Document> docs = split_documents(text, stream);
  if (docs.empty() && !stream) {
    error = "the text holds no YAML document (empty)";
    return nullptr;
  }
  JsonnetJsonValue* array = stream ? jsonnet_json_make_array(vm) : nullptr;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    std::string where = stream ? "document " + std::to_string(d + 1) + ": " : "";
    try {
      JsonnetJsonValue* v = decode_document(vm, docs[d]);
      if (!stream) return v;
      jsonnet_json_array_append(vm, array, v);
    } catch (const YAML::Exception& e) {
      error =
          where +
          (e.mark.is_null()
               ? std::string()
               : "line " +
                     std::to_string(docs[d].first_line + static_cast<std::size_t>(e.mark.line)) +
                     ", column " + std::to_string(e.mark.column + 1) + ": ") +
          e.msg;
    } catch (const std::exception& e) {
      error = where + e.what();
    }
    if (!error.empty()) {
      if (array) jsonnet_json_destroy(vm, array);
      return nullptr;
    }
  }
  return array;
}

}  // namespace

JsonnetJsonValue* parse_yaml_like_go(JsonnetVm* vm, std::string_view text, std::string& error) {
  return parse_yaml(vm, text, error);
}

JsonnetJsonValue* parse_yaml_documents(JsonnetVm* vm, std::string_view text, std::string& error) {
  // yaml.v3's Decoder reads the stream with the YAML parser itself: an empty document ("---"
  // alone) is null, text without any document is no document at all.
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  JsonnetJsonValue* array = jsonnet_json_make_array(vm);
  try {
    for (;;) {
      TreeBuilder tree;
      if (!parser.HandleNextDocument(tree)) break;
      jsonnet_json_array_append(vm, array,
                                tree.nodes.empty() ? jsonnet_json_make_null(vm)
                                                   : Converter(vm, tree.nodes, true).value(0, 0));
    }
    return array;
  } catch (const YAML::Exception& e) {
    error = (e.mark.is_null() ? std::string()
                              : "line " + std::to_string(e.mark.line + 1) + ", column " +
                                    std::to_string(e.mark.column + 1) + ": ") +
            e.msg;
  } catch (const std::exception& e) {
    error = e.what();
  }
  jsonnet_json_destroy(vm, array);
  return nullptr;
}

}  // namespace haguard::plugin
