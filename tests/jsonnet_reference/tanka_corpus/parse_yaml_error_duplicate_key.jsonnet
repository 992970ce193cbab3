{ a: std.native('parseYaml')("a: 1\na: 2") }
