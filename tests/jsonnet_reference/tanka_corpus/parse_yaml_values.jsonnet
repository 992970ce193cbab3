// Tanka's parseYaml: yaml.v3 reads the stream (an array of its documents), encoding/json
// converts: YAML 1.2 booleans only, timestamps as RFC 3339 times, a map's own keys over merged ones.
local p = std.native('parseYaml');
{
  stream: p('a: 1\n---\nb: [x, z]\n---\n- 1\n- two\n'),
  scalars: p('a: 1.5\nb: "1.10"\nc: null\nd: ~\ne: true\nf: 012\ng: 0x1F\ni: "8080"\nj: 0o17\nk: 1_000\n'),
  oldBooleans: p('x: yes\ny: on\nz: True\nn: N\no: off\n'),
  times: p('a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: 2001-12-14t21:59:43.123456789123-05:00\n' +
           'd: 2002-1-2T3:4:5+00:00\ne: "2001-12-14"\nf: 2001-02-30\ng: 2001-12-14T21:59:43\n'),
  tags: p('a: !!str 1\nb: !!float 1\n'),
  literal: p('a: |\n  x\n  y\nb: >-\n  folded\n  text\n'),
  anchors: p('base: &b {x: 1}\nuse: *b\n'),
  merges: p('a: 1\n<<: {a: 2, b: 3}\nc: 4\n---\n<<: [{a: 1}, {a: 2, b: 2}]\nb: 5\n'),
  big: p('a: 12345678901234567890\nb: 1e400\nc: 1e-400\nd: -0.0\n'),
  leading: p('---\na: 1\n'),
  trailing: p('a: 1\n---\n'),
  empties: [p(''), p('# only a comment\n'), p('---'), p('---\n---\n')],
}
