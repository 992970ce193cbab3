// JSON pointers back to lines and columns: in YAML streams, JSON documents and streams, `kind:
// List` items (kubectl's JSON and YAML), with missing fields, aliases, escaped keys, multi-byte
// text and a byte order mark. Every expected position is read off the text itself (the line and
// column where a marker string is written), not typed in.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "manifest_io/manifest_io.h"
#include "plugin/source_location.h"

namespace {

using haguard::Document;
using haguard::json;
using haguard::plugin::locate;
using haguard::plugin::LocateQuery;
using haguard::read_manifests;
using haguard::ReadResult;
using haguard::plugin::SourcePosition;

/// 1-based line and code-point column of the `nth` occurrence of `marker` in `text`.
SourcePosition where(std::string_view text, std::string_view marker, int nth = 0) {
  std::size_t at = text.find(marker);
  for (int i = 0; i < nth && at != std::string_view::npos; ++i) at = text.find(marker, at + 1);
  EXPECT_NE(at, std::string_view::npos) << marker;
  SourcePosition p{1, 1};
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

/// Where `pointer` of document `doc` of `text` is.
SourcePosition at(std::string_view text, std::size_t doc, const std::string& pointer) {
  ReadResult r = read_manifests(text, "t.yaml");
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].describe();
  EXPECT_LT(doc, r.documents.size());
  if (doc >= r.documents.size()) return {};
  return locate(text, {LocateQuery{&r.documents[doc], pointer}})[0];
}

#define EXPECT_AT(actual, expected)                        \
  do {                                                     \
    const SourcePosition a_ = (actual), e_ = (expected);   \
    EXPECT_EQ(a_.line, e_.line) << "column " << a_.column; \
    EXPECT_EQ(a_.column, e_.column) << "line " << a_.line; \
  } while (0)

constexpr std::string_view kDeployment = R"(# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dapp
  annotations:
    haguard.dalp.io/exempt: "probes"
    a~b: x
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: first
        image: first:1
      -   name: second
          image: second:1
          livenessProbe: {tcpSocket: {port: 80}}
)";

TEST(SourceLocation, FieldsAreWhereTheirKeysAre) {
  EXPECT_AT(at(kDeployment, 0, "/spec/replicas"), where(kDeployment, "replicas"));
  EXPECT_AT(at(kDeployment, 0, "/kind"), where(kDeployment, "kind"));
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/containers/1/image"),
            where(kDeployment, "image", 1));
  // Flow style inside block style.
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/containers/1/livenessProbe/tcpSocket/port"),
            where(kDeployment, "port"));
  // Escaped pointer tokens: "/" is "~1", "~" is "~0".
  EXPECT_AT(at(kDeployment, 0, "/metadata/annotations/haguard.dalp.io~1exempt"),
            where(kDeployment, "haguard.dalp.io/exempt"));
  EXPECT_AT(at(kDeployment, 0, "/metadata/annotations/a~0b"), where(kDeployment, "a~b"));
}

TEST(SourceLocation, MissingFieldsAreAtTheirNearestAncestor) {
  // The container without probes: the item itself (its first key, after "- ").
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/containers/0/livenessProbe"),
            where(kDeployment, "name: first"));
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/containers/1/readinessProbe"),
            where(kDeployment, "name: second"));
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/affinity/podAntiAffinity"),
            where(kDeployment, "spec:", 1));
  EXPECT_AT(at(kDeployment, 0, "/spec/template/spec/containers/7/image"),
            where(kDeployment, "containers"));
  // The object itself, or nothing found at all: where the object starts.
  EXPECT_AT(at(kDeployment, 0, ""), where(kDeployment, "apiVersion"));
  EXPECT_AT(at(kDeployment, 0, "/nope"), where(kDeployment, "apiVersion"));
}

TEST(SourceLocation, DocumentsOfAStreamAndDocumentEndMarkers) {
  const std::string text = std::string(
      "a: 1\n---\n---\n# empty above\nkind: A\nb: 2\n...\n"
      "kind: B\nc:\n  d: 3\n");
  ReadResult r = read_manifests(text, "s.yaml");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.documents.size(), 3u);
  auto found = locate(text, {{&r.documents[0], "/a"},
                             {&r.documents[1], "/b"},
                             {&r.documents[2], "/c/d"},
                             {&r.documents[2], "/c/e"}});
  EXPECT_AT(found[0], where(text, "a: 1"));
  EXPECT_AT(found[1], where(text, "b: 2"));
  EXPECT_AT(found[2], where(text, "d: 3"));
  EXPECT_AT(found[3], where(text, "c:"));
}

TEST(SourceLocation, KubectlJsonListItems) {
  const std::string text = R"({
    "apiVersion": "v1",
    "items": [
        {
            "kind": "Namespace",
            "metadata": {"name": "prod"}
        },
        {
            "kind": "Deployment",
            "metadata": {"name": "dapp", "namespace": "prod"},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}
        }
    ],
    "kind": "List"
}
)";
  ReadResult r = read_manifests(text, "-");
  ASSERT_EQ(r.documents.size(), 2u);
  auto found = locate(text, {{&r.documents[1], "/spec/replicas"},
                             {&r.documents[1], "/spec/template/spec/containers/0/livenessProbe"},
                             {&r.documents[0], "/metadata/name"}});
  EXPECT_AT(found[0], where(text, "\"replicas\""));
  EXPECT_AT(found[1], where(text, "{\"name\": \"c\""));
  EXPECT_AT(found[2], where(text, "\"name\""));
}

