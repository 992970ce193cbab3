// argocd-yaml-decode reads a manifest stream on stdin exactly as Argo CD reads a config-management
// plugin's stdout, in its two stages: argocd-cmp-server splits the stream into one JSON text per
// object (gitops-engine kube.SplitYAMLToString: apimachinery's YAMLOrJSONDecoder, which converts
// YAML documents to JSON), then the repo-server decodes each text again (kube.SplitYAML: the same
// decoder, then sigs.k8s.io/yaml into an Unstructured). It prints the objects as one JSON array,
// or exits 1 with Argo CD's error text on stderr when Argo CD would refuse the stream.
// With -first-stage-only it stops after the first stage and decodes each JSON text with
// encoding/json (as kubectl does): a check of the YAML text itself.
// Test tooling only: haguard itself stays C++.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// splitYAMLToString is argocd-cmp-server's split of the plugin's stdout.
func splitYAMLToString(data []byte) ([]string, error) {
	d := kubeyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []string
	for {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("failed to unmarshal manifest: %w", err)
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || bytes.Equal(ext.Raw, []byte("null")) {
			continue
		}
		objs = append(objs, string(ext.Raw))
	}
	return objs, nil
}

// splitYAML is the repo-server's decode of each text the cmp-server returned.
func splitYAML(data []byte) ([]*unstructured.Unstructured, error) {
	d := kubeyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("failed to unmarshal manifest: %w", err)
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || bytes.Equal(ext.Raw, []byte("null")) {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(ext.Raw, u); err != nil {
			return nil, fmt.Errorf("failed to unmarshal manifest: %w", err)
		}
		objs = append(objs, u)
	}
	return objs, nil
}

func main() {
	firstOnly := flag.Bool("first-stage-only", false, "decode the YAML stream once, as kubectl does")
	flag.Parse()
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	texts, err := splitYAMLToString(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-cmp-server:", err)
		os.Exit(1)
	}
	out := []map[string]interface{}{}
	for _, text := range texts {
		if *firstOnly {
			var obj map[string]interface{}
			if err := json.Unmarshal([]byte(text), &obj); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			out = append(out, obj)
			continue
		}
		objs, err := splitYAML([]byte(text))
		if err != nil {
			fmt.Fprintln(os.Stderr, "argocd-repo-server: failed to convert CMP manifests to unstructured objects:", err)
			os.Exit(1)
		}
		for _, u := range objs {
			out = append(out, u.Object)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
