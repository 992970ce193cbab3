#pragma once
// yaml.Marshal of gopkg.in/yaml.v3 (v3.0.1) for a value decoded from JSON: what Tanka's
// manifestYamlFromJson writes, byte for byte. Four-space indentation with sequences indented
// under their key, keys in yaml.v3's natural order ("a2" before "a10"), strings quoted only when
// a YAML reader would take them for something else (YAML 1.1 booleans such as "yes" included),
// multi-line strings as literal blocks, numbers as Go's strconv 'g' form (1e+06).

#include <string>

#include "plugin/go_json.h"

namespace haguard::plugin {

/// The YAML document yaml.v3 writes for `value`, ending in a newline.
std::string write_go_yaml_v3(const GoJson& value);

}  // namespace haguard::plugin
