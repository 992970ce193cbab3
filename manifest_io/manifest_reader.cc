// read_manifests: which reader a text goes to (JSON or YAML), and the byte order mark.

#include "manifest_io/json_reader.h"
#include "manifest_io/manifest_io.h"
#include "manifest_io/yaml_reader.h"

namespace haguard {

std::string ManifestError::describe() const {
  return file + ": document " + std::to_string(index) + " (line " + std::to_string(line) +
         "): " + message;
}

namespace {

ReadResult read_text(std::string_view text, std::string_view file, const ReadOptions& options) {
  ReadResult out;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    manifest_io::read_json(text, file, options, out);
    if (!out.documents.empty() || out.errors.empty()) return out;
    // Not JSON after all? A YAML flow collection starts the same way.
    ReadResult yaml;
    manifest_io::read_yaml(text, file, options, yaml);
    if (!yaml.documents.empty() && yaml.errors.empty()) return yaml;
    return out;
  }
  manifest_io::read_yaml(text, file, options, out);
  return out;
}

}  // namespace

ReadResult read_manifests(std::string_view text, std::string_view file, ReadOptions options) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";  // UTF-8 byte order mark
  if (!text.starts_with(kBom)) return read_text(text, file, options);
  ReadResult out = read_text(text.substr(kBom.size()), file, options);
  for (Document& d : out.documents) {  // spans count from the start of `text`
    d.source.begin += kBom.size();
    d.source.end += kBom.size();
  }
  return out;
}

}  // namespace haguard
