// Go's regexp (RE2 syntax): unanchored matching, ReplaceAllString's $-templates and empty matches.
local m = std.native('regexMatch'), s = std.native('regexSubst');
{
  match: [m('^a+$', 'aaa'), m('b', 'abc'), m('(?i)ABC', 'xabcx'), m('\\d{3}', 'ab12'),
          m('^\\p{Greek}+$', 'αβγ'), m('a.c', 'a\nc'), m('(?s)a.c', 'a\nc'), m('\\bfoo\\b', 'a foo b')],
  subst: [
    s('(\\w+)@(\\w+)', 'me@host you@there', '$2 at $1'),
    s('(\\w+)@(\\w+)', 'me@host', '${2}x $1x $$ $ $9 ${x'),
    s('(?P<user>\\w+)@(?P<host>\\w+)', 'me@host', '$host/$user ${user}1'),
    s('a*', 'baaac', '-'),
    s('', 'abc', '-'),
    s('x*', 'αβ', '.'),
    s('^', 'line', '> '),
    s('$', 'line', ';'),
    s('(a)|b', 'ab', '[$1]'),
    s('\\.', 'grafana.example.com', '-'),
    s(std.native('escapeStringRegex')('a.b*c'), 'a.b*c and abbc', 'X'),
    s('(\\d+)', 'v1.22.3', '<$10>'),
    s('(\\d+)', 'v1.22.3', '<${1}0>'),
    s('(?<user>\\w+)@(?<host>\\w+)', 'me@host', '$host/$user'),
    s('\\(?<a>', '(<a> <a>', '.'),
    s('[(?<]+', 'x(?<y', '_'),
    s('[]a]', ']a', '-'),
  ],
}
