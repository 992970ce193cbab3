// haguard's std on libjsonnet 0.18, by example: the native writers and parseYaml, the prefix that
// supplies them (line numbers kept), and the limits that are documented rather than fixed.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "plugin/jsonnet_eval.h"
#include "plugin/jsonnet_manifest.h"

namespace fs = std::filesystem;
using namespace haguard::plugin;

namespace {

/// Evaluates files written into a temporary tree; returns the first file's result.
class StdTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("haguard-std-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  JsonnetResult eval(const std::string& main_text) {
    write("main.jsonnet", main_text);
    JsonnetInputs in;
    in.root = dir_.string();
    in.work_dir = dir_.string();
    auto run = evaluate_jsonnet({"main.jsonnet"}, in, JsonnetLimits{});
    EXPECT_EQ(run.failure, "");
    return run.results.at(0);
  }
  fs::path dir_;
};

TEST(ManifestWriters, JsonExAsGoJsonnet) {
  std::string out, error;
  ASSERT_TRUE(
      manifest_json_ex(R"([{"a": [1, 0.10000000000000001, "x\u007f\b"], "b": { }, "c": [ ]}])",
                       "  ", "\n", ": ", out, error))
      << error;
  EXPECT_EQ(out,
            "{\n  \"a\": [\n    1,\n    0.1,\n    \"x\x7f\\b\"\n  ],\n  \"b\": {\n\n  },\n"
            "  \"c\": [\n\n  ]\n}");
}

TEST(ManifestWriters, YamlDocAsGoJsonnet) {
  std::string out, error;
  YamlManifestOptions o;
  o.quote_keys = false;
  ASSERT_TRUE(
      manifest_yaml_doc(R"([{"e": {}, "k": [[1], {"x": 1e30}], "yes": "a\nb\n"}])", o, out, error))
      << error;
  EXPECT_EQ(out, "e: {}\nk:\n-\n  - 1\n- x: 1000000000000000000000000000000\n\"yes\": |\n  a\n  b");
}

TEST(ManifestWriters, RejectTextThatIsNotTheVmsJson) {
  std::string out, error;
  EXPECT_FALSE(manifest_json_ex("[{\"a\": ", "  ", "\n", ": ", out, error));
  EXPECT_NE(error, "");
  EXPECT_FALSE(manifest_yaml_stream("{}", YamlManifestOptions{}, out, error));
  EXPECT_NE(error.find("only takes arrays"), std::string::npos) << error;
}

TEST_F(StdTest, QuotedVersionsStayStrings) {
  write("values.yaml", "tag: \"1.10\"\nport: \"8080\"\nnone: ~\n");
  auto r =
      eval("local v = std.parseYaml(importstr 'values.yaml'); ['img:' + v.tag, v.port, v.none]");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, "[\n   \"img:1.10\",\n   \"8080\",\n   null\n]\n");
}

TEST_F(StdTest, ParseYamlErrorsNameTheCallAndLine) {
  auto r = eval("local x = 1;\nstd.parseYaml('a: 1\\n---\\nb: [1,\\n')");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("std.parseYaml: failed to parse YAML: document 2: line 4"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("main.jsonnet:2:"), std::string::npos) << r.error;
}

TEST_F(StdTest, LineNumbersAreTheUsersInMainAndImports) {
  write("lib/a.libsonnet", "{\n  x: error 'boom in lib',\n}\n");
  auto r = eval("local a = import 'lib/a.libsonnet';\n\n{ y: a.x }\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("lib/a.libsonnet:2:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("main.jsonnet:3:"), std::string::npos) << r.error;
}

TEST_F(StdTest, ImportedLibrariesSeeGoJsonnetStd) {
  write("lib/t.libsonnet", "{ t: std.trim('  x  '), s: std.sha256('abc') }\n");
  auto r = eval("(import 'lib/t.libsonnet').t + (import 'lib/t.libsonnet').s[0:4]");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, "\"xba78\"\n");
}

TEST_F(StdTest, DataFilesReadByImportstrAreUntouched) {
  write("data.json", "{\"a\": 1}\n");
  write("notes.txt", "line one\n");
  auto r = eval("[importstr 'data.json', importstr 'notes.txt', (import 'data.json').a]");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, "[\n   \"{\\\"a\\\": 1}\\n\",\n   \"line one\\n\",\n   1\n]\n");
}

// Documented limit: 0.18's import callback serves `import` and `importstr` alike, so importstr of
// a .jsonnet/.libsonnet file shows the one-line std prefix before the file's text.
TEST_F(StdTest, ImportstrOfJsonnetCodeShowsThePrefix) {
  write("snippet.libsonnet", "{ a: 1 }\n");
  auto r = eval("importstr 'snippet.libsonnet'");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(r.output.find("local haguard_std0 = std;"), std::string::npos) << r.output;
}

TEST_F(StdTest, ParseJsonRefusesAnOverflowInsteadOfAborting) {
  auto r = eval("std.parseJson('{\"a\": [1, 1e400]}')");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("std.parseJson: failed to parse JSON: the number 1e400 is out of range"),
            std::string::npos)
      << r.error;
}

TEST_F(StdTest, Base64DecodeReadsUtf8) {
  auto r = eval("[std.base64Decode('Y2Fmw6k='), std.base64Decode('AP+A'), std.base64Decode('')]");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, "[\n   \"caf\u00e9\",\n   \"\\u0000\ufffd\ufffd\",\n   \"\"\n]\n");
}

// Documented difference: 0.18's JSON parser reads "-0" as 0; go-jsonnet keeps -0.
TEST_F(StdTest, ParseJsonMinusZeroIsZero) {
  auto r = eval("std.parseJson('-0')");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.output, "0\n");
}

TEST_F(StdTest, ImportbinErrorNamesTheEngine) {
  auto r = eval("{ bytes: importbin 'x.bin' }\n");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find("`importbin` is jsonnet 0.20 syntax; haguard evaluates with Debian's "
                         "libjsonnet v0.18.0"),
            std::string::npos)
      << r.error;
}

}  // namespace
