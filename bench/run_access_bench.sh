#!/usr/bin/env bash
# Audited reads per second on the FHIR API (issue 10): a hidewire node loaded with one patient's
# record (bench/access_record.hpp: Patient, CareTeam, Encounter, 4 Consents, 20 Observations),
# driven by wrk over keep-alive connections with GET /Patient/{id} and GET /Observation?patient={id};
# requests/s, latency percentiles, and the node's CPU (all threads, /proc/PID/stat) per request.
# Each round runs, one after the other, with the same requests:
#   consent   - the node as deployed: a systems[] bearer token, the consent access policy, the audit log
#   allow-all - the same binary, development.allow_anonymous and "access": {"type": "allow-all"}
#               (the audit log is always on: every read is still audited)
#   before    - only with BEFORE_BUILD_DIR: the build before access control (0509229), anonymous, no audit
# Usage: [BEFORE_BUILD_DIR=DIR] [ROUNDS=2] bench/run_access_bench.sh [SECONDS] [CONNECTIONS...]
#        (default: 10 s per run, 8 and 32 connections)
set -euo pipefail
source "$(dirname "$0")/common.sh"
secs=${1:-10}
shift || true
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(8 32)
rounds=${ROUNDS:-2}
before=${BEFORE_BUILD_DIR:-}
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install -y wrk)" >&2; exit 1; }
bench_setup bench_access
cmake --build "$build" --target hidewire >/dev/null
token="bench-epr-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
token_sha=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
"$build/bench/bench_access" record >"$out/record.json"
echo "load: $(uptime)"

# write_config VARIANT: the config each binary accepts (the old one has no development, systems, access or audit keys).
write_config() {
  local common='"api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}'
  local node="{\"name\": \"bench\", \"ods_code\": \"RR8\", \"kind\": \"acute-trust\", \"data_dir\": \"$out/data\"}"
  local systems="[{\"name\": \"epr\", \"token_sha256\": \"$token_sha\", \"roles\": [\"clinical\"], \"write_types\": [\"*\"]}]"
  case "$1" in
    consent) echo "{\"node\": $node, \"systems\": $systems, \"access\": {\"type\": \"consent\"}, $common}" ;;
    allow-all) echo "{\"node\": $node, \"development\": {\"allow_anonymous\": true}, \"systems\": $systems, \"access\": {\"type\": \"allow-all\"}, $common}" ;;
    before) echo "{\"node\": {\"name\": \"bench\", \"ods_code\": \"RR8\", \"data_dir\": \"$out/data\"}, $common}" ;;
  esac
}

run_variant() {  # VARIANT ROUND
  local v=$1 r=$2 bin="$build/tools/hidewire" auth=()
  [ "$v" = before ] && bin="$before/tools/hidewire"
  [ "$v" = consent ] && auth=(-H "Authorization: Bearer $token")
  rm -rf "$out/data"
  write_config "$v" >"$out/node.json"
  rm -f "$out/node.log"  # else the last run's "running" may be read before the new node truncates it
  "$bin" run --config "$out/node.json" >"$out/node.log" 2>&1 &
  local node_pid=$!
  for _ in $(seq 200); do grep -q running "$out/node.log" && break; sleep 0.05; done
  grep -q running "$out/node.log" || { cat "$out/node.log" >&2; kill "$node_pid"; exit 1; }
  local api
  api=$(grep "FHIR API on" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
  local load_auth=()
  [ "$v" != before ] && load_auth=(-H "Authorization: Bearer $token")
  curl -sf "${load_auth[@]}" -H 'Content-Type: application/fhir+json' --data-binary @"$out/record.json" "127.0.0.1:$api/" >/dev/null ||
    { echo "bench: loading the record failed ($v)" >&2; cat "$out/node.log" >&2; kill "$node_pid"; exit 1; }
  local n
  n=$(curl -sf "${auth[@]}" "127.0.0.1:$api/Observation?patient=arthur&_count=100" | grep -o '"resourceType":"Observation"' | wc -l)
  [ "$n" = 20 ] || { echo "bench: the search answered $n Observations, not 20 ($v)" >&2; kill "$node_pid"; exit 1; }
  for path in "/Patient/arthur" "/Observation?patient=arthur"; do
    for c in "${conns[@]}"; do
      local t0 t1
      t0=$(awk '{print $14 + $15}' /proc/"$node_pid"/stat)
      wrk -t1 -c"$c" -d"${secs}s" --latency "${auth[@]}" "http://127.0.0.1:$api$path" >"$out/wrk.txt"
      t1=$(awk '{print $14 + $15}' /proc/"$node_pid"/stat)
      local rps p50 p99 bad reqs cpu
      reqs=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
      cpu=$(awk -v a="$t0" -v b="$t1" -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) * 1e6 / hz / n }')
      rps=$(awk '/^Requests\/sec/ {print $2}' "$out/wrk.txt")
      p50=$(awk '$1 == "50%" {print $2}' "$out/wrk.txt")
      p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
      bad=$(awk '/Non-2xx/ {print $NF}' "$out/wrk.txt")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$v" "$path" "$c" "$rps" "$p50" "$p99" "${bad:-0}" "$cpu" | tee -a "$out/results.tsv" >&2
    done
  done
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
  if [ "$v" != before ]; then
    echo "audit entries after the $v run: $(sqlite3 "$out/data/audit.db" 'SELECT COUNT(*) FROM entries' 2>/dev/null || echo '?')" >&2
  fi
}

variants=(consent allow-all)
[ -n "$before" ] && variants=(before consent allow-all)
for r in $(seq "$rounds"); do
  for v in "${variants[@]}"; do run_variant "$v" "$r"; done
done
echo "load: $(uptime)"
echo
echo '| round | build and config | request | connections | requests/s | p50 latency | p99 latency | non-2xx | node CPU µs per request |'
echo '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
awk -F'\t' '{ printf "| %s | %s | GET %s | %s | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$out/results.tsv"
