// The writers follow go-jsonnet's builtins.go (builtinManifestJSONEx, builtinManifestYamlDoc,
// yamlBareSafe) and interpreter.go (unparseString). The reader is a small one over the VM's own
// JSON rather than simdjson: simdjson refuses integers past 2^64, which the VM writes in full
// (1e30 is "1000000000000000019884624838656").

#include "plugin/jsonnet_manifest.h"

#include "plugin/jsonnet_go_text.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace haguard::plugin {
namespace {

constexpr std::string_view kYamlIndent = "  ";
constexpr unsigned kMaxDepth = 1000;

[[noreturn]] void bad(const char* what) {
  throw std::runtime_error(what);
}

/// A cursor over the VM's JSON text.
struct Reader {
  std::string_view s;
  std::size_t p = 0;
  unsigned depth = 0;  // the writers recurse per level: bounded, so no input overflows the stack

  void enter() {
    if (++depth > kMaxDepth) bad("the value nests deeper than 1000 levels");
  }

  char peek() {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\n' || s[p] == '\t' || s[p] == '\r')) ++p;
    if (p >= s.size()) bad("unexpected end of the value's JSON");
    return s[p];
  }
  void expect(char c) {
    if (peek() != c) bad("malformed JSON from the VM");
    ++p;
  }
  /// After '[' or '{' was seen at peek(): whether the container is empty (does not consume).
  bool empty_after_open() {
    std::size_t save = p++;
    char c = peek();
    p = save;
    return c == ']' || c == '}';
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (p >= s.size()) bad("unterminated string in the VM's JSON");
      char c = s[p++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (p >= s.size()) bad("unterminated escape in the VM's JSON");
      char e = s[p++];
      switch (e) {
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t c1 = hex4();
          if (c1 >= 0xD800 && c1 < 0xDC00 && s.substr(p, 2) == "\\u") {
            p += 2;
            std::uint32_t c2 = hex4();
            c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
          }
          append_utf8(out, c1);
          break;
        }
        default:
          out.push_back(e);
      }
    }
  }
  std::uint32_t hex4() {
    std::uint32_t v = 0;
    if (p + 4 > s.size()) bad("short \\u escape in the VM's JSON");
    auto r = std::from_chars(s.data() + p, s.data() + p + 4, v, 16);
    if (r.ptr != s.data() + p + 4) bad("bad \\u escape in the VM's JSON");
    p += 4;
    return v;
  }
  double number() {
    peek();
    double v = 0;
    auto r = std::from_chars(s.data() + p, s.data() + s.size(), v);
    if (r.ec != std::errc()) bad("bad number in the VM's JSON");
    p = static_cast<std::size_t>(r.ptr - s.data());
    return v;
  }
  std::string_view word() {
    peek();
    std::size_t b = p;
    while (p < s.size() && s[p] >= 'a' && s[p] <= 'z') ++p;
    return s.substr(b, p - b);
  }
  /// Calls f() for each element (arrays) or f(key) for each field (objects).
  template <class F>
  void each_element(F f) {
    expect('[');
    enter();
    for (bool first = true; peek() != ']'; first = false) {
      if (!first) expect(',');
      f();
    }
    ++p;
    --depth;
  }
  template <class F>
  void each_field(F f) {
    expect('{');
    enter();
    for (bool first = true; peek() != '}'; first = false) {
      if (!first) expect(',');
      std::string key = string();
      expect(':');
      f(key);
    }
    ++p;
    --depth;
  }
};

void write_scalar(Reader& in, std::string& out, bool yaml, const std::string& indent) {
  char c = in.peek();
  if (c == '"') {
    std::string s = in.string();
    if (!yaml) return append_go_json_string(out, s);
    if (s.empty()) {
      out += "\"\"";
    } else if (s.back() == '\n') {
      out.push_back('|');
      std::string_view body(s.data(), s.size() - 1);
      for (std::size_t b = 0;;) {
        std::size_t e = body.find('\n', b);
        out.push_back('\n');
        out.append(indent).append(kYamlIndent).append(body.substr(b, e - b));
        if (e == std::string_view::npos) break;
        b = e + 1;
      }
    } else {
      append_jsonnet_string(out, s);
    }
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    append_go_number(out, in.number());
  } else {
    std::string_view w = in.word();
    if (w != "null" && w != "true" && w != "false") bad("malformed JSON from the VM");
    out.append(w);
  }
}

