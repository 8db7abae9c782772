#!/usr/bin/env bash
# Time per item of large HL7 v2 messages through parse + convert + the conformance gate
# (bench_large: an ORU^R01 with N OBX, an ADT^A01 with N PID-3 repetitions); linear work gives
# the same time per item at every size. Works from any directory.
# Usage: bench/run_large_bench.sh [SIZES...]   default 1000 8000 19000
#   BUILD_DIR  an existing build folder to use as it is configured (default: build-release/,
#              configured as Release)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-release}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIDEWIRE_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target bench_large >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(g++ --version | head -1); $(grep -m1 CMAKE_BUILD_TYPE "$build/CMakeCache.txt" | cut -d= -f2)"
"$build/bench/bench_large" "$@"
