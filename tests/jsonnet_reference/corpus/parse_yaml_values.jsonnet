// A values file read as Helm-style charts and Tanka libraries read theirs.
local v = std.parseYaml(importstr 'data/values.yaml');
{
  values: v,
  image: '%s:%s' % [v.image.repository, v.image.tag],
  port_type: std.type(v.port),
}
