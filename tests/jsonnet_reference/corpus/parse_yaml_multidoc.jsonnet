// Multi-document input: with and without a leading ---, empty and comment-only documents.
{
  crds: std.parseYaml(importstr 'data/crds.yaml'),
  leading: std.parseYaml('---\na: 1\n---\nb: 2\n'),
  trailing_only: std.parseYaml('a: 1\n---\n'),
  empty_docs: std.parseYaml('---\n---\n# x\n---\na: 1'),
  separator_spaces: std.parseYaml('a: 1\n---   \nb: 2'),
  not_separator: std.parseYaml('a: "--- x"'),
  doc_start_content: std.parseYaml('--- |\n  text\n'),
  crlf: std.parseYaml('a: 1\r\nb: two\r\n---\r\nc: 3\r\n'),
}
