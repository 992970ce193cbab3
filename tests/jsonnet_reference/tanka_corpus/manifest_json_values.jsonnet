// json.Indent keeps every token as written and only re-spaces.
local f = std.native('manifestJsonFromJson');
[
  f('{"b":1,"a":[1,2,{"c":"d"}],"e":[],"f":{ },"g":1.50e3,"h":"\\u00e9"}', 2),
  f('  [ 1 , [ ] ]  ', 0),
  f('"x"', 3),
  f('{"a":{"b":{"c":[null,true]}}}', 4.9),
]
