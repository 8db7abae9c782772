#!/usr/bin/env bash
# HL7 v2 -> FHIR: hidewire's whole conversion (parse + map + JSON Bundle) side by side with
# @medplum/core's Hl7Message.parse alone, run by this machine's Node.js, on tests/data/hl7v2.
# Usage: bench/run_hl7v2_bench.sh [SECONDS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
corpus="$root/tests/data/hl7v2"
bench_setup bench_hl7v2
"$build/bench/bench_hl7v2" "$corpus" "$secs" >"$out/hidewire.jsonl"
node "$root/bench/node/hl7_medplum_bench.mjs" "$corpus" "$secs" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
