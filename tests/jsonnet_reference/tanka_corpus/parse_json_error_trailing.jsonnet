{ a: std.native('parseJson')('{} {}') }
