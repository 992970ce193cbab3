// Tanka's nameFormat: a port of huandu/xstrings' camelCaseToLowerCase (sprig's snakecase) for
// ASCII, and a reader for the pipelines name formats are written in.

#include "plugin/helm_name_format.h"

#include <cctype>
#include <vector>

namespace haguard::plugin {
namespace {

enum class Word { kNone, kNumber, kUpper, kAlphabet, kConnector, kPunct, kOther };

bool is_connector(char c) { return c == '-' || c == '_' || std::isspace(static_cast<unsigned char>(c)); }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || is_upper(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_punct(char c) { return std::string_view("!\"#%&'()*,-./:;?@[\\]_{}").find(c) != std::string_view::npos; }

/// xstrings' nextWord: the type and length of the word at the front of `s`.
std::pair<Word, std::size_t> next_word(std::string_view s) {
  if (s.empty()) return {Word::kNone, 0};
  char c = s[0];
  std::size_t n = 1;
  auto run = [&](auto pred) {
    while (n < s.size() && pred(s[n])) ++n;
  };
  if (is_connector(c)) {
    run(is_connector);
    return {Word::kConnector, n};
  }
  if (is_punct(c)) {
    run(is_punct);
    return {Word::kPunct, n};
  }
  if (is_upper(c)) {
    if (n == s.size()) return {Word::kUpper, n};
    if (is_upper(s[n])) {
      run(is_upper);
      // "HTTPStatus" is "HTTP" and "Status": the last capital starts the next word.
      if (n < s.size() && is_alpha(s[n])) --n;
    } else if (is_alpha(s[n])) {
      run([](char x) { return is_alpha(x) && !is_upper(x); });
    }
    return {Word::kUpper, n};
  }
  if (is_alpha(c)) {
    run([](char x) { return is_alpha(x) && !is_upper(x); });
    return {Word::kAlphabet, n};
  }
  if (is_digit(c)) {
    run(is_digit);
    return {Word::kNumber, n};
  }
  run([](char x) { return !is_connector(x) && !is_alpha(x) && !is_digit(x) && !is_punct(x); });
  return {Word::kOther, n};
}

void to_lower(std::string& out, Word wt, std::string_view word, char connector) {
  if (wt != Word::kUpper && wt != Word::kConnector) {
    out.append(word);
    return;
  }
  for (char c : word)
    out += is_connector(c) ? connector : is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

struct Cursor {
  std::string_view rest;
  Word wt = Word::kNone;
  std::string_view word;
  void next() {
    auto [t, n] = next_word(rest);
    wt = t;
    word = rest.substr(0, n);
    rest.remove_prefix(n);
  }
};

// ---- the template reader ----

struct Token {
  enum Kind { kField, kString, kIdent, kPipe } kind;
  std::string text;
};

bool tokenize(std::string_view action, std::vector<Token>& tokens, std::string& error) {
  std::size_t i = 0;
  while (i < action.size()) {
    char c = action[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '|') {
      tokens.push_back({Token::kPipe, "|"});
      ++i;
    } else if (c == '"' || c == '`') {
      std::string s;
      std::size_t j = i + 1;
      for (; j < action.size() && action[j] != c; ++j) {
        if (c == '"' && action[j] == '\\' && j + 1 < action.size()) {
          char e = action[++j];
          s += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          s += action[j];
        }
      }
      if (j >= action.size()) {
        error = "unterminated string in {{" + std::string(action) + "}}";
        return false;
      }
      tokens.push_back({Token::kString, s});
      i = j + 1;
    } else if (c == '.' || std::isalpha(static_cast<unsigned char>(c))) {
      std::size_t j = i + 1;
      while (j < action.size() && (std::isalnum(static_cast<unsigned char>(action[j])) ||
                                   action[j] == '_' || action[j] == '.'))
        ++j;
      tokens.push_back({c == '.' ? Token::kField : Token::kIdent, std::string(action.substr(i, j - i))});
      i = j;
    } else {
      error = "'" + std::string(1, c) + "' in {{" + std::string(action) +
              "}} is not part of the template language haguard reads (field paths, \"strings\", "
              "functions and |)";
      return false;
    }
  }
  return true;
}

bool lookup(const YAML::Node& manifest, const std::string& path, std::string& out,
            std::string& error) {
  if (path == ".") {
    error = "{{ . }} is the whole manifest, not a name";
    return false;
  }
  // const Nodes: operator[] on a mutable one inserts, and `=` between Nodes assigns through.
  YAML::Node node;
  node.reset(manifest);
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t dot = path.find('.', pos);
    std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    const YAML::Node& here = node;
    if (!here.IsMap() || !here[key]) {
      error = "the manifest has no " + path;
      return false;
    }
    node.reset(here[key]);
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (!node.IsScalar()) {
    error = path + " is not a scalar";
    return false;
  }
  out = node.Scalar();
  return true;
}

bool call(const std::string& fn, const std::vector<std::string>& args, std::string& out,
          std::string& error) {
  auto one = [&]() {
    if (args.size() == 1) return true;
    error = fn + " takes one argument, got " + std::to_string(args.size());
    return false;
  };
  if (fn == "print") {
    out.clear();
    for (const auto& a : args) out += a;
    return true;
  }
  if (fn == "snakecase" || fn == "kebabcase") {
    if (!one()) return false;
    out = go_snake_case(args[0], fn == "snakecase" ? '_' : '-');
    return true;
  }
  if (fn == "lower" || fn == "upper") {
    if (!one()) return false;
    out = args[0];
    for (char& c : out) c = static_cast<char>(fn == "lower" ? std::tolower(c) : std::toupper(c));
    return true;
  }
  if (fn == "trim") {
    if (!one()) return false;
    std::size_t b = args[0].find_first_not_of(" \t\n\r\f\v");
    std::size_t e = args[0].find_last_not_of(" \t\n\r\f\v");
    out = b == std::string::npos ? "" : args[0].substr(b, e - b + 1);
    return true;
  }
  error = "the function '" + fn +
          "' is not one haguard evaluates in a name format (print, lower, upper, trim, snakecase, "
          "kebabcase)";
  return false;
}

bool evaluate_action(std::string_view action, const YAML::Node& manifest, std::string& out,
                     std::string& error) {
  std::vector<Token> tokens;
  if (!tokenize(action, tokens, error)) return false;
  bool have_piped = false;
  std::string piped;
  std::size_t i = 0;
  while (i <= tokens.size()) {
    std::size_t end = i;
    while (end < tokens.size() && tokens[end].kind != Token::kPipe) ++end;
    if (end == i) {
      error = "an empty command in {{" + std::string(action) + "}}";
      return false;
    }
    std::vector<std::string> args;
    std::size_t first = tokens[i].kind == Token::kIdent ? i + 1 : i;
    for (std::size_t k = first; k < end; ++k) {
      if (tokens[k].kind == Token::kIdent) {
        error = "'" + tokens[k].text + "' is an argument: call functions first in a command";
        return false;
      }
      std::string v = tokens[k].text;
      if (tokens[k].kind == Token::kField && !lookup(manifest, tokens[k].text, v, error)) return false;
      args.push_back(v);
    }
    if (have_piped) args.push_back(piped);
    if (tokens[i].kind == Token::kIdent) {
      if (!call(tokens[i].text, args, piped, error)) return false;
    } else if (args.size() == 1) {
      piped = args[0];
    } else {
      error = "{{" + std::string(action) + "}} gives several values without a function";
      return false;
    }
    have_piped = true;
    i = end + 1;
  }
  out += piped;
  return true;
}

}  // namespace

std::string go_snake_case(std::string_view text, char connector) {
  std::string out;
  if (text.empty()) return out;
  Cursor c{text, Word::kNone, {}};
  c.next();
  while (!c.rest.empty()) {
    if (c.wt != Word::kConnector) to_lower(out, c.wt, c.word, connector);
    Word prev = c.wt;
    std::string_view last = c.word;
    c.next();
    switch (prev) {
      case Word::kNumber:
        while (c.wt == Word::kAlphabet || c.wt == Word::kNumber) {
          to_lower(out, c.wt, c.word, connector);
          c.next();
        }
        if (c.wt != Word::kNone && c.wt != Word::kPunct && c.wt != Word::kConnector) out += connector;
        break;
      case Word::kConnector:
        to_lower(out, prev, last, connector);
        break;
      case Word::kPunct:
        break;
      default: {
        if (c.wt != Word::kNumber) {
          if (c.wt != Word::kConnector && c.wt != Word::kPunct) out += connector;
          break;
        }
        if (c.rest.empty()) break;
        std::string_view number = c.word;
        c.next();
        // A number is part of the word before it ("Bld4Floor" is "bld4_floor") unless lower
        // case letters follow it ("HTTP2xx" is "http_2xx").
        if (c.wt != Word::kAlphabet) {
          to_lower(out, Word::kNumber, number, connector);
          if (c.wt != Word::kConnector && c.wt != Word::kPunct) out += connector;
          break;
        }
        out += connector;
        to_lower(out, Word::kNumber, number, connector);
        while (c.wt == Word::kAlphabet || c.wt == Word::kNumber) {
          to_lower(out, c.wt, c.word, connector);
          c.next();
        }
        if (c.wt != Word::kNone && c.wt != Word::kConnector && c.wt != Word::kPunct) out += connector;
      }
    }
  }
  to_lower(out, c.wt, c.word, connector);
  return out;
}

bool format_manifest_name(std::string_view format, const YAML::Node& manifest, std::string& out,
                          std::string& error) {
  out.clear();
  std::size_t pos = 0;
  while (pos < format.size()) {
    std::size_t open = format.find("{{", pos);
    std::string_view text = format.substr(pos, open == std::string_view::npos ? open : open - pos);
    if (open == std::string_view::npos) {
      out.append(text);
      break;
    }
    std::size_t close = format.find("}}", open + 2);
    if (close == std::string_view::npos) {
      error = "an action opened with {{ is not closed";
      return false;
    }
    std::string_view action = format.substr(open + 2, close - open - 2);
    bool trim_left = !action.empty() && action.front() == '-';
    bool trim_right = !action.empty() && action.back() == '-';
    if (trim_left) {
      action.remove_prefix(1);
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    }
    if (trim_right) action.remove_suffix(1);
    out.append(text);
    if (!evaluate_action(action, manifest, out, error)) return false;
    pos = close + 2;
    if (trim_right)
      while (pos < format.size() && std::isspace(static_cast<unsigned char>(format[pos]))) ++pos;
  }
  return true;
}

}  // namespace haguard::plugin
