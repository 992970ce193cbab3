std.parseYaml('a: [1, 2')
