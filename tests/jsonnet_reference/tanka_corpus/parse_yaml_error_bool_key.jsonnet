{ a: std.native('parseYaml')("true: 1") }
