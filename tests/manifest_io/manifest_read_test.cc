// Reading manifest streams: the corpus parses completely, scalars are typed as Kubernetes tools
// type them, malformed documents are reported with their place without hiding the others.

#include "manifest_io/manifest_io.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/files.h"

namespace haguard {
namespace {

using haguard::test::read_file;

std::vector<json> objects_of(const ReadResult& r) {
  std::vector<json> out;
  for (const Document& d : r.documents) out.push_back(d.object);
  return out;
}

/// The single document of `yaml`, asserting there is exactly one and no error.
json one(std::string_view yaml) {
  ReadResult r = read_manifests(yaml, "t.yaml");
  EXPECT_TRUE(r.errors.empty()) << (r.errors.empty() ? "" : r.errors[0].describe());
  EXPECT_EQ(r.documents.size(), 1u);
  return r.documents.empty() ? json() : r.documents[0].object;
}

struct CorpusFile {
  const char* name;
  std::size_t objects;
};

class CorpusTest : public ::testing::TestWithParam<CorpusFile> {};

TEST_P(CorpusTest, ParsesCompletelyAndRoundTrips) {
  const std::string path = std::string(HAGUARD_CORPUS_DIR) + "/" + GetParam().name;
  const std::string text = read_file(path);
  ASSERT_FALSE(text.empty()) << path;
  ReadResult r = read_manifests(text, path);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].describe();
  EXPECT_EQ(r.documents.size(), GetParam().objects);
  for (const Document& d : r.documents) {
    EXPECT_TRUE(d.object.contains("kind")) << d.index;
    EXPECT_EQ(d.file, path);
    // The recorded line starts the document: the line before it is `---` or it is line 1... or
    // comments precede it; in every case the kind appears before the next document marker.
    std::istringstream lines(text);
    std::string line;
    for (int i = 1; i < d.line && std::getline(lines, line); ++i) {
    }
    bool kind_seen = false;
    while (std::getline(lines, line) && !line.starts_with("---"))
      kind_seen = kind_seen || line == "kind: " + d.object["kind"].get<std::string>();
    EXPECT_TRUE(kind_seen) << path << " document " << d.index << " line " << d.line;
  }
  const std::vector<json> objects = objects_of(r);
  ReadResult back = read_manifests(write_yaml_stream(objects), "roundtrip");
  ASSERT_TRUE(back.errors.empty()) << back.errors[0].describe();
  EXPECT_EQ(objects_of(back), objects);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTest,
                         ::testing::Values(CorpusFile{"argo-cd-namespace-install.yaml", 50},
                                           CorpusFile{"ingress-nginx-deploy.yaml", 19},
                                           CorpusFile{"microservices-demo.yaml", 35}),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name;
                           n = n.substr(0, n.find('.'));
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(ManifestRead, CorpusLinesPointAtTheirDocuments) {
  const std::string path = std::string(HAGUARD_CORPUS_DIR) + "/argo-cd-namespace-install.yaml";
  ReadResult r = read_manifests(read_file(path), path);
  ASSERT_EQ(r.documents.size(), 50u);
  const Document& redis = r.documents[39];
  EXPECT_EQ(redis.object["kind"], "Deployment");
  EXPECT_EQ(redis.object["metadata"]["name"], "argocd-redis");
  EXPECT_EQ(redis.index, 39u);
  EXPECT_EQ(redis.line, 1360);
}

TEST(ManifestRead, ScalarsAreTypedLikeKubernetes) {
  json o = one(
      "int: 1\nneg: -3\nplus: +12\nfloat: 1.5\nexp: 1e3\ndot: .5\nbool: true\nBool: False\n"
      "null1: null\nnull2: ~\nnull3:\nquoted: \"1\"\nsingle: 'true'\noctal: 0755\nyes: yes\n"
      "no: no\non: on\ninf: .inf\nhex: 0x1F\nversion: 1.2.3\nstr: !!str 12\nint_tag: !!int \"7\"\n"
      "date: 2001-12-14\nblock: |\n  a\n  b\nfolded: >\n  a\n  b\nbig: 123456789012345678901\n");
  EXPECT_EQ(o["int"], 1);
  EXPECT_TRUE(o["int"].is_number_integer());
  EXPECT_EQ(o["neg"], -3);
  EXPECT_EQ(o["plus"], 12);
  EXPECT_TRUE(o["float"].is_number_float());
  EXPECT_DOUBLE_EQ(o["float"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(o["exp"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(o["dot"].get<double>(), 0.5);
  EXPECT_EQ(o["bool"], true);
  EXPECT_EQ(o["Bool"], false);
  EXPECT_TRUE(o["null1"].is_null());
  EXPECT_TRUE(o["null2"].is_null());
  EXPECT_TRUE(o["null3"].is_null());
  EXPECT_EQ(o["quoted"], "1");
  EXPECT_EQ(o["single"], "true");
  EXPECT_EQ(o["octal"], "0755");
  EXPECT_EQ(o["yes"], "yes");
  EXPECT_EQ(o["no"], "no");
  EXPECT_EQ(o["on"], "on");
  EXPECT_EQ(o["inf"], ".inf");
  EXPECT_EQ(o["hex"], 31);
  EXPECT_EQ(o["version"], "1.2.3");
  EXPECT_EQ(o["str"], "12");
  EXPECT_EQ(o["int_tag"], 7);
  EXPECT_EQ(o["date"], "2001-12-14");
  EXPECT_EQ(o["block"], "a\nb\n");
  EXPECT_EQ(o["folded"], "a b\n");
  EXPECT_TRUE(o["big"].is_number_float());
}

TEST(ManifestRead, AnchorsAliasesAndMergeKeys) {
  json o = one("base: &b {x: 1, y: 2}\ncopy: *b\nder:\n  <<: *b\n  y: 3\nlist: [&v 5, *v]\n");
  EXPECT_EQ(o["copy"], (json{{"x", 1}, {"y", 2}}));
  EXPECT_EQ(o["der"], (json{{"x", 1}, {"y", 3}}));
  EXPECT_EQ(o["list"], json::array({5, 5}));
  // kpt (kyaml) hands a function its merge keys tagged; a quoted "<<" is an ordinary key.
  o = one("base: &b {x: 1, y: 2}\nder:\n  !!merge <<: *b\n  y: 3\nq: {\"<<\": *b}\n");
  EXPECT_EQ(o["der"], (json{{"x", 1}, {"y", 3}}));
  EXPECT_EQ(o["q"], (json{{"<<", {{"x", 1}, {"y", 2}}}}));
}

TEST(ManifestRead, AliasBombIsAnErrorNotACrash) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; prev = c++) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  ReadResult r = read_manifests(bomb, "bomb.yaml");
  EXPECT_TRUE(r.documents.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("too large"), std::string::npos);
}

TEST(ManifestRead, MalformedDocumentIsReportedAndOthersStillRead) {
  ReadResult r = read_manifests(
      "# leading comment\n---\nkind: A\n---\nkind: B\nbad: [1, 2\nnext: 3\n---\nkind: C\n",
      "m.yaml");
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_EQ(r.documents[0].object["kind"], "A");
  EXPECT_EQ(r.documents[0].index, 0u);
  EXPECT_EQ(r.documents[0].line, 3);
  EXPECT_EQ(r.documents[1].object["kind"], "C");
  EXPECT_EQ(r.documents[1].index, 2u);
  EXPECT_EQ(r.documents[1].line, 9);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "m.yaml");
  EXPECT_EQ(r.errors[0].index, 1u);
  EXPECT_GE(r.errors[0].line, 6);
  EXPECT_LE(r.errors[0].line, 8);
  EXPECT_EQ(r.errors[0].describe().rfind("m.yaml: document 1 (line ", 0), 0u);
}

TEST(ManifestRead, StrayCommaIsAnErrorNotAHang) {
  // yaml-cpp 0.7 alone returns empty documents forever here (jbeder/yaml-cpp#1040).
  ReadResult r = read_manifests("kind: A\n---\n, x\n---\nkind: B\n", "c.yaml");
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_EQ(r.documents[1].index, 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].index, 1u);
  EXPECT_EQ(r.errors[0].line, 3);
}

// Found by manifest_stream_fuzz: 500 levels read from JSON did not read back from YAML (yaml-cpp:
// "bad file"), and 100,000 overflowed the stack.
TEST(ManifestRead, DeepNestingIsAnErrorNotACrash) {
  for (std::size_t depth : {401u, 1000u, 100000u}) {
    std::string open(depth, '['), close(depth, ']');
    ReadResult j = read_manifests("{\"kind\": \"X\", \"a\": " + open + close + "}", "deep.json");
    ASSERT_EQ(j.errors.size(), 1u);
    EXPECT_NE(j.errors[0].message.find("levels deep"), std::string::npos) << j.errors[0].message;
    ReadResult y = read_manifests("kind: X\na: " + open + close + "\n", "deep.yaml");
    ASSERT_EQ(y.errors.size(), 1u);
    EXPECT_NE(y.errors[0].message.find("levels deep"), std::string::npos) << y.errors[0].message;
  }
  ReadResult ok = read_manifests("{\"a\": " + std::string(399, '[') + std::string(399, ']') + "}", "ok");
  ASSERT_TRUE(ok.errors.empty());
  EXPECT_TRUE(read_manifests(write_yaml_stream(objects_of(ok)), "ok.yaml").errors.empty());
}

// Found by manifest_stream_fuzz: 1e999 in JSON threw out of read_manifests; in YAML it read as
// infinity, which JSON cannot hold (written back as null).
TEST(ManifestRead, NumbersBeyondADoubleAreNotInfinity) {
  ReadResult y = read_manifests("kind: X\nx: 1e999\ny: -1e999\nz: " + std::string(400, '9') + "\n", "y");
  ASSERT_TRUE(y.errors.empty());
  EXPECT_EQ(y.documents[0].object["x"], "1e999");
  EXPECT_EQ(y.documents[0].object["y"], "-1e999");
  EXPECT_EQ(y.documents[0].object["z"], std::string(400, '9'));
  ReadResult j = read_manifests("{\"kind\": \"X\", \"x\": 1e999}\n{\"kind\": \"Y\"}", "j.json");
  ASSERT_EQ(j.errors.size(), 1u);
  EXPECT_NE(j.errors[0].message.find("number overflow"), std::string::npos) << j.errors[0].message;
  EXPECT_EQ(j.documents.size(), 1u);
}

TEST(ManifestRead, NonMappingsAndDuplicateKeysAreErrors) {
  ReadResult r =
      read_manifests("- 1\n- 2\n---\njust a string\n---\nk: 1\nk: 2\n---\nkind: Ok\n", "n.yaml");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].object["kind"], "Ok");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].index, 0u);
  EXPECT_EQ(r.errors[1].index, 1u);
  EXPECT_EQ(r.errors[2].index, 2u);
  EXPECT_EQ(r.errors[2].line, 7);
  EXPECT_NE(r.errors[2].message.find("duplicate key"), std::string::npos);
}

