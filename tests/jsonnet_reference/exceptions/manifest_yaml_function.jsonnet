// haguard-error: couldn't manifest function
// go-jsonnet writes `"f": ` with no value (YAML that reads back as null); haguard refuses it.
std.manifestYamlDoc({ f: function(x) x, g: 1 })
