// Non-string keys become strings as sigs.k8s.io/yaml writes them.
{
  ints: std.parseYaml('{1: a, 010: b, 0x10: c, -3: d}'),
  floats: std.parseYaml('{1.5: a, 1e6: b, 0.00001: c, 100000.0: d, 1.23456789: e, 0.1: f, -2.5: g, 1e300: h, -1e300: i}'),
  bools: std.parseYaml('{yes: a, no: b, on: c, true: d}'),
  strings: std.parseYaml('{"1": a, "yes": b, "~": c}'),
  dup: std.parseYaml('{a: 1, a: 2}'),
  merge_order: std.parseYaml('base: &b {x: 1, y: 1}\nm: {x: 0, <<: *b, y: 2}'),
  merge_list: std.parseYaml('a: &a {x: a}\nb: &b {x: b, z: b}\nm: {<<: [*a, *b]}'),
}
