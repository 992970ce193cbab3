// Fuzz target: the Go-compatible pieces behind Tanka's natives never crash, hang or leak:
// encoding/json's reader and json.Indent agree on what is JSON; a JSON value's yaml.v3 text reads
// back as YAML through Tanka's parseYaml; regexMatch and regexSubst agree on which patterns
// compile (the input's first line is the pattern, the second the text, the rest the template).

#include "fuzz_check.h"
#include "plugin/go_json.h"
#include "plugin/go_regexp.h"
#include "plugin/go_yaml_writer.h"
#include "plugin/jsonnet_yaml.h"

extern "C" {
#include <libjsonnet.h>
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haguard::plugin;
  std::string_view text = haguard::fuzz::as_text(data, size);
  static JsonnetVm* vm = jsonnet_make();

  GoJson value;
  std::string error, indented, indent_error;
  bool parsed = parse_go_json(text, value, error);
  FUZZ_CHECK(parsed == error.empty(), error);
  bool indent_ok = indent_go_json(text, "  ", indented, indent_error);
  FUZZ_CHECK(indent_ok == indent_error.empty(), indent_error);
  // Only number ranges (1e400) separate the reader from Indent, which keeps tokens as written.
  FUZZ_CHECK(!parsed || indent_ok, indent_error);
  if (parsed) {
    std::string yaml = write_go_yaml_v3(value);
    FUZZ_CHECK(!yaml.empty() && yaml.back() == '\n', yaml);
    std::string yaml_error;
    JsonnetJsonValue* back = parse_yaml_documents(vm, yaml, yaml_error);
    FUZZ_CHECK(back != nullptr || !yaml_error.empty(), yaml);
    if (back != nullptr) jsonnet_json_destroy(vm, back);
  }

  std::size_t nl = text.find('\n');
  std::string_view pattern = text.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? "" : text.substr(nl + 1);
  std::size_t nl2 = rest.find('\n');
  std::string_view src = rest.substr(0, nl2);
  std::string_view repl = nl2 == std::string_view::npos ? "" : rest.substr(nl2 + 1);
  bool matched = false;
  std::string match_error, out, subst_error;
  bool match_ok = go_regex_match(pattern, src, matched, match_error);
  bool subst_ok = go_regex_replace_all(pattern, src, repl, out, subst_error);
  FUZZ_CHECK(match_ok == subst_ok, match_error + " / " + subst_error);
  FUZZ_CHECK(match_ok == match_error.empty(), match_error);
  FUZZ_CHECK(!match_ok || matched || out == src, out);
  return 0;
}
