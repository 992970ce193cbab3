// Nesting past the parsers' bounds fails cleanly in both engines (no crash).
std.parseYaml(std.join('', ['['] * 20000) + std.join('', [']'] * 20000))