TEST(SourceLocation, KubectlYamlListAndJsonStreamsAndArrays) {
  const std::string yaml =
      "apiVersion: v1\nitems:\n- kind: A\n  metadata:\n    name: a\n- kind: B\n  spec:\n"
      "    replicas: 1\nkind: List\n";
  ReadResult r = read_manifests(yaml, "l.yaml");
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_AT(locate(yaml, {{&r.documents[1], "/spec/replicas"}})[0], where(yaml, "replicas"));
  EXPECT_AT(locate(yaml, {{&r.documents[0], "/metadata/name"}})[0], where(yaml, "name: a"));

  const std::string stream =
      "{\"kind\": \"A\", \"x\": 1}\n{\"kind\": \"B\",\n \"y\": {\"z\": 2}}\n";
  r = read_manifests(stream, "s.json");
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_AT(locate(stream, {{&r.documents[1], "/y/z"}})[0], where(stream, "\"z\""));
  EXPECT_AT(locate(stream, {{&r.documents[0], "/x"}})[0], where(stream, "\"x\""));

  const std::string array = "[{\"kind\": \"A\"},\n {\"kind\": \"B\", \"w\": [0, {\"v\": 1}]}]";
  r = read_manifests(array, "a.json");
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_AT(locate(array, {{&r.documents[1], "/w/1/v"}})[0], where(array, "\"v\""));
}

TEST(SourceLocation, ColumnsCountCodePointsAndSkipTheByteOrderMark) {
  const std::string text = "\xEF\xBB\xBFkind: A\nmetadata: {name: \"\xC3\xA9t\xC3\xA9\", x: 1}\n";
  EXPECT_AT(at(text, 0, "/metadata/x"), where(text.substr(3), "x: 1"));
  EXPECT_EQ(at(text, 0, "/metadata/x").column, 25);  // in bytes it would be 27
}

TEST(SourceLocation, AliasesAndMergeKeysFallBackToWhatIsWritten) {
  const std::string text =
      "base: &b\n  image: x\n  port: 1\nkind: A\nc:\n  <<: *b\n  name: n\nd: *b\n";
  EXPECT_AT(at(text, 0, "/c/name"), where(text, "name: n"));
  EXPECT_AT(at(text, 0, "/c/image"), where(text, "c:"));    // merged: not written under c
  EXPECT_AT(at(text, 0, "/d/port"), where(text, "d:", 1));  // inside an alias ("kind:" first)
}

/// Every member and item of `v`, as JSON pointers below `prefix`.
void all_pointers(const json& v, const std::string& prefix, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.items()) {
      std::string token;
      for (char c : key) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
      const std::string pointer = prefix + "/" + token;
      out.push_back(pointer);
      all_pointers(child, pointer, out);
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string pointer = prefix + "/" + std::to_string(i);
      out.push_back(pointer);
      all_pointers(v[i], pointer, out);
    }
  }
}

TEST(SourceLocation, EveryFieldOfRealInstallsIsFound) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(HAGUARD_CORPUS_DIR))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  for (const auto& e : fs::recursive_directory_iterator(fs::path(HAGUARD_CASES_DIR) / "upstream"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::size_t checked = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    ReadResult r = read_manifests(text, file.string());
    ASSERT_TRUE(r.errors.empty()) << file;
    std::vector<std::string> lines;
    for (std::istringstream ls(text); lines.emplace_back(), std::getline(ls, lines.back());) {
    }
    for (const Document& d : r.documents) {
      std::vector<std::string> pointers;
      all_pointers(d.object, "", pointers);
      std::vector<LocateQuery> queries;
      for (const std::string& p : pointers) queries.push_back(LocateQuery{&d, p});
      const std::vector<SourcePosition> found = locate(text, queries);
      for (std::size_t i = 0; i < found.size(); ++i) {
        const json::json_pointer ptr(pointers[i]);
        ASSERT_GE(found[i].column, 1) << file << " " << pointers[i];
        const std::string& line = lines[found[i].line - 1];
        const std::string before = line.substr(0, found[i].column - 1);
        const std::string at = line.substr(found[i].column - 1);
        if (d.object.at(ptr.parent_pointer()).is_array()) {
          const std::size_t last = before.find_last_not_of(' ');
          const char prev = last == std::string::npos ? '\0' : before[last];
          EXPECT_TRUE(prev == '-' || prev == '[' || prev == ',') << file << " " << pointers[i];
        } else {
          const std::string key = ptr.back();
          EXPECT_TRUE(at.starts_with(key + ":") || at.starts_with("\"" + key + "\":") ||
                      at.starts_with("'" + key + "':"))
              << file << " " << pointers[i] << " at " << found[i].line << ": " << line;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5000u);
}

}  // namespace
