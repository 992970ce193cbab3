// Tanka's native functions in `haguard render` as argocd-cmp-server runs it: an app that vendors
// grafana/jsonnet-libs' ksonnet-util renders what Tanka renders, and a bad call fails naming the
// native and the place of the call. (Each native's results against Tanka's own code:
// jsonnet_differential_test.cc, tanka_corpus/.)

#include <gtest/gtest.h>

#include <string>

#include "tests/plugin/render_harness.h"

namespace haguard::test {
namespace {

const std::string kEnv = "deploy/tanka/environments/prod";

class TankaNatives : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.write("deploy/tanka/jsonnetfile.json", R"({"version": 1, "dependencies": []})");
  }
  ProcResult render() {
    return run_process({haguard_binary(), "render"}, to_env_list(cmp_environment(kEnv, nullptr)),
                       repo_.root() + "/" + kEnv);
  }
  FakeRepo repo_;
};

TEST_F(TankaNatives, VendoredKsonnetUtilRendersItsConfigAsTanka) {
  repo_.copy_tree(std::string(HAGUARD_SOURCE_DIR) + "/tests/jsonnet_reference/tanka_corpus/vendor",
                  "deploy/tanka/vendor");
  repo_.write(kEnv + "/main.jsonnet", R"(
local util = (import 'github.com/grafana/jsonnet-libs/ksonnet-util/util.libsonnet').withK({});
local yaml = util.manifestYaml({ server: { http_listen_port: 3100 }, limits: ['a', 'b'],
                                 flags: { reject: 'yes', since: '2020-10-24' } });
{ apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: 'loki', annotations: { checksum: std.native('sha256')(yaml) } },
  data: { 'config.yaml': yaml } }
)");
  ProcResult r = render();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto objects = parse_argocd_stream(r.out);
  ASSERT_EQ(objects.size(), 1u) << r.out;
  // What Tanka (tests/jsonnet_reference/tanka) renders for this app: yaml.v3's four-space indent,
  // sequences indented under their key, "yes" and the date quoted.
  EXPECT_EQ(objects[0]["data"]["config.yaml"],
            "flags:\n    reject: \"yes\"\n    since: \"2020-10-24\"\nlimits:\n    - a\n    - b\n"
            "server:\n    http_listen_port: 3100\n");
  EXPECT_EQ(objects[0]["metadata"]["annotations"]["checksum"],
            "5cd847b0718ab63a3b96d4ead05148589a6a7e67eb52de543b9d0de734bd47c6");
}

TEST_F(TankaNatives, ABadCallNamesTheNativeAndItsPlace) {
  struct Case {
    std::string call, message;
  };
  const Case cases[] = {
      {"std.native('regexMatch')(1, 'a')",
       "std.native('regexMatch'): regex and string must be strings"},
      {"std.native('regexSubst')('(', 'a', 'b')",
       "std.native('regexSubst'): error parsing regexp: missing ): ("},
      {"std.native('parseYaml')('a: 1\\na: 2')", "mapping key \"a\" already defined at line 1"},
      {"std.native('parseJson')('{\"a\": }')", "std.native('parseJson'): invalid character '}'"},
      {"std.native('manifestJsonFromJson')('{}', -1)", "indent must be a number of spaces"},
      {"std.native('manifestYamlFromJson')({a: 1})", "native extensions can only take primitives"},
  };
  for (const Case& c : cases) {
    repo_.write(kEnv + "/main.jsonnet",
                "local x = 1;\n{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' },\n"
                "  data: { v: std.toString(" +
                    c.call + ") } }\n");
    ProcResult r = render();
    EXPECT_EQ(r.exit_code, 1) << c.call;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.call << ": " << r.err;
    EXPECT_NE(r.err.find("main.jsonnet:3:"), std::string::npos) << c.call << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.call;
  }
}

}  // namespace
}  // namespace haguard::test
