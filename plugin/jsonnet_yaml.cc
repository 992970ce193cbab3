// std.parseYaml with go-jsonnet's semantics. The rules mirror, in order: go-jsonnet's yaml.go
// (documents cut at lines that are `---` plus blanks), go-yaml v2's resolve.go (scalar types),
// its decode.go (merge keys, aliases, the alias-expansion bound) and sigs.k8s.io/yaml's
// convertToJSONableObject (key strings). yaml-cpp parses; its events build a small tree here
// because yaml-cpp's Node API hides which nodes are aliases (needed for cycles and the bound).

#include "plugin/jsonnet_yaml.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

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

struct Document {
  std::string text;
  std::size_t first_line;  // 1-based line of the whole input where the document starts
};

bool is_go_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

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

struct Node {
  enum Kind : std::uint8_t { kNull, kScalar, kSeq, kMap, kAlias };
  explicit Node(Kind k) : kind(k) {}
  Kind kind;
  bool done = false;        // for anchors: an alias to an unfinished node is a cycle
  std::string tag, value;   // scalars; value is the anchor name for a cycle message
  std::vector<std::uint32_t> children;  // maps: key, value, key, value...
  std::uint32_t target = 0;             // aliases
};

/// Builds the tree of one document from yaml-cpp's events.
class TreeBuilder : public YAML::EventHandler {
 public:
  std::vector<Node> nodes;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { add(Node(Node::kNull), anchor, true); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    Node n(Node::kAlias);
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) throw std::runtime_error("unknown anchor");
    n.target = it->second;
    add(std::move(n), 0, true);
  }
  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n(Node::kScalar);
    n.tag = tag;
    n.value = value;
    add(std::move(n), anchor, true);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back(add(Node(Node::kSeq), anchor, false));
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_.push_back(add(Node(Node::kMap), anchor, false));
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

