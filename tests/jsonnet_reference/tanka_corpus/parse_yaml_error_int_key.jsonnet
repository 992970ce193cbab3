{ a: std.native('parseYaml')("1: a") }
