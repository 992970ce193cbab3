{ a: std.native('parseYaml')("~: 1") }
