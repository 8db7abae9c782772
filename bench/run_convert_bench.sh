#!/usr/bin/env bash
# FHIR JSON/XML conversion and validation: hidewire (Release build) side by side with the npm
# package `fhir` 4.12.0 run by this machine's Node.js, on the official R4 examples, one thread
# each. Works from any directory.
# Usage: bench/run_convert_bench.sh [SECONDS_PER_OPERATION] [BUILD_DIR]
#   SECONDS_PER_OPERATION  timed seconds per operation and side (default 3; at least 2 for figures)
#   BUILD_DIR              where to build hidewire in Release (default build-release/, or $BUILD_DIR)
# Prints the machine, each side's own summary (hidewire's on stderr), then a Markdown table.
set -euo pipefail
secs=${1:-3}
if [[ $# -ge 2 ]]; then export BUILD_DIR="$2"; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup bench_convert
"$build/bench/bench_convert" "$data" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/fhir_js_bench.js" "$data" "$secs" >"$out/peer.jsonl"
echo
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
