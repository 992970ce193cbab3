// One manifest means the same to every command: plain scalars that YAML 1.2 types as numbers
// (hex, octal, a sign, a bare fraction), explicit tags and merge keys (plain, and `!!merge` as
// kpt passes them on) come out of `check --fix`, `render` (directory mode, as argocd-cmp-server
// runs it) and `fn` (through the installed kpt, and on stdin) as the same JSON, read back by Argo
// CD's own decoding (sigs.k8s.io/yaml), not by haguard's reader.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

/// A custom resource (no rule applies to it, so nothing is fixed) whose spec holds the scalars.
const char* kWidget = R"(apiVersion: example.com/v1
kind: Widget
metadata:
  name: typing
  namespace: dalp-prod
spec:
  hex: 0x1F
  octal: 0o17
  plus: +1
  fraction: .5
  exponent: 1e3
  taggedInt: !!int "5"
  taggedFloat: !!float "2"
  taggedString: !!str 5
  quoted: "5"
  leadingZero: 0755
  yes: yes
  tilde: ~
  inf: .inf
  base: &base {a: 1, b: 2}
  merged:
    <<: *base
    b: 3
  mergedTagged:
    !!merge <<: *base
    a: 0
)";

/// What each command must make of kWidget's spec.
json expected_spec() {
  return json::parse(R"({
    "hex": 31, "octal": 15, "plus": 1, "fraction": 0.5, "exponent": 1000.0,
    "taggedInt": 5, "taggedFloat": 2.0, "taggedString": "5", "quoted": "5",
    "leadingZero": "0755", "yes": "yes", "tilde": null, "inf": ".inf",
    "base": {"a": 1, "b": 2}, "merged": {"a": 1, "b": 3}, "mergedTagged": {"a": 0, "b": 2}
  })");
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The Widget among `objects`, or null.
json widget_of(const std::vector<json>& objects) {
  for (const json& o : objects)
    if (o.value("kind", "") == "Widget") return o;
  return nullptr;
}

/// `spec` compared key by key, so a failure names the scalar that was typed differently.
void expect_spec(const json& widget, const std::string& command) {
  ASSERT_TRUE(widget.is_object()) << command << ": no Widget in the output";
  const json want = expected_spec();
  const json& got = widget["spec"];
  for (auto& [key, value] : want.items()) {
    ASSERT_TRUE(got.contains(key)) << command << ": spec." << key << " missing: " << got;
    EXPECT_EQ(got[key], value) << command << ": spec." << key;
    EXPECT_EQ(got[key].is_number(), value.is_number()) << command << ": spec." << key;
  }
}

class ScalarTyping : public ::testing::Test {
 protected:
  std::vector<std::string> env() const {
    return {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + repo_.outside()};
  }
  FakeRepo repo_;
};

TEST_F(ScalarTyping, CheckFixWritesWhatTheManifestMeans) {
  repo_.write("widget.yaml", kWidget);
  auto r = run_process({haguard_binary(), "check", "--fix", "widget.yaml"}, env(), repo_.root());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_spec(widget_of(parse_argocd_stream(r.out)), "check --fix");
}

TEST_F(ScalarTyping, RenderWritesWhatTheManifestMeans) {
  repo_.write("app/widget.yaml", kWidget);
  auto e = cmp_environment("app", json::array({{{"name", "directory"}, {"string", "true"}}}));
  auto r = run_process({haguard_binary(), "render"}, to_env_list(e), repo_.root() + "/app");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_spec(widget_of(parse_argocd_stream(r.out)), "render");
}

TEST_F(ScalarTyping, FnThroughKptWritesWhatTheManifestMeans) {
  repo_.write("pkg/widget.yaml", kWidget);
  auto r = run_process({"/usr/bin/kpt", "fn", "eval", repo_.root() + "/pkg", "--exec",
                        haguard_binary() + " fn"},
                       env(), repo_.root());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // kpt wrote back what fn returned; read the file as kubectl would.
  const std::string written = read_file(repo_.root() + "/pkg/widget.yaml");
  ProcResult decoded = decode_as_argocd(written, true);
  ASSERT_EQ(decoded.exit_code, 0) << decoded.err << written;
  json objects = json::parse(decoded.out);
  expect_spec(widget_of(objects.get<std::vector<json>>()), "fn (kpt)");
}

TEST_F(ScalarTyping, FnOnAResourceListTypesItemsAsCheckDoes) {
  std::string items;
  std::istringstream in(kWidget);
  bool first = true;
  for (std::string line; std::getline(in, line); first = false)
    items += (first ? "- " : "  ") + line + "\n";
  const std::string input =
      "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + items;
  auto r = run_process({haguard_binary(), "fn"}, env(), repo_.root(), input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto docs = parse_argocd_stream(r.out);
  ASSERT_EQ(docs.size(), 1u) << r.out;
  expect_spec(widget_of(docs[0]["items"].get<std::vector<json>>()), "fn (stdin)");
}

}  // namespace
}  // namespace haguard::test
