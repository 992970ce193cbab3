// Alias expansion is bounded, as go-yaml bounds it.
local l = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
  '%s: &%s [%s]' % [std.char(98 + i), std.char(98 + i), std.join(',', ['*' + std.char(97 + i)] * 9)]
  for i in std.range(0, 7)
];
std.length(std.parseYaml(std.join('\n', l)))
