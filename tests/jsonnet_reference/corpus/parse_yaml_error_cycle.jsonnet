std.parseYaml('a: &x [1, *x]')
