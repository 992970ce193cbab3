#include "policies/yaml_stream.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace haguard {
namespace {

/// The pieces of `text` as (their text, their first line).
std::vector<std::pair<std::string, int>> cut(std::string_view text) {
  std::vector<std::pair<std::string, int>> out;
  for (const YamlPiece& p : cut_yaml_stream(text))
    out.emplace_back(std::string(text.substr(p.begin, p.end - p.begin)), p.line);
  return out;
}

using Pieces = std::vector<std::pair<std::string, int>>;

TEST(YamlStream, OneDocumentWithoutMarkersIsOnePiece) {
  EXPECT_EQ(cut("a: 1\nb: 2\n"), (Pieces{{"a: 1\nb: 2\n", 0}}));
  EXPECT_EQ(cut("a: 1"), (Pieces{{"a: 1", 0}}));
}

TEST(YamlStream, NothingButCommentsIsNoPiece) {
  EXPECT_EQ(cut(""), Pieces{});
  EXPECT_EQ(cut("# only\n\n  # comments\n"), Pieces{});
}

TEST(YamlStream, StartMarkersCutAfterContent) {
  // Comments and directives before the first marker stay with the first document.
  EXPECT_EQ(cut("# head\n%YAML 1.2\n---\na: 1\n---\nb: 2\n"),
            (Pieces{{"# head\n%YAML 1.2\n---\na: 1\n", 0}, {"---\nb: 2\n", 4}}));
  // A marker alone is an empty document, and a marker may carry content.
  EXPECT_EQ(cut("---\n---\n--- |\n  text\n"),
            (Pieces{{"---\n", 0}, {"---\n", 1}, {"--- |\n  text\n", 2}}));
}

TEST(YamlStream, EndMarkersCloseTheDocument) {
  EXPECT_EQ(cut("a: 1\n...\nb: 2\n"), (Pieces{{"a: 1\n...\n", 0}, {"b: 2\n", 2}}));
  EXPECT_EQ(cut("a: 1\n...\n# trailer\n...\n"), (Pieces{{"a: 1\n...\n", 0}}));
}

TEST(YamlStream, OnlyWholeMarkersAtColumnZeroCut) {
  const std::string text = "a: |\n  ---\n  ...\nb: ----\n---x: 1\n...y\n";
  EXPECT_EQ(cut(text), (Pieces{{text, 0}}));
  EXPECT_EQ(cut("a: 1\r\n---\r\nb: 2\r\n"), (Pieces{{"a: 1\r\n", 0}, {"---\r\nb: 2\r\n", 1}}));
  EXPECT_EQ(cut("a: 1\n---\tb\n"), (Pieces{{"a: 1\n", 0}, {"---\tb\n", 1}}));
}

}  // namespace
}  // namespace haguard
