# Sourced by the plugin benches from the repository root: builds the Release `haguard` (no tests,
# with benches) in $HAGUARD_BENCH_BUILD (default build-bench) and sets root, build and haguard.
root=$PWD
build=${HAGUARD_BENCH_BUILD:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHAGUARD_BUILD_TESTS=OFF \
  -DHAGUARD_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target haguard >/dev/null
haguard=$root/$build/plugin/haguard
