// No document at all: go-jsonnet 0.21 crashes ("index out of range"), haguard names the call.
std.parseYaml('')
