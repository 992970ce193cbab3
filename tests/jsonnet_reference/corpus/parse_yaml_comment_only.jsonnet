// Comment-only and blank inputs, as empty values files are.
{
  comment: std.parseYaml('# nothing here\n'),
  blank_lines: std.parseYaml('\n\n'),
  just_separator: std.parseYaml('---\n'),
  null_word: std.parseYaml('null'),
  scalar_doc: std.parseYaml('hello'),
  list_doc: std.parseYaml('- a\n- b'),
}
