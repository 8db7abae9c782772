#!/usr/bin/env bash
# Social-care rows per second converted and journalled (issue 15): bench_social over a
# Liquidlogic-style export of PEOPLE people with ROWS rows each, one core, Release build. No npm
# package converts delimited social-care exports to FHIR, so the figure stands alone.
# Usage: bench/run_social_bench.sh [PEOPLE [ROWS [BATCH]]]
set -euo pipefail
source "$(dirname "$0")/common.sh"
bench_setup bench_social
for _ in 1 2 3; do
  nice "$build/bench/bench_social" "${1:-2000}" "${2:-4}" "${3:-64}" "$out/social"
done