/// A scalar as go-yaml v2 resolves it.
struct Scalar {
  enum Type { kNull, kBool, kInt, kUint, kFloat, kString };
  static Scalar boolean(bool v) { Scalar s; s.type = kBool; s.b = v; return s; }
  static Scalar number(double v) { Scalar s; s.type = kFloat; s.f = v; return s; }
  Type type = kString;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double f = 0;
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

/// strconv.ParseInt/ParseUint with base 0: sign (signed only), 0x/0o/0b prefixes, a leading 0
/// meaning octal.
bool parse_go_int(std::string_view s, bool is_signed, std::int64_t& i, std::uint64_t& u) {
  bool neg = false;
  if (is_signed && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') base = 16, s.remove_prefix(2);
    else if (p == 'o') base = 8, s.remove_prefix(2);
    else if (p == 'b') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (!is_signed) return u = v, true;
  if (neg ? v > (std::uint64_t{1} << 63) : v > static_cast<std::uint64_t>(INT64_MAX)) return false;
  i = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

/// strconv.ParseFloat on the decimal forms that reach it here (a leading "+" allowed).
bool parse_double(std::string_view s, double& out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

/// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool yaml_style_float(std::string_view s) {
  std::size_t p = 0;
  auto digits = [&] {
    std::size_t b = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    return p > b;
  };
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  if (p < s.size() && s[p] == '.') {
    ++p;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (p < s.size() && s[p] == '.') ++p, digits();
  }
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    if (!digits()) return false;
  }
  return p == s.size();
}

std::string short_tag(const std::string& tag) {
  static const std::string kLong = "tag:yaml.org,2002:";
  return tag.compare(0, kLong.size(), kLong) == 0 ? "!!" + tag.substr(kLong.size()) : tag;
}

/// go-yaml v2's resolve(): `tag` is yaml-cpp's ("?" plain, "!" quoted or block, else explicit).
Scalar resolve(const std::string& yaml_cpp_tag, const std::string& in) {
  Scalar out;
  if (yaml_cpp_tag == "!") return out;  // quoted and block scalars are strings
  std::string tag = yaml_cpp_tag == "?" ? "" : short_tag(yaml_cpp_tag);
  static const char* kResolvable[] = {"", "!!str", "!!bool", "!!int", "!!float", "!!null",
                                      "!!timestamp"};
  bool resolvable = false;
  for (const char* t : kResolvable) resolvable = resolvable || tag == t;
  if (!resolvable || tag == "!!str" || tag == "!!timestamp") return out;

  static const std::map<std::string_view, Scalar> kWords = [] {
    std::map<std::string_view, Scalar> m;
    for (auto w : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
      m[w] = Scalar::boolean(true);
    for (auto w : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
      m[w] = Scalar::boolean(false);
    for (auto w : {"", "~", "null", "Null", "NULL"}) m[w].type = Scalar::kNull;
    for (auto w : {".nan", ".NaN", ".NAN"}) m[w] = Scalar::number(NAN);
    for (auto w : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
      m[w] = Scalar::number(INFINITY);
    for (auto w : {"-.inf", "-.Inf", "-.INF"}) m[w] = Scalar::number(-INFINITY);
    return m;
  }();
  char c = in.empty() ? 'N' : in[0];
  bool sign_or_digit = c == '+' || c == '-' || (c >= '0' && c <= '9');
  bool hinted = sign_or_digit || c == '.' || std::string_view("yYnNtTfFoO~N").find(c) != std::string_view::npos;
  if (hinted) {
    if (auto it = kWords.find(in); it != kWords.end()) out = it->second;
    else if (c == '.' && parse_double(in, out.f)) out.type = Scalar::kFloat;
    else if (sign_or_digit) {
      std::string plain;
      for (char ch : in) if (ch != '_') plain.push_back(ch);
      if (parse_go_int(plain, true, out.i, out.u)) out.type = Scalar::kInt;
      else if (parse_go_int(plain, false, out.i, out.u)) out.type = Scalar::kUint;
      else if (yaml_style_float(plain) && parse_double(plain, out.f)) out.type = Scalar::kFloat;
    }
  }
  if (tag.empty()) return out;
  static const char* kTagOf[] = {"!!null", "!!bool", "!!int", "!!int", "!!float", "!!str"};
  if (tag == kTagOf[out.type]) return out;
  if (tag == "!!float" && out.type == Scalar::kInt) {
    out.type = Scalar::kFloat;
    out.f = static_cast<double>(out.i);
    return out;
  }
  fail("cannot decode " + std::string(kTagOf[out.type]) + " `" + in + "` as a " + tag);
}

/// strconv.FormatFloat(float64(float32(v)), 'g', -1, 32), as sigs.k8s.io/yaml names float keys.
std::string go_float32_key(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out;
  if (s[0] == '-') out.push_back('-'), s.remove_prefix(1);
  std::size_t e = s.find('e');
  std::string digits;
  for (char ch : s.substr(0, e)) if (ch != '.') digits.push_back(ch);
  int exp = 0;
  std::from_chars(s.data() + e + (s[e + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  int nd = static_cast<int>(digits.size()), dp = exp + 1;
  if (exp < -4 || exp >= 6) {
    out += digits.substr(0, 1);
    if (nd > 1) out += "." + digits.substr(1);
    std::string ex = std::to_string(std::abs(exp));
    return out + (exp < 0 ? "e-" : "e+") + (ex.size() < 2 ? "0" : "") + ex;
  }
  if (dp <= 0) return out + "0." + std::string(static_cast<std::size_t>(-dp), '0') + digits;
  if (dp >= nd) return out + digits + std::string(static_cast<std::size_t>(dp - nd), '0');
  return out + digits.substr(0, static_cast<std::size_t>(dp)) + "." + digits.substr(static_cast<std::size_t>(dp));
}

/// Converts the tree to the VM's JSON values, with go-yaml's bounds on aliases.
class Converter {
 public:
  Converter(JsonnetVm* vm, const std::vector<Node>& nodes) : vm_(vm), nodes_(nodes) {}

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
        return scalar(resolve(n.tag, n.value), n.value);
      case Node::kSeq: {
        JsonnetJsonValue* arr = jsonnet_json_make_array(vm_);
        Owned guard(vm_, arr);
        for (auto c : n.children) jsonnet_json_array_append(vm_, arr, value(c, depth + 1));
        return guard.release();
      }
      case Node::kMap: {
        std::map<std::string, std::uint32_t> fields;
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
    ~Owned() { if (v) jsonnet_json_destroy(vm, v); }
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
      if (static_cast<double>(alias_count_) / n > allowed) fail("document contains excessive aliasing");
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

  static std::string key_string(const Node& key) {
    if (key.kind == Node::kNull) fail("unsupported map key of type: <nil>");
    if (key.kind != Node::kScalar) fail("invalid map key: a sequence or mapping");
    Scalar s = resolve(key.tag, key.value);
    switch (s.type) {
      case Scalar::kString: return key.value;
      case Scalar::kInt: return std::to_string(s.i);
      case Scalar::kFloat: return go_float32_key(s.f);
      case Scalar::kBool: return s.b ? "true" : "false";
      case Scalar::kUint: fail("unsupported map key of type: uint64, key: " + key.value);
      case Scalar::kNull: fail("unsupported map key of type: <nil>");
    }
    return key.value;
  }

  JsonnetJsonValue* scalar(const Scalar& s, const std::string& text) {
    switch (s.type) {
      case Scalar::kNull: return jsonnet_json_make_null(vm_);
      case Scalar::kBool: return jsonnet_json_make_bool(vm_, s.b);
      case Scalar::kInt: return jsonnet_json_make_number(vm_, static_cast<double>(s.i));
      case Scalar::kUint: return jsonnet_json_make_number(vm_, static_cast<double>(s.u));
      case Scalar::kFloat:
        if (!std::isfinite(s.f)) fail(std::string("json: unsupported value: ") + (std::isnan(s.f) ? "NaN" : s.f > 0 ? "+Inf" : "-Inf"));
        return jsonnet_json_make_number(vm_, s.f);
      case Scalar::kString:
        if (text.find('\0') != std::string::npos)
          fail("a string holds U+0000, which libjsonnet 0.18's native interface cannot carry");
        return jsonnet_json_make_string(vm_, text.c_str());
    }
    return jsonnet_json_make_null(vm_);
  }

  JsonnetVm* vm_;
  const std::vector<Node>& nodes_;
  std::size_t decode_count_ = 0, alias_count_ = 0;
  unsigned alias_depth_ = 0;
};

JsonnetJsonValue* decode_document(JsonnetVm* vm, const Document& doc) {
  std::istringstream in(doc.text);
  YAML::Parser parser(in);
  TreeBuilder tree;
  if (!parser.HandleNextDocument(tree) || tree.nodes.empty()) return jsonnet_json_make_null(vm);
  return Converter(vm, tree.nodes).value(0, 0);
}

}  // namespace

JsonnetJsonValue* parse_yaml_like_go(JsonnetVm* vm, std::string_view text, std::string& error) {
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
      error = where + (e.mark.is_null() ? std::string()
                                        : "line " + std::to_string(docs[d].first_line + static_cast<std::size_t>(e.mark.line)) +
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

}  // namespace haguard::plugin
