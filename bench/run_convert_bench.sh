#!/usr/bin/env bash
# FHIR JSON/XML conversion and validation: hidewire (Release build) side by side with the npm
# package `fhir` 4.12.0 run by this machine's Node.js, on the official R4 examples.
# Usage: bench/run_convert_bench.sh [SECONDS_PER_OPERATION]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
bench_setup bench_convert
"$build/bench/bench_convert" "$data" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/fhir_js_bench.js" "$data" "$secs" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
