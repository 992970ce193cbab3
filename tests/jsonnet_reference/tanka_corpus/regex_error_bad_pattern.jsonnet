{ a: std.native('regexMatch')('[0-', 'b') }
