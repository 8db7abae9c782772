#!/usr/bin/env bash
# FHIR JSON/XML conversion and validation: hidewire (Release build) side by side with the npm
# package `fhir` 4.12.0 run by this machine's Node.js, on the official R4 examples.
# Usage: bench/run_convert_bench.sh [SECONDS_PER_OPERATION]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs=${1:-3}
data="$root/tests/data/fhir-r4-examples"
build="${BUILD_DIR:-$root/build-release}"
out="$(mktemp -d)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIDEWIRE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target bench_convert >/dev/null
(cd "$root/bench/node" && npm ci --no-audit --no-fund --silent)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(g++ --version | head -1); node $(node --version)"
"$build/bench/bench_convert" "$data" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/fhir_js_bench.js" "$data" "$secs" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
rm -rf "$out"
