#!/usr/bin/env bash
# FHIR STU3 (GP Connect structured records) -> R4: the fhir-stu3 conversion on the GP Connect
# examples and the ten-year record in tests/data, one core, Release build. No peer converts
# STU3 to R4 here (the FHIR R3 <-> R4 maps run in Java's validator), so the figure stands alone.
# Usage: bench/run_stu3_bench.sh [SECONDS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
bench_setup bench_stu3
"$build/bench/bench_stu3" "$root/tests/data" "$secs"
