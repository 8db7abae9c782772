#!/usr/bin/env bash
# FHIRPath evaluation: hidewire (Release build) side by side with the npm package fhirpath
# (fhirpath.js) 5.2.2 run by this machine's Node.js, on the same (resource, expression) pairs:
# R4's invariants for each official example plus routing-style expressions.
# Usage: bench/run_fhirpath_bench.sh [SECONDS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
bench_setup bench_fhirpath
node "$root/bench/node/fhirpath_workload.js" "$data" "$root/schemas/r4/structure.json" >"$out/workload.json"
"$build/bench/bench_fhirpath" "$data" "$out/workload.json" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/fhirpath_js_bench.js" "$data" "$out/workload.json" "$secs" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
