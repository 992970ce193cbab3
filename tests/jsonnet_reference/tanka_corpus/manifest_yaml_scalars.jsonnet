// yaml.v3 quoting, key order and number forms, as manifestYamlFromJson writes them.
local f = std.native('manifestYamlFromJson');
local c = [
  {a: 'x\ny', s: ['x\ny', ['a', 'b'], {k: 'v', l: {m: 1}}, [], {}, [[1]], ' lead\nx', 'x\n', 'x\n\n', ''], m: {}, e: [], n: null, t: true},
  'x\ny', ['a', {b: ['c']}], 'plain', 12.5, [{a: [{b: 1}]}],
  {'k\nl': 1, [std.repeat('x', 130)]: 2, ' sp': 3, '- d': 4, 'a: b': 5, '#c': 6, 'a #b': 7, '~': 8, 'null': 9, '1.5': 10, '0x1F': 11, 'on': 12, '1:20': 13, "it's": 14, 'a\tb': 15, 'é': 16, '😀': 17, 'a\u0001': 18, 'trail ': 19, '-': 20, '---': 21, '': 22, '@x': 23, 'a,b': 24, '[x': 25, 'x]': 26, '? q': 27, '?q': 28, ':q': 29, 'q:': 30, '*a': 31, '!t': 32, '%p': 33, '`b': 34, '"q': 35, "'q": 36, 'x\r': 37, '1e3': 38, '.5': 39, '+1': 40, '0o17': 41, '0b1': 42, '2001-12-14': 43, '.inf': 44, 'Yes': 45, 'True': 46, 'NULL': 47, '<<': 48, '=': 49, '1_000': 50, '1e400': 51, '1e-400': 52, '2001-02-29': 53, '2004-02-29 1:2:3': 54},
  {n: [0, -0, 1e21, 1e20, 123456789, 1e6, 100000, 0.0001, 0.00001, 1.5e-7, 3.14159, -2, 1e308, 5e-324, 4294967296]},
  ' x\n y\n', 'x \ny', 'x\n y', 'a\u2028b', 'tab\there\nx', '\ufeffbom',
];
[f(std.manifestJsonEx(v, '')) for v in c]