TEST(ManifestRead, EmptyDocumentsCrlfAndByteOrderMark) {
  ReadResult r = read_manifests("\xEF\xBB\xBF---\r\n---\r\na: 1\r\n...\r\n---\r\n# c\r\n", "e");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_EQ(r.documents[0].object, (json{{"a", 1}}));
  EXPECT_EQ(r.documents[0].line, 3);
  EXPECT_TRUE(read_manifests("", "empty").documents.empty());
  EXPECT_TRUE(read_manifests("# only\n", "c").errors.empty());
}

TEST(ManifestRead, ListItemsAreExpandedWithTheirLines) {
  ReadResult r = read_manifests(
      "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  metadata: {name: a}\n- kind: B\n"
      "---\nkind: C\n",
      "l.yaml");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_EQ(r.documents[0].object["kind"], "A");
  EXPECT_EQ(r.documents[0].line, 4);
  EXPECT_EQ(r.documents[1].line, 6);
  EXPECT_EQ(r.documents[0].index, 0u);
  EXPECT_EQ(r.documents[1].index, 0u);
  EXPECT_EQ(r.documents[2].index, 1u);
}

TEST(ManifestRead, JsonListAndJsonStream) {
  const std::string text =
      "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
      "    {\"kind\": \"Namespace\", \"metadata\": {\"name\": \"x\", \"labels\": {\"items\": "
      "\"[\"}}},\n"
      "    {\n      \"kind\": \"Deployment\", \"items\": [\"a\", \"b\"]\n    }\n  ],\n"
      "  \"metadata\": {\"resourceVersion\": \"\"}\n}\n"
      "{\"kind\": \"A\", \"n\": 1.5, \"s\": \"0755\"}\n"
      "{\"kind\": \"B\", bad}\n"
      "[{\"kind\": \"C\"},\n {\"kind\": \"D\"}]\n";
  ReadResult r = read_manifests(text, "s.json");
  ASSERT_EQ(r.documents.size(), 5u);
  EXPECT_EQ(r.documents[0].object["kind"], "Namespace");
  EXPECT_EQ(r.documents[0].line, 5);
  EXPECT_EQ(r.documents[1].object["kind"], "Deployment");
  EXPECT_EQ(r.documents[1].line, 6);
  EXPECT_EQ(r.documents[2].object, (json{{"kind", "A"}, {"n", 1.5}, {"s", "0755"}}));
  EXPECT_EQ(r.documents[2].index, 1u);
  EXPECT_EQ(r.documents[2].line, 12);
  EXPECT_EQ(r.documents[3].object["kind"], "C");
  EXPECT_EQ(r.documents[3].index, 3u);
  EXPECT_EQ(r.documents[4].line, 15);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].index, 2u);
  EXPECT_EQ(r.errors[0].line, 13);
}

