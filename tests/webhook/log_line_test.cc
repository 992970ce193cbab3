// LogLine writes the admission line's fields as JSON by hand: it must read back as the JSON
// nlohmann would have written for the same fields, whatever the strings hold.
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "webhook/log.h"
#include "webhook/text.h"

namespace haguard::webhook {
namespace {

using nlohmann::json;

json read_back(const LogLine& line) {
  // text() is ,"k":v,... : the rest of an object.
  std::string text = line.text();
  EXPECT_FALSE(text.empty());
  if (text.empty()) return json();
  text.front() = '{';
  return json::parse(text + "}");
}

std::string nlohmann_string(std::string_view s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(LogLine, EveryKindOfField) {
  LogLine line;
  line.str("uid", "705ab4f5-6393-11e8-b7cc-42010a800002")
      .str("empty", "")
      .flag("dry_run", true)
      .flag("other", false)
      .number("duration_ms", 0.123456789)
      .number("whole", 3.0)
      .number("tiny", 1e-7)
      .number("nan", std::nan(""))
      .list("fixed", {"min-replicas", "probes"})
      .list("none", {});
  json got = read_back(line);
  EXPECT_EQ(got, json::parse(R"({"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","empty":"",
      "dry_run":true,"other":false,"duration_ms":0.123456789,"whole":3.0,"tiny":1e-7,"nan":null,
      "fixed":["min-replicas","probes"],"none":[]})"));
  EXPECT_EQ(got["duration_ms"].get<double>(), 0.123456789);  // exactly: shortest round-trip text
  // Insertion order is kept (the line reads in the order the handler wrote it).
  EXPECT_LT(line.text().find("\"uid\""), line.text().find("\"dry_run\""));
}

TEST(LogLine, StringsNeedingEscapesAreWrittenAsNlohmannWrites) {
  const std::vector<std::string> cases = {
      "quote \" here",      "back\\slash",
      "new\nline\ttab\r",   std::string("nul\0byte", 8),
      "\x01\x1f\x7f",       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "bad \xff\xfe utf-8", "cut \xe2\x82",
      "</script>",          "\xed\xa0\x80 surrogate"};
  for (const std::string& s : cases) {
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out, nlohmann_string(s)) << s;
    LogLine line;
    line.str("user", s).list("rules", {s, "plain"});
    json got = read_back(line);
    EXPECT_EQ(got["user"], json::parse(nlohmann_string(s))) << s;
    EXPECT_EQ(got["rules"][0], got["user"]);
  }
}

TEST(LogLine, RandomBytesMatchNlohmann) {
  std::mt19937 rng(20261126);
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255), pick(0, 3);
  for (int i = 0; i < 20000; ++i) {
    std::string s(static_cast<std::size_t>(len(rng)), ' ');
    for (char& c : s) {
      // Mostly printable ASCII, sometimes anything: both paths of append_json_string.
      c = static_cast<char>(pick(rng) == 0 ? byte(rng) : 0x20 + byte(rng) % 0x5f);
    }
    std::string out;
    append_json_string(out, s);
    ASSERT_EQ(out, nlohmann_string(s)) << "case " << i;
  }
}

}  // namespace
}  // namespace haguard::webhook
