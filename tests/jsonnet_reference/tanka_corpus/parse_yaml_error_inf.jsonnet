{ a: std.native('parseYaml')("a: .inf") }