TEST(ManifestRead, ListsKeptWholeWhenAsked) {
  // A KRM ResourceList: its envelope (functionConfig, results) matters, so it is read whole.
  const std::string rl =
      "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: {kind: X}\n"
      "items:\n- {kind: A, spec: {n: 0x10}}\n- {kind: PodList, items: [{kind: Pod}]}\n";
  ReadResult r = read_manifests(rl, "rl.yaml", ReadOptions{.expand_lists = false});
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].describe();
  ASSERT_EQ(r.documents.size(), 1u);
  const json& list = r.documents[0].object;
  EXPECT_EQ(list["kind"], "ResourceList");
  EXPECT_EQ(list["functionConfig"]["kind"], "X");
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["spec"]["n"], 16);  // typed as everywhere else
  EXPECT_EQ(list["items"][1]["items"].size(), 1u);
  // By default the same text is its items (the nested List expanded one level only).
  EXPECT_EQ(read_manifests(rl, "rl.yaml").documents.size(), 2u);
  // A top-level JSON array is a list of objects, not one: an error when lists are kept whole.
  r = read_manifests(R"([{"kind": "A"}])", "a.json", ReadOptions{.expand_lists = false});
  EXPECT_TRUE(r.documents.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("not a mapping"), std::string::npos) << r.errors[0].message;
}

