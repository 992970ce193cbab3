{ a: std.native('parseJson')('[1e400]') }
