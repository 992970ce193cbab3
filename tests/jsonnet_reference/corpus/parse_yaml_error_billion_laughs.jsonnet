// Alias expansion is bounded, as go-yaml bounds it (9^9 strings otherwise).
local name(i) = std.char(97 + i);
local lines = ['a: &a [' + std.join(',', std.makeArray(9, function(_) '"lol"')) + ']'] + [
  name(i) + ': &' + name(i) + ' [' + std.join(',', std.makeArray(9, function(_) '*' + name(i - 1))) + ']'
  for i in std.range(1, 8)
];
std.length(std.parseYaml(std.join('\n', lines)))
