// A function cannot be manifested: both engines fail.
std.manifestJsonEx({ f: function(x) x }, '  ')
