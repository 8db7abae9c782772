#!/usr/bin/env bash
# CPU per ingested message, by thread of the node: the MLLP ingest of run_ingest_bench.sh (the same
# generator and messages), then the utime + stime of each of the node's threads
# (/proc/PID/task/*/stat) once the store holds every message, divided by the messages. CPU time is
# what a loaded machine inflates least, so a before/after comparison of it is steadier than one of
# messages per second. Works with builds from before issue 10 (STYLE=before: no credentials in the
# config) and after it (STYLE=system: the MLLP source stands for a systems[] entry, as deployed;
# STYLE=anonymous: development.allow_anonymous).
# Usage: [PERF_OUT=perf.data] bench/run_ingest_cpu.sh BUILD_DIR STYLE [MESSAGES] [CONNECTIONS]   (default 20000, 128)
set -euo pipefail
bdir=$1
style=$2
messages=${3:-20000}
c=${4:-128}
root="$(cd "$(dirname "$0")/.." && pwd)"
gen="$root/build-rel/bench/bench_ingest"
[ -x "$gen" ] || gen="$bdir/bench/bench_ingest"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
ops_token="bench-ops-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
stats_auth=()
auth=''
system=''
case "$style" in
  before) ;;
  anonymous) auth='"development": {"allow_anonymous": true},' ;;
  system)
    auth='"systems": [{"name": "lab-feed", "token_sha256": "'"$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)"'", "write_types": ["*"]},
     {"name": "ops", "token_sha256": "'"$(printf %s "$ops_token" | sha256sum | cut -d' ' -f1)"'", "roles": ["viewer"]}],'
    system=', "system": "lab-feed"'
    stats_auth=(-H "Authorization: Bearer $ops_token") ;;
  *) echo "STYLE: before, anonymous or system" >&2; exit 2 ;;
esac
cat >"$out/node.json" <<JSON
{"node": {"name": "bench", "ods_code": "RR8", "data_dir": "$out/data"}, $auth
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"$system}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
"$bdir/tools/hidewire" run --config "$out/node.json" >"$out/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 200); do grep -q running "$out/node.log" && break; sleep 0.05; done
port=$(grep "source lab" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
admin=$(grep "admin on" "$out/node.log" | grep -o ':[0-9]*$' | tr -d :)
ticks() {  # name ticks, per thread
  for t in /proc/"$node_pid"/task/*; do
    awk '{ s = $0; sub(/^[0-9]+ \(/, "", s); name = substr(s, 1, index(s, ")") - 1); sub(/^[^)]*\) /, "", s); split(s, f, " "); print name "\t" f[12] + f[13] }' "$t/stat"
  done
}
ticks >"$out/t0"
# PERF_OUT=FILE: perf record of the node (every thread) during the run, for perf report --sort tid,sym.
if [ -n "${PERF_OUT:-}" ]; then
  perf record -q -F 999 -g -p "$node_pid" -o "$PERF_OUT" 2>/dev/null &
  perf_pid=$!
  sleep 0.5
fi
/usr/bin/time -f "%U %S" -o "$out/gen.time" "$gen" 127.0.0.1 "$port" "$messages" "$c" hidewire >"$out/run.jsonl"
for _ in $(seq 600); do
  delivered=$(curl -sf "${stats_auth[@]}" "127.0.0.1:$admin/stats" | grep -o '"delivered":[0-9]*' | head -1 | cut -d: -f2)
  [ "${delivered:-0}" -ge "$messages" ] && break
  sleep 0.05
done
ticks >"$out/t1"
if [ -n "${PERF_OUT:-}" ]; then kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; fi
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
hz=$(getconf CLK_TCK)
rate=$(grep -o '"resources_per_s":[0-9.]*' "$out/run.jsonl" | cut -d: -f2)
# Threads of one name are summed (e.g. several SQLite or I/O threads).
awk -F'\t' -v hz="$hz" -v n="$messages" -v rate="$rate" -v style="$style" -v gen="$(cat "$out/gen.time")" '
  NR == FNR { a[$1] += $2; next } { b[$1] += $2 }
  END {
    total = 0
    for (k in b) { d = (b[k] - a[k]) * 1e6 / hz / n; total += d; if (d > 0.05) printf "%s\t%s\t%.1f\n", style, k, d }
    split(gen, g, " ")
    printf "%s\tnode, all threads\t%.1f\n%s\tload generator\t%.1f\n%s\tACKed msg/s\t%.0f\n", style, total, style, (g[1] + g[2]) * 1e6 / n, style, rate
  }' "$out/t0" "$out/t1"
