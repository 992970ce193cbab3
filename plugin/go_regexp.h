#pragma once
// Go's regexp package over RE2 (Go's regexp implements RE2's syntax): what Tanka's regexMatch,
// regexSubst and escapeStringRegex call.

#include <string>
#include <string_view>

namespace haguard::plugin {

/// regexp.QuoteMeta: `s` with each of \.+*?()|[]{}^$ escaped by a backslash.
std::string go_quote_meta(std::string_view s);

/// regexp.MatchString(pattern, s): whether `pattern` matches anywhere in `s`; false with
/// `error` set when the pattern does not compile.
bool go_regex_match(std::string_view pattern, std::string_view s, bool& matched,
                    std::string& error);

/// regexp.MustCompile(pattern).ReplaceAllString(src, repl): each non-overlapping match replaced
/// by `repl` with $1, ${1}, $name, ${name} expanded and $$ as "$"; false with `error` set when
/// the pattern does not compile.
bool go_regex_replace_all(std::string_view pattern, std::string_view src, std::string_view repl,
                          std::string& out, std::string& error);

}  // namespace haguard::plugin
