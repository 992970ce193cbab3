// haguard-error: `importbin` is jsonnet 0.20 syntax; haguard evaluates with Debian's libjsonnet v0.18.0
{ bytes: importbin 'data.bin' }
