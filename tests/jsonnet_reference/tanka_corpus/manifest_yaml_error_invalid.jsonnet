{ a: std.native('manifestYamlFromJson')('{"a": }') }
