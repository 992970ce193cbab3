// tanka-jsonnet: go-jsonnet's VM with Tanka's native functions (funcs.go), the reference for
// haguard's std.native implementations. Usage: tanka-jsonnet FILE; prints the JSON or the error.
package main

import (
	"fmt"
	"os"

	jsonnet "github.com/google/go-jsonnet"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tanka-jsonnet FILE")
		os.Exit(2)
	}
	vm := jsonnet.MakeVM()
	for _, f := range Funcs() {
		vm.NativeFunction(f)
	}
	out, err := vm.EvaluateFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(out)
}
