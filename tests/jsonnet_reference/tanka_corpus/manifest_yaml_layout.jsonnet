// yaml.v3 indentation: blocks in sequences in mappings, literal blocks, complex keys.
local f = std.native('manifestYamlFromJson');
local c = [
  [{a: 'x\ny', b: {c: 'x\ny', d: [{e: 'p\nq', f: {g: 1}}]}}],
  [[{k: 'v', l: {m: [1, 'x\ny']}}, 'x\ny', [[{z: 1}]]]],
  {a: [[{b: {c: 1}}]]},
  {'<<': 1, '=': 2, '-1': 3, '- ': 4, 'a:': 5, ' ': 6, 'a\u0085': 7, 'x: ': 8},
  ['x\n', '\n', '\nx', 'x\n\n\n', 'a  \nb', 'a\n\nb'],
  {a: {'k\nl': {m: 1}, 'x': [{'p\nq': 2}]}},
];
[f(std.manifestJsonEx(v, '')) for v in c]