TEST(ManifestRead, YamlFlowMappingAtTheStartIsStillYaml) {
  json o = one("{kind: A, spec: {replicas: 2}}\n");
  EXPECT_EQ(o["spec"]["replicas"], 2);
}

/// The one error reading `text` gives.
ManifestError only_error(std::string_view text) {
  ReadResult r = read_manifests(text, "e.yaml");
  EXPECT_EQ(r.errors.size(), 1u) << text;
  return r.errors.empty() ? ManifestError{} : r.errors[0];
}

TEST(ManifestReadErrors, AreReportedAtTheLineWhereTheProblemIs) {
  // A flow collection never closed: where it opens, not at the end of the input a line later.
  ManifestError e = only_error("a: [\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 4);
  e = only_error("kind: A\n---\nkind: B\nspec:\n  ports: {a: 1,\n\n# trailing comment\n\n");
  EXPECT_EQ(e.index, 1u);
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.column, 10);
  e = only_error("kind: B\nbad: [1, 2\nnext: 3\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 6);
  e = only_error("kind: A\nspec:\n  x: [1,\n  y: 2\nz: 3\n");
  EXPECT_EQ(e.line, 3);
  // Found at the end of the input: the last line with content, not the blank ones after it.
  e = only_error("kind: A\nx: \"\\u12\n\n# comment\n\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.message, "bad character found while scanning hex number");
  // A block collection broken in the middle: where the token that breaks it is.
  e = only_error("kind: A\nmetadata:\n  name: a\n bad: 1\nspec: {}\n");
  EXPECT_EQ(e.line, 4);
  e = only_error("kind: A\nspec:\n  x: 1\n  - y\n");
  EXPECT_EQ(e.line, 4);
  e = only_error("kind: A\nmetadata:\n  name: a\n  name: b\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "duplicate key \"name\"");
}

TEST(ManifestReadErrors, DescribeNamesFileDocumentLineAndMessage) {
  ManifestError e = only_error("kind: A\n---\nx: [\n");
  EXPECT_EQ(e.describe(), "e.yaml: document 1 (line 3): end of sequence flow not found");
}

TEST(ManifestRead, SpansPointBackIntoTheText) {
  const std::string text = "\xEF\xBB\xBFkind: A\n---\nkind: B\n...\nkind: C\n";
  ReadResult r = read_manifests(text, "s.yaml");
  ASSERT_EQ(r.documents.size(), 3u);
  const SourceSpan& b = r.documents[1].source;
  EXPECT_EQ(text.substr(b.begin, b.end - b.begin).find("kind: B"), 4u);  // after "---\n"
  EXPECT_EQ(b.first_line, 2);
  EXPECT_EQ(b.document, 0u);
  const SourceSpan& c = r.documents[2].source;  // "..." ends a piece
  EXPECT_EQ(text.substr(c.begin, c.end - c.begin), "kind: C\n");
  EXPECT_EQ(c.first_line, 5);
  EXPECT_EQ(text.substr(r.documents[0].source.begin, 7), "kind: A");  // the BOM counted
}

}  // namespace
}  // namespace haguard
