// The reference engine for the differential tests: go-jsonnet's `jsonnet` command, the engine of
// Argo CD's built-in jsonnet and of Tanka. Test tooling only; never linked into haguard.
module haguard.dalp.io/tests/jsonnet_reference

go 1.24

require (
	github.com/google/go-jsonnet v0.21.0
	github.com/pkg/errors v0.9.1
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/fatih/color v1.18.0 // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	golang.org/x/crypto v0.36.0 // indirect
	golang.org/x/sys v0.31.0 // indirect
	sigs.k8s.io/yaml v1.4.0 // indirect
)
