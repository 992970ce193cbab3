// json.Unmarshal into interface{}: numbers as float64, the last duplicate key, escapes.
local p = std.native('parseJson');
{
  numbers: p('[0, -0, 1.5, 1e3, 12345678901234567890, 1E-400, -2.5e+2]'),
  dup: p('{"a": 1, "b": 2, "a": 3}'),
  escapes: p('"a\\u00e9\\ud83d\\ude00\\n\\t\\/\\"\\\\"'),
  lone: p('"\\ud800x"'),
  nested: p(' {"a": [true, false, null, {"b": []}], "c": {}} '),
  scalar: [p('true'), p('null'), p('"s"'), p('7')],
}
