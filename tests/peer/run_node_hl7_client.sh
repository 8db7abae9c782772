#!/usr/bin/env bash
# Peer test: node-hl7-client 4.0.0 (npm) sends the corpus to `hidewire listen` over MLLP and must
# get AA for good messages, AE with the reason for a bad NHS number, and a repeated message
# ACKed again but stored once. Exit 77 (skipped) when Node.js or the package is not installed.
# Usage: run_node_hl7_client.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null || [ ! -d "$here/node_modules/node-hl7-client" ]; then
  echo "SKIPPED: node or tests/peer/node_modules missing (scripts/test.sh installs them with npm ci)"
  exit 77
fi
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" listen --mllp 127.0.0.1:0 --journal "$work/journal.db" >"$work/listen.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q listening "$work/listen.log" && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/listen.log" | cut -d: -f2)
node "$here/node_hl7_client_send.mjs" "$port" "$data/adt_a01_v251.hl7" "$data/oru_r01_v251.hl7" "$data/adt_a01_bad_nhs.hl7" \
  "$data/adt_a04_v23.hl7" "$data/mdm_t02_discharge.hl7" "$data/siu_s12_appointment.hl7" "$data/adt_a01_v251.hl7" >"$work/acks.jsonl"
cat "$work/acks.jsonl"
expect() {
  grep -q "$1" "$work/acks.jsonl" || { echo "FAIL: no ACK line matching $1"; exit 1; }
}
expect '"file":"adt_a01_v251.hl7","msa1":"AA","msa2":"MSG00001"'
expect '"file":"oru_r01_v251.hl7","msa1":"AA","msa2":"LAB-77731"'
expect '"file":"adt_a01_bad_nhs.hl7","msa1":"AE","msa2":"MSG00099","err":"NHS number 9434765918 fails the Modulus 11 check'
expect '"file":"adt_a04_v23.hl7","msa1":"AA","msa2":"GP-000981"'
expect '"file":"mdm_t02_discharge.hl7","msa1":"AA","msa2":"DOC-4410"'
expect '"file":"siu_s12_appointment.hl7","msa1":"AA","msa2":"APT-1201"'
[ "$(grep -c '"msa2":"MSG00001"' "$work/acks.jsonl")" = 2 ] || { echo "FAIL: the resent message was not ACKed again"; exit 1; }
kill "$pid"; wait "$pid" || true
stats=$(grep stopped "$work/listen.log")
echo "$stats"
case "$stats" in
  *"7 received, 5 accepted, 1 rejected, 1 duplicates"*) echo "peer test passed" ;;
  *) echo "FAIL: unexpected listener counts"; exit 1 ;;
esac
