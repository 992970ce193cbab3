#include "webhook/text.h"

#include <gtest/gtest.h>

namespace haguard::webhook {
namespace {

TEST(SanitizeWarning, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(sanitize_warning("a\tb\nc\x7f" "d\r\n"), "a b c d");
  EXPECT_TRUE(is_valid_warning(sanitize_warning("x\x01y\x1bz")));
}

TEST(SanitizeWarning, C1ControlsAndBadUtf8) {
  EXPECT_EQ(sanitize_warning("a\xC2\x85" "b"), "a b");     // U+0085 NEL
  EXPECT_EQ(sanitize_warning("a\xFF" "b"), "a?b");
  EXPECT_EQ(sanitize_warning("a\xE2\x82"), "a??");         // truncated sequence
  EXPECT_TRUE(is_valid_warning(sanitize_warning("caf\xC3\xA9")));
}

TEST(SanitizeWarning, LongTextIsCutAtACharacterBoundary) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "\xC3\xA9";  // 200 bytes of é
  std::string w = sanitize_warning(s);
  EXPECT_LE(w.size(), kMaxWarningBytes);
  EXPECT_TRUE(is_valid_warning(w));
  EXPECT_EQ(w.substr(w.size() - 3), "...");
  EXPECT_EQ(sanitize_warning(std::string(120, 'x')), std::string(120, 'x'));
  EXPECT_EQ(sanitize_warning(std::string(121, 'x')).size(), 120u);
}

TEST(AuditKey, SlashesAndLengthAreRemoved) {
  EXPECT_EQ(sanitize_audit_key("exempted-min-replicas"), "exempted-min-replicas");
  EXPECT_EQ(sanitize_audit_key("haguard.dalp.io/exempt"), "haguard.dalp.io-exempt");
  EXPECT_EQ(sanitize_audit_key("-Audit Probes-"), "audit-probes");
  std::string k = sanitize_audit_key(std::string(100, 'a'));
  EXPECT_EQ(k.size(), 63u);
  EXPECT_TRUE(is_valid_audit_key(k));
  EXPECT_FALSE(is_valid_audit_key("a/b"));
  EXPECT_EQ(sanitize_audit_key("///"), "");
}

TEST(Dns1123, Labels) {
  EXPECT_TRUE(is_dns1123_label("production"));
  EXPECT_TRUE(is_dns1123_label("eu-west-1"));
  EXPECT_FALSE(is_dns1123_label("Prod"));
  EXPECT_FALSE(is_dns1123_label("-x"));
  EXPECT_FALSE(is_dns1123_label(""));
  EXPECT_FALSE(is_dns1123_label(std::string(64, 'a')));
}

TEST(Base64, RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "[{\"op\":\"add\"}]"}) {
    auto back = base64_decode(base64_encode(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64_encode("abc"), "YWJj");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_FALSE(base64_decode("a$b"));
}

TEST(Base64, EveryByteRoundTrips) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string s = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(s)), s) << n;
  }
}

TEST(Base64, DecodesAsGoStdEncoding) {
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_EQ(base64_decode("YWI="), "ab");
  EXPECT_EQ(base64_decode(" YW\nJj\r\n"), "abc");  // kubeconfig data wrapped over lines
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_FALSE(base64_decode("YWI"));    // padding is required
  EXPECT_FALSE(base64_decode("YW=I"));   // '=' only at the end
  EXPECT_FALSE(base64_decode("YQ=a"));
  EXPECT_FALSE(base64_decode("Y==="));   // at most two
  EXPECT_FALSE(base64_decode("===="));
  EXPECT_FALSE(base64_decode("YWJ\x80"));
}

}  // namespace
}  // namespace haguard::webhook
