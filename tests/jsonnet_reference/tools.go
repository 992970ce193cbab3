//go:build tools

// Pins go-jsonnet's command in go.mod so `go build github.com/google/go-jsonnet/cmd/jsonnet`
// builds the version recorded here.
package tools

import _ "github.com/google/go-jsonnet/cmd/jsonnet"
