// std.manifestJsonEx and friends: numbers, strings and layout as go-jsonnet writes them.
local v = {
  numbers: [0, 1, -1, 0.1, 1.5, 1e30, 1e-7, 123456789.125, -0.0, 1 / 3, 2e21, 9007199254740993],
  strings: ['', 'plain', 'quote " back \\ slash', 'nl\ncr\rtab\t', 'bell\u0007 del\u007f c1\u0085',
            'b\bf\f', 'caf\u00e9 \ud83d\ude00', 'ls\u2028ps\u2029', '<html> & friends'],
  empty: { arr: [], obj: {} },
  nested: { a: [{ b: [[]] }, { c: {} }], 'key with space': true, '': null, 'é': false },
  hidden:: 'not shown',
};
{
  ex: std.manifestJsonEx(v, '  '),
  ex_tabs: std.manifestJsonEx(v, '\t', '\r\n', ' => '),
  ex_flat: std.manifestJsonEx(v, '', ' ', ':'),
  json: std.manifestJson(v),
  minified: std.manifestJsonMinified(v),
  scalar_string: std.manifestJsonEx('just a string', '  '),
  scalar_number: std.manifestJsonEx(0.1, '  '),
  scalar_null: std.manifestJsonEx(null, '  '),
  array_top: std.manifestJsonEx([1, [2, 3]], '    '),
}
