{ a: std.native('parseJson')('{"a": 1,}') }
