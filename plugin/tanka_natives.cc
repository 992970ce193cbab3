// Each native checks its arguments' types (Tanka's Go code would panic on a wrong one) and fails
// with "std.native('NAME'): ..."; libjsonnet raises that at the call, so the error's trace names
// the file, line and column of the call.

#include "plugin/tanka_natives.h"

#include <openssl/evp.h>

#include <cmath>
#include <string>
#include <string_view>

#include "plugin/go_json.h"
#include "plugin/go_regexp.h"
#include "plugin/go_yaml_writer.h"
#include "plugin/jsonnet_yaml.h"

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

using Args = const JsonnetJsonValue* const*;

/// One native's call: its name for messages, the VM, the arguments, the outcome.
struct Call {
  const char* name;
  JsonnetVm* vm;
  Args argv;
  int* success;

  JsonnetJsonValue* fail(const std::string& message) const {
    *success = 0;
    return jsonnet_json_make_string(
        vm, ("std.native('" + std::string(name) + "'): " + message).c_str());
  }
  JsonnetJsonValue* ok(JsonnetJsonValue* v) const {
    *success = 1;
    return v;
  }
  JsonnetJsonValue* ok(const std::string& s) const {
    if (s.find('\0') != std::string::npos)
      return fail("the result holds U+0000, which libjsonnet's native interface cannot carry");
    return ok(jsonnet_json_make_string(vm, s.c_str()));
  }
  /// Argument `i` as a string; false when it is not one.
  bool string(int i, std::string_view& out) const {
    const char* s = jsonnet_json_extract_string(vm, argv[i]);
    if (s == nullptr) return false;
    out = s;
    return true;
  }
};

JsonnetJsonValue* to_jsonnet(JsonnetVm* vm, const GoJson& v) {
  switch (v.kind) {
    case GoJson::kNull:
      return jsonnet_json_make_null(vm);
    case GoJson::kBool:
      return jsonnet_json_make_bool(vm, v.boolean);
    case GoJson::kNumber:
      return jsonnet_json_make_number(vm, v.number);
    case GoJson::kString:
      return jsonnet_json_make_string(vm, v.text.c_str());
    case GoJson::kArray: {
      JsonnetJsonValue* a = jsonnet_json_make_array(vm);
      for (const auto& item : v.items) jsonnet_json_array_append(vm, a, to_jsonnet(vm, item));
      return a;
    }
    case GoJson::kObject: {
      JsonnetJsonValue* o = jsonnet_json_make_object(vm);
      for (std::size_t i = 0; i < v.keys.size(); ++i)
        jsonnet_json_object_append(vm, o, v.keys[i].c_str(), to_jsonnet(vm, v.items[i]));
      return o;
    }
  }
  return jsonnet_json_make_null(vm);
}

bool holds_nul(const GoJson& v) {
  if (v.text.find('\0') != std::string::npos) return true;
  for (const auto& k : v.keys)
    if (k.find('\0') != std::string::npos) return true;
  for (const auto& item : v.items)
    if (holds_nul(item)) return true;
  return false;
}

#define TANKA_NATIVE(fn, label)                                             \
  JsonnetJsonValue* fn(void* ctx, Args argv, int* success) {                \
    return fn##_impl({label, static_cast<JsonnetVm*>(ctx), argv, success}); \
  }

JsonnetJsonValue* parse_json_impl(const Call& c) {
  std::string_view text;
  if (!c.string(0, text)) return c.fail("json must be a string");
  GoJson v;
  std::string error;
  if (!parse_go_json(text, v, error)) return c.fail(error);
  if (holds_nul(v))
    return c.fail("a string holds U+0000, which libjsonnet's native interface cannot carry");
  return c.ok(to_jsonnet(c.vm, v));
}
TANKA_NATIVE(parse_json, "parseJson")

JsonnetJsonValue* parse_yaml_impl(const Call& c) {
  std::string_view text;
  if (!c.string(0, text)) return c.fail("yaml must be a string");
  std::string error;
  JsonnetJsonValue* docs = parse_yaml_documents(c.vm, text, error);
  if (docs == nullptr) return c.fail("parsing yaml: " + error);
  return c.ok(docs);
}
TANKA_NATIVE(parse_yaml, "parseYaml")