struct JsonWriter {
  std::string_view indent, newline, kv_sep;
  std::string& out;

  void value(Reader& in, const std::string& cindent) {
    char c = in.peek();
    if (c != '[' && c != '{') return write_scalar(in, out, false, cindent);
    std::string inner = cindent + std::string(indent);
    out.push_back(c);
    out.append(newline);
    bool first = true;
    auto sep = [&] {
      if (!first) out.append(",").append(newline);
      first = false;
      out.append(inner);
    };
    if (c == '[') {
      in.each_element([&] {
        sep();
        value(in, inner);
      });
    } else {
      in.each_field([&](const std::string& key) {
        sep();
        append_go_json_string(out, key);
        out.append(kv_sep);
        value(in, inner);
      });
    }
    out.append(newline).append(cindent).push_back(c == '[' ? ']' : '}');
  }
};

struct YamlWriter {
  const YamlManifestOptions& opt;
  std::string& out;

  void value(Reader& in, std::string cindent) {
    char c = in.peek();
    if (c == '[') {
      if (in.empty_after_open()) return in.each_element([] {}), void(out += "[]");
      bool first = true;
      in.each_element([&] {
        if (!first) out.append("\n").append(cindent);
        first = false;
        out.push_back('-');
        char e = in.peek();
        bool nonempty_array = e == '[' && !in.empty_after_open();
        if (nonempty_array)
          out.append("\n").append(cindent).append(kYamlIndent);
        else
          out.push_back(' ');
        value(in, e == '[' || e == '{' ? cindent + std::string(kYamlIndent) : cindent);
      });
    } else if (c == '{') {
      if (in.empty_after_open()) return in.each_field([](const std::string&) {}), void(out += "{}");
      bool first = true;
      in.each_field([&](const std::string& key) {
        if (!first) out.append("\n").append(cindent);
        first = false;
        if (opt.quote_keys || !yaml_bare_safe(key))
          append_jsonnet_string(out, key);
        else
          out.append(key);
        out.push_back(':');
        char e = in.peek();
        std::string inner = cindent;
        if (e == '[' && !in.empty_after_open()) {
          out.append("\n").append(cindent);
          if (opt.indent_array_in_object) out.append(kYamlIndent), inner += kYamlIndent;
        } else if (e == '{' && !in.empty_after_open()) {
          out.append("\n").append(cindent).append(kYamlIndent);
          inner += kYamlIndent;
        } else {
          out.push_back(' ');
        }
        value(in, inner);
      });
    } else {
      write_scalar(in, out, true, cindent);
    }
  }
};

template <class F>
bool guarded(std::string& error, F f) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

}  // namespace

bool manifest_json_ex(std::string_view json, std::string_view indent, std::string_view newline,
                      std::string_view key_val_sep, std::string& out, std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    in.expect('[');
    JsonWriter{indent, newline, key_val_sep, out}.value(in, "");
    in.expect(']');
  });
}

bool manifest_yaml_doc(std::string_view json, const YamlManifestOptions& options, std::string& out,
                       std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    in.expect('[');
    YamlWriter{options, out}.value(in, "");
    in.expect(']');
  });
}

bool manifest_yaml_stream(std::string_view json, const YamlManifestOptions& options,
                          std::string& out, std::string& error) {
  return guarded(error, [&] {
    Reader in{json};
    if (in.peek() != '[') bad("manifestYamlStream only takes arrays");
    out += "---\n";
    bool first = true;
    in.each_element([&] {
      if (!first) out += "\n---\n";
      first = false;
      YamlWriter{options, out}.value(in, "");
    });
    out += options.c_document_end ? "\n...\n" : "\n";
  });
}

}  // namespace haguard::plugin
