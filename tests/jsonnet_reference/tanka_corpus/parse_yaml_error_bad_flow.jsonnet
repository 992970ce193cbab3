{ a: std.native('parseYaml')("a: [1, 2\nb: 3") }
