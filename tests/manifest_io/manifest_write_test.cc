// write_yaml_stream: a deterministic block style whose strings read back as the strings they
// were, whatever a YAML reader would otherwise retype.

#include "manifest_io/manifest_io.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace haguard {
namespace {

std::vector<json> objects_of(const ReadResult& r) {
  std::vector<json> out;
  for (const Document& d : r.documents) out.push_back(d.object);
  return out;
}


TEST(ManifestWrite, DeterministicBlockStyle) {
  json o = {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "x"}, {"labels", json::object()}}},
            {"data",
             {{"enabled", "true"},
              {"port", "8080"},
              {"conf", "a: 1\nb: 2\n"},
              {"list", json::array({1, "two", json::array({3}), {{"k", nullptr}}})}}}};
  EXPECT_EQ(write_yaml_stream({o, {{"kind", "B"}}}),
            "apiVersion: v1\n"
            "data:\n"
            "  conf: |\n"
            "    a: 1\n"
            "    b: 2\n"
            "  enabled: 'true'\n"
            "  list:\n"
            "  - 1\n"
            "  - two\n"
            "  - - 3\n"
            "  - k: null\n"
            "  port: '8080'\n"
            "kind: ConfigMap\n"
            "metadata:\n"
            "  labels: {}\n"
            "  name: x\n"
            "---\n"
            "kind: B\n");
}

TEST(ManifestWrite, TrickyStringsRoundTrip) {
  const std::vector<std::string> strings = {"",
                                            " ",
                                            "true",
                                            "True",
                                            "yes",
                                            "no",
                                            "on",
                                            "off",
                                            "y",
                                            "n",
                                            "null",
                                            "~",
                                            "1",
                                            "1.5",
                                            "0755",
                                            "0x1F",
                                            "1e3",
                                            "-",
                                            "-x",
                                            "--port=80",
                                            "- x",
                                            "---",
                                            "...",
                                            "a: b",
                                            "a:b",
                                            "a #b",
                                            "a#b",
                                            "#x",
                                            ":x",
                                            "? x",
                                            "x:",
                                            "[a]",
                                            "{a}",
                                            "a,b",
                                            "*x",
                                            "&x",
                                            "!x",
                                            "|x",
                                            ">x",
                                            "'x",
                                            "\"x",
                                            "%x",
                                            "@x",
                                            "`x",
                                            " lead",
                                            "trail ",
                                            "a\tb",
                                            "\tx",
                                            "l1\nl2",
                                            "l1\nl2\n",
                                            "a\n\n",
                                            "\n",
                                            "\n\nx",
                                            "  indented\nnext",
                                            " x\n",
                                            "a \nb",
                                            "x\r\ny",
                                            "nul\x01",
                                            "é ü 中文",
                                            "tab\tin\nmulti",
                                            "1:20",
                                            "2001-12-14",
                                            "1_000",
                                            ".5",
                                            "+1",
                                            "=",
                                            "<<",
                                            "it's",
                                            "\xe2\x80\xa8",
                                            "x\n  y\n    z",
                                            "key: |\n  x",
                                            "---\nx",
                                            "x\n---\ny",
                                            "...\n",
                                            "\\n",
                                            // keys over YAML's 1024-character implicit key limit
                                            std::string(1100, 'k'),
                                            std::string(600, '\t')};
  json flat = json::object(), keys = json::object(), nested = json::array();
  for (std::size_t i = 0; i < strings.size(); ++i) {
    flat["k" + std::to_string(i)] = strings[i];
    keys[strings[i]] = strings[i];
    nested.push_back(strings[i]);
    nested.push_back(json::array({strings[i], {{"a", strings[i]}}}));
  }
  json numbers = {{"i", -5},
                  {"u", 18446744073709551615ull},
                  {"f", 1.0},
                  {"g", 1e100},
                  {"tiny", 1.5e-10},
                  {"b", false},
                  {"n", nullptr},
                  {"e", json::object()},
                  {"ea", json::array()},
                  {"nested", json::array({json::array({1, 2}), json::array(), json::object()})}};
  const std::vector<json> docs = {flat, {{"nested", nested}}, keys, numbers};
  const std::string yaml = write_yaml_stream(docs);
  ReadResult r = read_manifests(yaml, "rt");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].describe() << "\n" << yaml;
  ASSERT_EQ(r.documents.size(), docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i)
    EXPECT_EQ(r.documents[i].object, docs[i]) << json::diff(docs[i], r.documents[i].object);
  EXPECT_EQ(write_yaml_stream(objects_of(r)), yaml);  // stable
}

}  // namespace
}  // namespace haguard
