#!/usr/bin/env bash
# HL7 v2 -> FHIR: hidewire's whole conversion (parse + map + JSON Bundle) side by side with
# @medplum/core's Hl7Message.parse alone, run by this machine's Node.js, on the UK sender corpus
# (tests/data/hl7v2-corpus, batch files split into their messages): all messages, then per
# message type. Usage: bench/run_hl7v2_bench.sh [SECONDS [SECONDS_PER_TYPE [CORPUS_DIR]]]
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-3}
per_type=${2:-0.5}
corpus="${3:-$root/tests/data/hl7v2-corpus}"
bench_setup bench_hl7v2
"$build/bench/bench_hl7v2" "$corpus" "$secs" "$per_type" >"$out/hidewire.jsonl"
node "$root/bench/node/hl7_medplum_bench.mjs" "$corpus" "$secs" "$per_type" >"$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
