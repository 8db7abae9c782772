#!/usr/bin/env bash
# Persisted and ACKed MLLP ingest: a hidewire node (journal + conversion + FHIR store, all
# synchronous before the ACK) against node-hl7-server 2.5.0 answering ACKs without storing, both
# loaded by bench_ingest with the same messages and connections.
# Usage: bench/run_ingest_bench.sh [MESSAGES] [CONNECTIONS]
set -euo pipefail
source "$(dirname "$0")/common.sh"
messages=${1:-20000}
conns=${2:-16}
bench_setup bench_ingest
cmake --build "$build" --target hidewire >/dev/null
cat >"$out/node.json" <<JSON
{"node": {"name": "bench", "ods_code": "RR8", "data_dir": "$out/data"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
"$build/tools/hidewire" run --config "$out/node.json" >"$out/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 100); do grep -q running "$out/node.log" && break; sleep 0.05; done
port=$(grep "source lab" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
"$build/bench/bench_ingest" 127.0.0.1 "$port" "$messages" "$conns" hidewire >"$out/hidewire.jsonl"
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
peer_port=$((20000 + RANDOM % 20000))
node "$root/bench/node/hl7_server_peer.mjs" "$peer_port" >"$out/peer.log" 2>&1 &
peer_pid=$!
for _ in $(seq 100); do grep -q listening "$out/peer.log" && break; sleep 0.05; done
"$build/bench/bench_ingest" 127.0.0.1 "$peer_port" "$messages" "$conns" "node-hl7-server 2.5.0 (ACK only)" >"$out/peer.jsonl" || true
kill "$peer_pid" 2>/dev/null || true
cat "$out/hidewire.jsonl" "$out/peer.jsonl"
node "$root/bench/compare.js" "$out/hidewire.jsonl" "$out/peer.jsonl"
