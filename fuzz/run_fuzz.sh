#!/usr/bin/env bash
# Builds the fuzz targets with clang and runs the HL7 v2 parser fuzzer for SECONDS (default 60),
# seeded with the test corpus. Needs clang-14 and libclang-rt-14-dev (Debian).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs=${1:-60}
build="$root/build-fuzz"
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHIDEWIRE_FUZZ=ON \
  -DHIDEWIRE_BUILD_TESTS=OFF -DHIDEWIRE_BUILD_BENCH=OFF -DHIDEWIRE_TCMALLOC=OFF >/dev/null
cmake --build "$build" --target fuzz_hl7v2
corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
cp "$root"/tests/data/hl7v2/*.hl7 "$corpus/"
"$build/fuzz/fuzz_hl7v2" -max_total_time="$secs" -max_len=8192 -timeout=5 "$corpus"
