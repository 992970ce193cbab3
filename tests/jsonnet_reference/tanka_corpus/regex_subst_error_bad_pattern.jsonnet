{ a: std.native('regexSubst')('p[^m*', 'pm', 'poe') }
