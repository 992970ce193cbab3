// JSON pointers back to lines and columns: in YAML streams, JSON documents and streams, `kind:
// List` items (kubectl's JSON and YAML), with missing fields, aliases, escaped keys, multi-byte
// text and a byte order mark. Every expected position is read off the text itself (the line and
// column where a marker string is written), not typed in.

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/manifest_io.h"
#include "plugin/source_location.h"

namespace {

using haguard::plugin::Document;
using haguard::plugin::locate;
using haguard::plugin::LocateQuery;
using haguard::plugin::read_manifests;
using haguard::plugin::ReadResult;
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

}  // namespace
