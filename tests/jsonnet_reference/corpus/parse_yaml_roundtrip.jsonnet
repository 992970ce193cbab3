// What manifestYamlDoc writes, parseYaml reads back to the same value.
local v = {
  s: 'multi\nline\n', n: [0.1, 1e30, -0.0, 3], b: true, z: null, e: {}, a: [],
  k: { yes: 'on', '1.5': 'x', 'a b': 'c: d', '#': '- x', '': 'empty key' },
};
{
  doc: std.parseYaml(std.manifestYamlDoc(v)) == v,
  bare: std.parseYaml(std.manifestYamlDoc(v, quote_keys=false)) == v,
  stream: std.parseYaml(std.manifestYamlStream([v, v])) == [v, v],
  value: std.parseYaml(std.manifestYamlDoc(v, quote_keys=false)),
}
