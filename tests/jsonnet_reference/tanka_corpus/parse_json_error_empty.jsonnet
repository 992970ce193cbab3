{ a: std.native('parseJson')('') }
