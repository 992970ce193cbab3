// C API glue for the natives: arguments in, JsonnetJsonValue out, errors as the message the VM
// raises at the call (each names the std function). Natives only take primitives in 0.18, so
// structured values arrive as the VM's JSON text (see jsonnet_std.libsonnet).

#include "plugin/jsonnet_natives.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugin/jsonnet_go_text.h"
#include "plugin/jsonnet_manifest.h"
#include "plugin/jsonnet_yaml.h"

extern "C" {
#include <libjsonnet.h>
}

namespace haguard::plugin {
namespace {

using Args = const JsonnetJsonValue* const*;

JsonnetJsonValue* fail(JsonnetVm* vm, int* success, const std::string& message) {
  *success = 0;
  return jsonnet_json_make_string(vm, message.c_str());
}

JsonnetJsonValue* ok_string(JsonnetVm* vm, int* success, const std::string& s) {
  *success = 1;
  return jsonnet_json_make_string(vm, s.c_str());
}

bool string_arg(JsonnetVm* vm, Args argv, int i, std::string_view& out) {
  const char* s = jsonnet_json_extract_string(vm, argv[i]);
  if (s == nullptr) return false;
  out = s;
  return true;
}

bool bool_arg(JsonnetVm* vm, Args argv, int i, bool& out) {
  int b = jsonnet_json_extract_bool(vm, argv[i]);
  if (b == 2) return false;
  out = b != 0;
  return true;
}

JsonnetJsonValue* parse_yaml(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view text;
  if (!string_arg(vm, argv, 0, text)) return fail(vm, success, "std.parseYaml: expected a string");
  std::string error;
  JsonnetJsonValue* v = parse_yaml_like_go(vm, text, error);
  if (v == nullptr) return fail(vm, success, "std.parseYaml: failed to parse YAML: " + error);
  *success = 1;
  return v;
}

JsonnetJsonValue* manifest_json(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view json, indent, newline, sep;
  if (!string_arg(vm, argv, 0, json) || !string_arg(vm, argv, 1, indent) ||
      !string_arg(vm, argv, 2, newline) || !string_arg(vm, argv, 3, sep))
    return fail(vm, success, "std.manifestJsonEx: indent, newline and key_val_sep must be strings");
  std::string out, error;
  if (!manifest_json_ex(json, indent, newline, sep, out, error))
    return fail(vm, success, "std.manifestJsonEx: " + error);
  return ok_string(vm, success, out);
}

JsonnetJsonValue* manifest_yaml(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view json, kind;
  YamlManifestOptions o;
  if (!string_arg(vm, argv, 0, kind) || !string_arg(vm, argv, 1, json) ||
      !bool_arg(vm, argv, 2, o.indent_array_in_object) || !bool_arg(vm, argv, 3, o.quote_keys) ||
      !bool_arg(vm, argv, 4, o.c_document_end))
    return fail(vm, success,
                "std.manifestYaml" + std::string(kind) +
                    ": indent_array_in_object, quote_keys and c_document_end must be booleans");
  std::string out, error;
  bool ok = kind == "Stream" ? manifest_yaml_stream(json, o, out, error)
                             : manifest_yaml_doc(json, o, out, error);
  if (!ok) return fail(vm, success, "std.manifestYaml" + std::string(kind) + ": " + error);
  return ok_string(vm, success, out);
}

/// The first number in JSON text `text` too large for a double, or "": 0.18's std.parseJson
/// aborts the process on one (nlohmann's out_of_range escapes), go-jsonnet refuses it.
JsonnetJsonValue* json_overflow(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view text;
  if (!string_arg(vm, argv, 0, text)) return fail(vm, success, "std.parseJson: expected a string");
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t b = i;
      while (i + 1 < text.size() &&
             std::string_view("+-.eE0123456789").find(text[i + 1]) != std::string_view::npos)
        ++i;
      std::string token(text.substr(b, i - b + 1));
      errno = 0;
      double v = std::strtod(token.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(v)) return ok_string(vm, success, token);
    }
  }
  return ok_string(vm, success, "");
}

