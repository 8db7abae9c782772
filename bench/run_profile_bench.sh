#!/usr/bin/env bash
# UK Core 2.0.0 profile validation against base validation on the converters' own output, and
# the time to load UK Core and build its snapshots: hidewire in Release, one thread. No npm peer
# (docs/BENCHMARKS.md says why). Works from any directory.
# Usage: bench/run_profile_bench.sh [SECONDS_PER_OPERATION] [BUILD_DIR]
set -euo pipefail
secs=${1:-3}
if [[ $# -ge 2 ]]; then export BUILD_DIR="$2"; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup bench_profiles
"$build/bench/bench_profiles" "$root/tests/data" "$secs"
