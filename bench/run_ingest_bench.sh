#!/usr/bin/env bash
# Persisted and ACKed MLLP ingest to the FHIR store: a hidewire node (conversion, conformance
# gate, journal group commit before each ACK; store transactions batched behind it) against
# node-hl7-server 2.5.0 answering ACKs without storing, both loaded by bench_ingest with the same
# messages and connections. For hidewire the run also waits until the store holds every ACKed
# message, counts them in the store's own tables, and reports that rate as well.
# Usage: bench/run_ingest_bench.sh [MESSAGES] [CONNECTIONS...]   (default: 20000, 16 64 128)
# The MLLP source stands for a systems[] entry, as deployed (INGEST_ANONYMOUS=1: anonymous
# under development.allow_anonymous); every message is audited from the journal's commit.
# The peer answers a few hundred messages a second at most, so it gets PEER_MESSAGES (default 3000).
set -euo pipefail
source "$(dirname "$0")/common.sh"
messages=${1:-20000}
peer_messages=${PEER_MESSAGES:-3000}
shift || true
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(16 64 128)
bench_setup bench_ingest
cmake --build "$build" --target hidewire >/dev/null
now() { date +%s.%N; }
ops_token="bench-ops-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
stats_auth=()
for c in "${conns[@]}"; do
  rm -rf "$out/data"
  # As deployed: the lab system in systems[] and the MLLP source standing for it (its messages are
  # journalled and audited as that caller); INGEST_ANONYMOUS=1: development.allow_anonymous instead.
  if [ "${INGEST_ANONYMOUS:-0}" = 1 ]; then
    auth='"development": {"allow_anonymous": true},'
    system=''
    stats_auth=()
  else
    # ops: the script's own credential for the admin port's counters.
    auth='"systems": [{"name": "lab-feed", "token_sha256": "'"$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)"'", "write_types": ["*"]},
     {"name": "ops", "token_sha256": "'"$(printf %s "$ops_token" | sha256sum | cut -d' ' -f1)"'", "roles": ["viewer"]}],'
    system=', "system": "lab-feed"'
    stats_auth=(-H "Authorization: Bearer $ops_token")
  fi
  cat >"$out/node.json" <<JSON
{"node": {"name": "bench", "ods_code": "RR8", "data_dir": "$out/data"}, $auth
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"$system}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
  # The last run's log goes first: until the new node's shell truncates it, it still says "running".
  rm -f "$out/node.log"
  "$build/tools/hidewire" run --config "$out/node.json" >"$out/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 200); do grep -q running "$out/node.log" && break; sleep 0.05; done
  port=$(grep "source lab" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
  admin=$(grep "admin on" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
  t0=$(now)
  "$build/bench/bench_ingest" 127.0.0.1 "$port" "$messages" "$c" hidewire >"$out/run.jsonl"
  # Until the store has every ACKed message (the delivered counter counts store commits).
  for _ in $(seq 600); do
    delivered=$(curl -sf "${stats_auth[@]}" "127.0.0.1:$admin/stats" | grep -o '"delivered":[0-9]*' | head -1 | cut -d: -f2)
    [ "${delivered:-0}" -ge "$messages" ] && break
    sleep 0.05
  done
  t1=$(now)
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
  stored=$(sqlite3 "$out/data/fhir.db" "SELECT COUNT(*) FROM resources WHERE type = 'Observation'")
  [ "$stored" = "$messages" ] || { echo "bench: the store holds $stored of $messages observations" >&2; exit 1; }
  stored_rate=$(awk -v n="$stored" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
  sed "s/}\$/,\"stored\":$stored,\"stored_per_s\":$stored_rate}/" "$out/run.jsonl" | tee -a "$out/hidewire.jsonl"
done
for c in "${conns[@]}"; do
  peer_port=$((20000 + RANDOM % 20000))
  node "$root/bench/node/hl7_server_peer.mjs" "$peer_port" >"$out/peer.log" 2>&1 &
  peer_pid=$!
  for _ in $(seq 100); do grep -q listening "$out/peer.log" && break; sleep 0.05; done
  "$build/bench/bench_ingest" 127.0.0.1 "$peer_port" "$peer_messages" "$c" "node-hl7-server 2.5.0 (ACK only)" | tee -a "$out/peer.jsonl" || true
  kill "$peer_pid" 2>/dev/null || true
  wait "$peer_pid" 2>/dev/null || true
done
node - "$out/hidewire.jsonl" "$out/peer.jsonl" <<'JS'
const fs = require('fs');
const load = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const [ours, peer] = [load(process.argv[2]), load(process.argv[3])];
const f = (n) => Math.round(n).toLocaleString('en-GB');
const ms = (us) => (us / 1000).toFixed(1);
console.log('| connections | hidewire ACKed msg/s | hidewire in store msg/s | p50 / p99 ACK ms | node-hl7-server msg/s (ACK only) | p50 / p99 ACK ms |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const o of ours) {
  const p = peer.find((x) => x.connections === o.connections) || {};
  const pcell = p.resources_per_s ? `${f(p.resources_per_s)}${p.errors ? ` (${p.errors} unanswered)` : ''}` : 'failed';
  console.log(`| ${o.connections} | ${f(o.resources_per_s)} | ${f(o.stored_per_s)} | ${ms(o.p50_us)} / ${ms(o.p99_us)} | ${pcell} | ${p.p50_us ? `${ms(p.p50_us)} / ${ms(p.p99_us)}` : ''} |`);
}
JS
