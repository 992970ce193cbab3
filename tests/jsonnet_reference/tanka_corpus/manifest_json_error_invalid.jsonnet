{ a: std.native('manifestJsonFromJson')('', 4) }
