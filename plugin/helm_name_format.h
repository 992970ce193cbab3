#pragma once
// The keys of helmTemplate's result: Tanka's `nameFormat`, a Go text/template with sprig's
// functions, evaluated against each manifest. haguard reads the part of that language name
// formats use: text, `{{ ... }}` actions holding pipelines of field paths (.kind,
// .metadata.name), string literals and the functions print, lower, upper, trim, snakecase and
// kebabcase. Anything else is refused with its name, never guessed.

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace haguard::plugin {

/// Tanka's default: `{{ print .kind "_" .metadata.name | snakecase }}`.
inline constexpr std::string_view kTankaDefaultNameFormat =
    R"({{ print .kind "_" .metadata.name | snakecase }})";

/// sprig's snakecase (huandu/xstrings v1.5 ToSnakeCase), exact for ASCII text; other bytes are
/// kept as they are. `connector` '-' gives kebabcase.
std::string go_snake_case(std::string_view text, char connector = '_');

/// Evaluates `format` against `manifest`. Returns false with `error` set (naming the part of the
/// format, or the missing field) when it cannot.
bool format_manifest_name(std::string_view format, const YAML::Node& manifest, std::string& out,
                          std::string& error);

}  // namespace haguard::plugin
