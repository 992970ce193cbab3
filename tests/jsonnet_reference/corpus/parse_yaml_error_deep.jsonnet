// Nesting past the parsers' bounds fails cleanly in both engines (no crash).
std.parseYaml(std.repeat('[', 20000) + std.repeat(']', 20000))