JsonnetJsonValue* manifest_json_impl(const Call& c) {
  std::string_view text;
  double indent = 0;
  if (!c.string(0, text)) return c.fail("json must be a string");
  if (!jsonnet_json_extract_number(c.vm, c.argv[1], &indent) || !(indent > -1) || indent > 1e6)
    return c.fail("indent must be a number of spaces (0 or more)");
  std::string out, error;
  if (!indent_go_json(text, std::string(static_cast<std::size_t>(indent), ' '), out, error))
    return c.fail(error);
  return c.ok(out + "\n");
}
TANKA_NATIVE(manifest_json, "manifestJsonFromJson")

JsonnetJsonValue* manifest_yaml_impl(const Call& c) {
  std::string_view text;
  if (!c.string(0, text)) return c.fail("json must be a string");
  GoJson v;
  std::string error;
  if (!parse_go_json(text, v, error)) return c.fail(error);
  return c.ok(write_go_yaml_v3(v));
}
TANKA_NATIVE(manifest_yaml, "manifestYamlFromJson")

JsonnetJsonValue* sha256_impl(const Call& c) {
  std::string_view text;
  if (!c.string(0, text)) return c.fail("str must be a string");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    return c.fail("the digest failed");
  std::string hex;
  for (unsigned i = 0; i < len; ++i)
    hex += {"0123456789abcdef"[digest[i] >> 4], "0123456789abcdef"[digest[i] & 15]};
  return c.ok(hex);
}
TANKA_NATIVE(sha256, "sha256")

JsonnetJsonValue* escape_regex_impl(const Call& c) {
  std::string_view text;
  if (!c.string(0, text)) return c.fail("str must be a string");
  return c.ok(go_quote_meta(text));
}
TANKA_NATIVE(escape_regex, "escapeStringRegex")

JsonnetJsonValue* regex_match_impl(const Call& c) {
  std::string_view regex, s;
  if (!c.string(0, regex) || !c.string(1, s)) return c.fail("regex and string must be strings");
  bool matched = false;
  std::string error;
  if (!go_regex_match(regex, s, matched, error)) return c.fail(error);
  return c.ok(jsonnet_json_make_bool(c.vm, matched));
}
TANKA_NATIVE(regex_match, "regexMatch")

JsonnetJsonValue* regex_subst_impl(const Call& c) {
  std::string_view regex, src, repl;
  if (!c.string(0, regex) || !c.string(1, src) || !c.string(2, repl))
    return c.fail("regex, src and repl must be strings");
  std::string out, error;
  if (!go_regex_replace_all(regex, src, repl, out, error)) return c.fail(error);
  return c.ok(out);
}
TANKA_NATIVE(regex_subst, "regexSubst")

#undef TANKA_NATIVE

/// A native function: Tanka's name and parameter names, and its callback.
struct Native {
  const char* name;
  JsonnetNativeCallback* callback;
  const char* const* params;
};

const char* const kJson[] = {"json", nullptr};
const char* const kYaml[] = {"yaml", nullptr};
const char* const kJsonIndent[] = {"json", "indent", nullptr};
const char* const kStr[] = {"str", nullptr};
const char* const kRegexString[] = {"regex", "string", nullptr};
const char* const kRegexSubst[] = {"regex", "src", "repl", nullptr};

/// Tanka's natives, one per line (helmTemplate and kustomizeBuild run programs: kept apart).
const Native kNatives[] = {
    {"tanka.parseJson", &parse_json, kJson},  // std.native in jsonnet_std.libsonnet maps them
    {"tanka.parseYaml", &parse_yaml, kYaml},
    {"manifestJsonFromJson", &manifest_json, kJsonIndent},
    {"manifestYamlFromJson", &manifest_yaml, kJson},
    {"escapeStringRegex", &escape_regex, kStr},
    {"regexMatch", &regex_match, kRegexString},
    {"regexSubst", &regex_subst, kRegexSubst},
    {"sha256", &sha256, kStr},
};

}  // namespace

void register_tanka_natives(JsonnetVm* vm) {
  for (const Native& n : kNatives)
    jsonnet_native_callback(vm, n.name, n.callback, vm, const_cast<const char* const*>(n.params));
}

}  // namespace haguard::plugin
