{ a: std.native('parseYaml')("? [a]\n: 1") }
