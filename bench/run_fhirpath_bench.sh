#!/usr/bin/env bash
# FHIRPath evaluation: hidewire (Release build) side by side with the npm package fhirpath
# (fhirpath.js) 5.2.2 run by this machine's Node.js, on the same (resource, expression) pairs:
# R4's invariants for each official example plus routing-style expressions.
# Usage: bench/run_fhirpath_bench.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs=${1:-3}
data="$root/tests/data/fhir-r4-examples"
build="${BUILD_DIR:-$root/build-release}"
out="$(mktemp -d)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIDEWIRE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_fhirpath >/dev/null
(cd "$root/bench/node" && npm ci --no-audit --no-fund --silent)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(g++ --version | head -1); node $(node --version)"
node "$root/bench/node/fhirpath_workload.js" "$data" "$root/schemas/r4/structure.json" >"$out/workload.json"
"$build/bench/bench_fhirpath" "$data" "$out/workload.json" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/fhirpath_js_bench.js" "$data" "$out/workload.json" "$secs" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
rm -rf "$out"