/// std.base64Decode as go-jsonnet: the bytes read as UTF-8 (0.18 reads each byte as a code
/// point: "Y2Fmw6k=" is "cafÃ©"). null when the bytes hold U+0000 (the native interface carries C
/// strings) or the text is not base64: the caller then takes the slow path, which errors alike.
JsonnetJsonValue* base64_decode(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view text;
  std::string bytes;
  *success = 1;
  if (!string_arg(vm, argv, 0, text) || !decode_base64(text, bytes) ||
      bytes.find('\0') != std::string::npos)
    return jsonnet_json_make_null(vm);
  return jsonnet_json_make_string(vm, go_json_utf8(bytes).c_str());
}

/// std.sha1/sha256/sha512/sha3 (SHA3-512, as go-jsonnet): lower-case hex of the UTF-8 bytes.
JsonnetJsonValue* hash(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view name, text;
  if (!string_arg(vm, argv, 0, name) || !string_arg(vm, argv, 1, text))
    return fail(vm, success, "std.sha*: expected a string");
  const EVP_MD* md = name == "sha1"     ? EVP_sha1()
                     : name == "sha256" ? EVP_sha256()
                     : name == "sha512" ? EVP_sha512()
                     : name == "sha3"   ? EVP_sha3_512()
                                        : nullptr;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || EVP_Digest(text.data(), text.size(), digest, &len, md, nullptr) != 1)
    return fail(vm, success, "std." + std::string(name) + ": the digest failed");
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return ok_string(vm, success, hex);
}

/// Go's math functions that the jsonnet std of 0.18 lacks or computes differently.
JsonnetJsonValue* math(void* ctx, Args argv, int* success) {
  auto* vm = static_cast<JsonnetVm*>(ctx);
  std::string_view op;
  double x = 0, y = 0;
  if (!string_arg(vm, argv, 0, op) || !jsonnet_json_extract_number(vm, argv[1], &x) ||
      !jsonnet_json_extract_number(vm, argv[2], &y))
    return fail(vm, success, "std." + std::string(op) + ": expected numbers");
  double r;
  if (op == "round")
    r = std::round(x);
  else if (op == "hypot")
    r = std::hypot(x, y);
  else if (op == "atan2")
    r = std::atan2(x, y);
  else if (op == "isEven" || op == "isOdd" || op == "isInteger" || op == "isDecimal") {
    double whole = std::trunc(x);
    bool b = op == "isEven"      ? std::fmod(whole, 2) == 0
             : op == "isOdd"     ? std::fmod(whole, 2) != 0
             : op == "isInteger" ? x - whole == 0
                                 : x - whole != 0;
    *success = 1;
    return jsonnet_json_make_bool(vm, b);
  } else
    return fail(vm, success, "unknown math operation " + std::string(op));
  if (!std::isfinite(r)) return fail(vm, success, "std." + std::string(op) + ": not a number");
  *success = 1;
  return jsonnet_json_make_number(vm, r);
}

}  // namespace

void register_std_natives(JsonnetVm* vm) {
  static const char* kText[] = {"text", nullptr};
  static const char* kJson[] = {"json", "indent", "newline", "key_val_sep", nullptr};
  static const char* kYaml[] = {"kind",       "json",           "indent_array_in_object",
                                "quote_keys", "c_document_end", nullptr};
  static const char* kHash[] = {"algorithm", "text", nullptr};
  static const char* kMath[] = {"op", "x", "y", nullptr};
  jsonnet_native_callback(vm, "haguard.parseYaml", &parse_yaml, vm, kText);
  jsonnet_native_callback(vm, "haguard.manifestJsonEx", &manifest_json, vm, kJson);
  jsonnet_native_callback(vm, "haguard.manifestYaml", &manifest_yaml, vm, kYaml);
  jsonnet_native_callback(vm, "haguard.hash", &hash, vm, kHash);
  jsonnet_native_callback(vm, "haguard.jsonOverflow", &json_overflow, vm, kText);
  jsonnet_native_callback(vm, "haguard.base64Decode", &base64_decode, vm, kText);
  jsonnet_native_callback(vm, "haguard.math", &math, vm, kMath);
}

}  // namespace haguard::plugin
