// Tanka's parseYaml: always an array of the documents. (Cases where yaml.v3, Tanka's reader,
// differs from go-yaml v2, haguard's: see the report of this change; not yet covered.)
local p = std.native('parseYaml');
{
  stream: p('a: 1\n---\nb: [x, z]\n---\n- 1\n- two\n'),
  scalars: p('a: 1.5\nb: "1.10"\nc: null\nd: ~\ne: true\ng: 0x1F\ni: "8080"\n'),
  literal: p('a: |\n  x\n  y\nb: >-\n  folded\n  text\n'),
  anchors: p('base: &b {x: 1}\nuse: *b\n'),
  leading: p('---\na: 1\n'),
}
