// The manifest stream as Argo CD decodes it, with Argo CD's own Go code (tests/tools/
// argocd_yaml_decode): every character a string can hold reaches Argo CD unchanged, through the
// YAML writer where YAML can carry it and through a JSON stream where Argo CD's second decoding
// cannot.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "manifest_io/manifest_io.h"
#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

using haguard::write_json_stream;
using haguard::write_yaml_stream;
using haguard::yaml_reread_refuses;

std::string utf8(unsigned cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

/// Every code point YAML treats specially, and its neighbours.
std::vector<unsigned> special_code_points() {
  std::vector<unsigned> cps;
  for (unsigned c = 0x01; c < 0x20; ++c) cps.push_back(c);
  for (unsigned c = 0x7F; c <= 0xA0; ++c) cps.push_back(c);
  for (unsigned c : {0x2028u, 0x2029u, 0xD7FFu, 0xE000u, 0xFEFFu, 0xFFFDu, 0xFFFEu, 0xFFFFu,
                     0x10000u, 0x10FFFFu})
    cps.push_back(c);
  return cps;
}

/// One ConfigMap per code point, the character alone, inside a line, in a multi-line value and
/// in a key.
std::vector<json> objects_with_each_character() {
  std::vector<json> objects;
  for (unsigned cp : special_code_points()) {
    const std::string c = utf8(cp);
    json o = {{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", "cp-" + std::to_string(cp)}}},
              {"data",
               {{"alone", c},
                {"inline", "a" + c + "b"},
                {"lines", "first\n" + c + " second\nthird\n"},
                {"key" + c, "v"}}}};
    objects.push_back(o);
  }
  return objects;
}

json decoded(const ProcResult& r) {
  if (r.exit_code != 0) return nullptr;
  return json::parse(r.out, nullptr, false);
}

TEST(ArgoCdStream, DecoderIsBuilt) {
  ASSERT_FALSE(argocd_decoder().empty())
      << "configure found no `go`: the Argo CD decoding tests need Go 1.26 and the module proxy";
}

TEST(ArgoCdStream, YamlWriterEscapesEveryCharacterYamlForbids) {
  // What a Go YAML reader (sigs.k8s.io/yaml, as kubectl and argocd-cmp-server use) reads back.
  const std::vector<json> objects = objects_with_each_character();
  const std::string yaml = write_yaml_stream(objects);
  ProcResult r = decode_as_argocd(yaml, true);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json back = decoded(r);
  ASSERT_TRUE(back.is_array());
  ASSERT_EQ(back.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i)
    EXPECT_EQ(back[i], objects[i]) << json::diff(objects[i], back[i]);
}

TEST(ArgoCdStream, HaguardReadsItsOwnEscapesBack) {
  // `haguard check` on render's output: the reader takes the writer's escapes.
  const std::vector<json> objects = objects_with_each_character();
  haguard::ReadResult r = haguard::read_manifests(write_yaml_stream(objects), "rendered.yaml");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].describe();
  ASSERT_EQ(r.documents.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i)
    EXPECT_EQ(r.documents[i].object, objects[i]) << json::diff(objects[i], r.documents[i].object);
  r = haguard::read_manifests(write_json_stream(objects), "rendered.json");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].describe();
  ASSERT_EQ(r.documents.size(), objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) EXPECT_EQ(r.documents[i].object, objects[i]);
}

TEST(ArgoCdStream, ArgoCdRereadsEachDocumentAsYaml) {
  // The repo-server decodes the JSON text argocd-cmp-server made of each YAML document again
  // as YAML: a C1 control there is raw, and Argo CD refuses the app however the YAML escaped it.
  json o = {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "c1"}}},
            {"data", {{"x", utf8(0x80)}}}};
  EXPECT_TRUE(yaml_reread_refuses(o));
  ProcResult r = decode_as_argocd(write_yaml_stream({o}), false);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("control characters are not allowed"), std::string::npos) << r.err;
  r = decode_as_argocd(write_json_stream({o}), false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(decoded(r), json::array({o}));
}

TEST(ArgoCdStream, JsonStreamCarriesEveryCharacter) {
  const std::vector<json> objects = objects_with_each_character();
  const std::string stream = write_json_stream(objects);
  EXPECT_EQ(stream.front(), '{');
  ProcResult r = decode_as_argocd(stream, false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(decoded(r), json(objects));
}

TEST(ArgoCdStream, RereadRefusalIsDetectedExactly) {
  // Exactly DEL, the C1 controls, U+FFFE and U+FFFF, in keys and values at any depth.
  for (unsigned cp : special_code_points()) {
    const bool refused = cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
    json in_value = {{"a", json::array({{{"b", "x" + utf8(cp)}}})}};
    json in_key = {{"a", {{utf8(cp), 1}}}};
    EXPECT_EQ(yaml_reread_refuses(in_value), refused) << cp;
    EXPECT_EQ(yaml_reread_refuses(in_key), refused) << cp;
    // And Argo CD agrees: the YAML stream reaches it unchanged exactly when not refused.
    json o = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}},
              {"data", {{"v", "a" + utf8(cp) + "b"}}}};
    EXPECT_EQ(decoded(decode_as_argocd(write_yaml_stream({o}), false)) == json::array({o}),
              !refused)
        << cp;
  }
}

TEST(ArgoCdStream, RenderSwitchesToJsonOnlyWhenArgoCdNeedsIt) {
  FakeRepo repo;
  repo.write("app/main.jsonnet", R"(
local cm(name, value) = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name },
                          data: { v: value } };
[cm('plain', 'caf\u00e9 \u2028 \ufeff'), cm('c1', std.extVar('marker') + std.char(133) +
   std.char(128) + std.char(159) + std.char(127) + std.char(65534) + std.char(65535))]
)");
  auto env = cmp_environment("app", nullptr);
  env["ARGOCD_APP_PARAMETERS"] =
      R"([{"name":"ext-str","map":{"marker":"m"}},{"name":"allow-empty","string":"false"}])";
  ProcResult r =
      run_process({haguard_binary(), "render"}, to_env_list(env), repo.root() + "/app");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.front(), '{') << r.out;
  std::vector<json> objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[1]["data"]["v"], "m" + utf8(0x85) + utf8(0x80) + utf8(0x9F) + utf8(0x7F) +
                                         utf8(0xFFFE) + utf8(0xFFFF));
  EXPECT_EQ(objects[0]["data"]["v"], "caf" + utf8(0xE9) + " " + utf8(0x2028) + " " + utf8(0xFEFF));

  // Without such a character the same app renders YAML.
  repo.write("app/main.jsonnet",
             "{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' },"
             " data: { v: 'caf\\u00e9 \\u00a0 \\u2028' } }\n");
  r = run_process({haguard_binary(), "render"}, to_env_list(env), repo.root() + "/app");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("apiVersion: v1\n", 0), 0u) << r.out;
  ASSERT_EQ(parse_argocd_stream(r.out).size(), 1u);
}

}  // namespace
}  // namespace haguard::test
