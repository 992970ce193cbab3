#pragma once
// YAML scalars as go-yaml v2 resolves them (resolve.go) and map keys as sigs.k8s.io/yaml names
// them: the typing half of std.parseYaml (jsonnet_yaml.cc), apart so that it reads on its own.

#include <cstdint>
#include <string>

namespace haguard::plugin {

/// A scalar's value as go-yaml v2 resolves it.
struct YamlScalar {
  enum Type { kNull, kBool, kInt, kUint, kFloat, kString, kTime };
  static YamlScalar boolean(bool v) {
    YamlScalar s;
    s.type = kBool;
    s.b = v;
    return s;
  }
  static YamlScalar number(double v) {
    YamlScalar s;
    s.type = kFloat;
    s.f = v;
    return s;
  }
  Type type = kString;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double f = 0;
  std::string time;  ///< kTime: as encoding/json writes a time.Time (RFC 3339, nanoseconds)
};

/// go-yaml v2's resolve(): `yaml_cpp_tag` is yaml-cpp's ("?" plain, "!" quoted or block, else the
/// explicit tag); `in` the scalar's text. Throws std::runtime_error on a tag the text cannot have
/// (`!!int abc`), with go-yaml's message. With `yaml_v3`, yaml.v3's instead (Tanka's reader): only
/// true/false are booleans, and plain timestamps are times.
YamlScalar resolve_yaml_scalar(const std::string& yaml_cpp_tag, const std::string& in,
                               bool yaml_v3 = false);

/// strconv.FormatFloat(float64(float32(v)), 'g', -1, 32): how sigs.k8s.io/yaml names a float key.
std::string go_float32_key(double v);

}  // namespace haguard::plugin
