// std.manifestYamlDoc and manifestYamlStream as go-jsonnet writes them.
local v = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', labels: { 'app.kubernetes.io/name': 'x' }, annotations: {} },
  data: {
    'script.sh': '#!/bin/sh\necho hi\n\nexit 0\n',
    'one-line': 'no newline',
    'two-lines': 'a\nb',
    'trailing-blank': 'a\n\n',
    'just-newline': '\n',
    empty: '',
    'c1 control': 'x\u0085y\u009f',
  },
  numbers: [0.1, 1e30, -0.0, 3, 1 / 3],
  lists: [[], [1, [2, []]], {}, { a: [] }, { b: [1] }, [{ c: 1, d: [2] }]],
  keys: {
    yes: 1, no: 2, on: 3, Off: 4, y: 5, NULL: 6, '-': 7, '---': 8, '1.5': 9, '12': 10,
    '2001-01-01': 11, '0x1f': 12, a0x9: 13, '0b101': 14, 'a/b.c_d-e': 15, 'with space': 16,
    '1e5': 17, inf: 18, 'Infinity': 19, nan: 20, '.5': 21, '1_000': 22, '-1': 23, 'é': 24,
    '': 25, '1e400': 26, 'plain_key': 27,
  },
  nulls: null,
  bools: [true, false],
};
{
  doc: std.manifestYamlDoc(v),
  doc_bare: std.manifestYamlDoc(v, quote_keys=false),
  doc_indent: std.manifestYamlDoc(v, indent_array_in_object=true, quote_keys=false),
  scalar: std.manifestYamlDoc('multi\nline\n'),
  top_list: std.manifestYamlDoc([1, [2, 3], { a: 1 }, []]),
  empty_obj: std.manifestYamlDoc({}),
  stream: std.manifestYamlStream([v, { b: 1 }, 'text', []]),
  stream_no_end: std.manifestYamlStream([{ a: 1 }], c_document_end=false, quote_keys=false),
  stream_empty: std.manifestYamlStream([]),
}
