{ a: std.native('parseYaml')("'x") }
