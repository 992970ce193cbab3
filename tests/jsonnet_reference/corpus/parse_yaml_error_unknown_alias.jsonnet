std.parseYaml('a: *nope')
