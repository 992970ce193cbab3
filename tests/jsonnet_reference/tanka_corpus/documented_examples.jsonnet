// The examples of Tanka's docs (docs/src/content/docs/jsonnet/native.md) and its funcs_test.go.
{
  sum: std.native('sha256')('Hello, World!'),
  sumFoo: std.native('sha256')('foo'),
  array: std.native('parseJson')('[0, 1, 2]'),
  object: std.native('parseJson')('{ "foo": "bar" }'),
  empty: std.native('parseJson')('{}'),
  yaml: std.native('parseYaml')(|||
    ---
    foo: bar
    ---
    bar: baz
  |||),
  yamlEmpty: std.native('parseYaml')(''),
  yamlOne: std.native('parseYaml')('a: 47'),
  indentWithEightSpaces: std.native('manifestJsonFromJson')('{ "foo": { "bar": "baz" } }', 8),
  reindent: std.native('manifestJsonFromJson')('{ "a": 47}', 4),
  emptyJson: std.native('manifestJsonFromJson')('{}', 4),
  manifested: std.native('manifestYamlFromJson')('{ "foo": { "bar": "baz" } }'),
  list: std.native('manifestYamlFromJson')('{ "list": ["a", "b", "c"]}'),
  emptyYaml: std.native('manifestYamlFromJson')('{}'),
  escaped: std.native('escapeStringRegex')('"([0-9]+"'),
  escaped2: std.native('escapeStringRegex')('([0-9]+).*\\s'),
  escapedEmpty: std.native('escapeStringRegex')(''),
  matched: std.native('regexMatch')('.', 'a'),
  matchedEmpty: std.native('regexMatch')('', 'a'),
  notMatched: std.native('regexMatch')('a', 'b'),
  substituted: std.native('regexSubst')('p[^m]*', 'pm', 'poe'),
  unchanged: std.native('regexSubst')('a', 'b', 'c'),
}
