// Follows Go's regexp.go: QuoteMeta's character set, replaceAll's walk (an empty match right
// after a match is not replaced; the search always advances one character) and expand/extract
// for the template. RE2 compiles and matches; its own Rewrite (\1 only) is not Go's template.

#include "plugin/go_regexp.h"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <vector>

namespace haguard::plugin {
namespace {

/// Go (1.22 on) also names a group with `(?<name>`, which Debian's RE2 (2022-06) reads only as
/// `(?P<name>`: rewrite it, outside escapes and character classes.
std::string with_p_names(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out.append(pattern.substr(i, 2));
      ++i;
      continue;
    }
    if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      out.push_back(c);
      // A ']' first in the class (after an optional '^') is a literal.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out.push_back(pattern[++i]);
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out.push_back(pattern[++i]);
      continue;
    } else if (pattern.substr(i, 3) == "(?<" && i + 3 < pattern.size() && pattern[i + 3] != '=' &&
               pattern[i + 3] != '!') {
      out.append("(?P<");
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::unique_ptr<RE2> compile(std::string_view pattern, std::string& error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(with_p_names(pattern), options);
  if (!re->ok()) {
    error = "error parsing regexp: " + re->error();
    return nullptr;
  }
  return re;
}

/// Byte length of the UTF-8 sequence starting at s[i] (1 for a malformed byte), as
/// utf8.DecodeRuneInString advances.
std::size_t rune_width(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t w = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + w > s.size()) return 1;
  for (std::size_t k = 1; k < w; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return w;
}

/// Go's extract: a group name after '$' (letters, digits, '_'; Unicode classes as Go's
/// unicode.IsLetter/IsDigit), optionally in braces. Returns false when there is none.
bool extract(std::string_view t, std::string_view& name, std::size_t& used) {
  static const RE2 kName(R"(^(\{?)([\p{L}\p{Nd}_]*))");
  re2::StringPiece brace, word;
  if (!RE2::PartialMatch(re2::StringPiece(t.data(), t.size()), kName, &brace, &word) ||
      word.empty())
    return false;
  used = brace.size() + word.size();
  if (!brace.empty()) {
    if (used >= t.size() || t[used] != '}') return false;
    ++used;
  }
  name = std::string_view(word.data(), word.size());
  return true;
}

void expand(const RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& groups,
            std::string& out) {
  while (!tmpl.empty()) {
    std::size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    std::size_t used = 0;
    if (!extract(tmpl, name, used)) {
      out.push_back('$');  // malformed: the '$' stays as text
      continue;
    }
    tmpl.remove_prefix(used);
    // A number with no leading zero, below 1e8, names a group by index; anything else by name.
    long num = name.size() > 1 && name[0] == '0' ? -1 : 0;
    for (char c : name) {
      if (num < 0) break;
      num = c < '0' || c > '9' || num >= 100000000 ? -1 : num * 10 + (c - '0');
    }
    if (num < 0) {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      num = it == names.end() ? -1 : it->second;
    }
    if (num >= 0 && static_cast<std::size_t>(num) < groups.size() && groups[num].data() != nullptr)
      out.append(groups[num].data(), groups[num].size());
  }
  out.append(tmpl);
}

}  // namespace

std::string go_quote_meta(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\.+*?()|[]{}^$";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (kSpecial.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool go_regex_match(std::string_view pattern, std::string_view s, bool& matched,
                    std::string& error) {
  auto re = compile(pattern, error);
  if (!re) return false;
  matched = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
  return true;
}

bool go_regex_replace_all(std::string_view pattern, std::string_view src, std::string_view repl,
                          std::string& out, std::string& error) {
  auto re = compile(pattern, error);
  if (!re) return false;
  re2::StringPiece text(src.data(), src.size());
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re->NumberOfCapturingGroups()) + 1);
  out.clear();
  std::size_t last_end = 0, pos = 0;
  while (pos <= src.size()) {
    if (!re->Match(text, pos, src.size(), RE2::UNANCHORED, groups.data(),
                   static_cast<int>(groups.size())))
      break;
    std::size_t begin = static_cast<std::size_t>(groups[0].data() - src.data());
    std::size_t end = begin + groups[0].size();
    out.append(src.substr(last_end, begin - last_end));
    // An empty match right after the previous match is not replaced (Go's rule).
    if (end > last_end || begin == 0) expand(*re, repl, groups, out);
    last_end = end;
    std::size_t width = pos < src.size() ? rune_width(src, pos) : 0;
    pos = pos + width > end ? pos + width : pos + 1 > end ? pos + 1 : end;
  }
  out.append(src.substr(last_end));
  return true;
}

}  // namespace haguard::plugin
