std.parseYaml('~: 1')
