std.parseYaml('a: .inf')
