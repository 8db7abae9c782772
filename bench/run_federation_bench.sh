#!/usr/bin/env bash
# Federated record query latency (issue 11): five organisations' nodes on this machine over
# loopback with mutual TLS (tests/node/federation/five_nodes.sh: a GP practice, an acute trust's
# A&E, an ambulance service, NHS 111, a social-care provider), the GP holding PATIENTS records of
# realistic size (bench/gp_record.py --sizes 50,30,200,40: 50 medications with their issues, 30
# problems, 200 observations, 40 consultations; about 600 resources, 450 kB), the social-care
# provider a care plan for each. Rounds, one after the other, at each concurrency:
#   federated - the A&E's local system asks its own node: POST RR8/Patient/$hidewire-federated-record
#               (the node asks every peer, merges the GP's record and the care plan)
#   direct    - the same record asked of the GP node itself, as RR8's node asks it: POST
#               A81001/Patient/$gpc.getstructuredrecord, every clinical area (the Parameters the
#               requester sends), RR8's certificate and a JWT signed with its node's key
# Every request has a fresh JWT (its own jti). curl --parallel keeps CONCURRENCY requests in
# flight; per request curl's time_total; p50 / p99 / max, requests/s, non-200s, and each node's
# CPU (utime + stime from /proc, all five) per request. PERF=1: perf record of the GP and A&E nodes at the
# middle concurrency, its top symbols printed.
# Usage: [BUILD_DIR=build-rel | HIDEWIRE_BIN=FILE] [PATIENTS=10] [REQUESTS=N] [PERF=1]
#        bench/run_federation_bench.sh [CONCURRENCY...]   (default 1 8 32)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build=${BUILD_DIR:-$root/build-rel}
patients=${PATIENTS:-10}
direct_op=${DIRECT_OP:-gpc.getstructuredrecord}
levels=("$@"); [ ${#levels[@]} -gt 0 ] || levels=(1 8 32)
bin=${HIDEWIRE_BIN:-}   # a binary of your own (no build): for trying the script out, not for figures
if [ -z "$bin" ]; then
  if ! { cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIDEWIRE_BUILD_TESTS=OFF &&
          nice cmake --build "$build" --target hidewire -- -j2; } >/tmp/federation-bench-build.log 2>&1; then
    tail -n 30 /tmp/federation-bench-build.log >&2; echo "bench: the Release build in $build failed" >&2; exit 1
  fi
  bin="$build/tools/hidewire"
fi
source "$root/tests/node/lib.sh"
source "$root/tests/node/access/pki.sh"
log_level=${LOG_LEVEL:-info}
source "$root/tests/node/federation/five_nodes.sh"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(g++ --version | head -1)"
echo "commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . 2>/dev/null || echo ' (with changes)'); $(date -u '+%F %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${nodes[@]}"; do start_node "$n"; done

# The records: patient k's NHS number is 9434765xx with its check digit.
nhs=()
for k in $(seq 100 999); do
  n=$(python3 "$root/bench/gp_record.py" --make-nhs "943476$k") || continue
  nhs+=("$n"); [ ${#nhs[@]} -ge "$patients" ] && break
done
today=$(date -u +%F)
for n in "${nhs[@]}"; do
  python3 "$root/bench/gp_record.py" --nhs "$n" --sizes 50,30,200,40 --today "$today" >"$work/record-$n.json"
  load gp "$work/record-$n.json"
  cat >"$work/plan-$n.json" <<JSON
{"resourceType": "Bundle", "type": "transaction", "entry": [
 {"fullUrl": "urn:uuid:5f1c2a3e-0000-4000-8000-$n", "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=https://fhir.nhs.uk/Id/nhs-number|$n"},
  "resource": {"resourceType": "Patient", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "$n"}], "name": [{"family": "Whitfield", "given": ["Edith"]}],
               "generalPractitioner": [{"identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "A81001"}}]}},
 {"fullUrl": "urn:uuid:5f1c2a3e-0001-4000-8000-$n", "request": {"method": "POST", "url": "CarePlan"},
  "resource": {"resourceType": "CarePlan", "status": "active", "intent": "plan", "title": "Home care and reablement plan",
               "description": "Two carer visits a day for personal care and medicines prompting", "subject": {"reference": "urn:uuid:5f1c2a3e-0000-4000-8000-$n"}}}]}
JSON
  load social "$work/plan-$n.json"
  printf '{"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}}]}' \
    "$n" >"$work/params-$n.json"
  # what the requester sends the registered GP (federation/parameters.cpp: every clinical area)
  python3 - "$n" >"$work/gpc-params-$n.json" <<'PY'
import json, sys
areas = [{"name": "includeAllergies", "part": [{"name": "includeResolvedAllergies", "valueBoolean": True}]},
         {"name": "includeMedication", "part": [{"name": "includePrescriptionIssues", "valueBoolean": True}]}] + \
        [{"name": n} for n in ("includeConsultations", "includeProblems", "includeImmunisations", "includeUncategorisedData",
                               "includeInvestigations", "includeReferrals", "includeDiaryEntries")]
print(json.dumps({"resourceType": "Parameters", "parameter": [
  {"name": "patientNHSNumber", "valueIdentifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": sys.argv[1]}}] + areas}))
PY
done
echo "records: ${#nhs[@]} patients, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["entry"]))' "$work/record-${nhs[0]}.json") resources and $(stat -c %s "$work/record-${nhs[0]}.json") bytes each at the GP"

# requests_file VARIANT COUNT: curl's config for COUNT requests, round-robin over the patients.
requests_file() {
  local v=$1 count=$2 f="$work/requests-$1.txt" i n tok params
  : >"$f"
  for i in $(seq 0 $((count - 1))); do
    n=${nhs[$((i % ${#nhs[@]}))]}
    if [ "$v" = federated ]; then
      tok=$(clinician aande emergency)
      printf 'url = "%s/Patient/$hidewire-federated-record"\n' "${base[aande]}" >>"$f"
    else
      tok=$("$bin" token make --key "$work/aande-node-jwt.key" --alg ES256 --iss RR8 --aud "${aud[gp]}" --org RR8 \
        --practitioner-id G1234567 --practitioner-name "Priya Shah" --sds-role R8000 --purpose emergency --scope "patient/*.read")
      printf 'url = "%s/Patient/$%s"\ncert = "%s"\nkey = "%s"\n' "${base[gp]}" "$direct_op" "$work/aande.crt" "$work/aande.key" >>"$f"
    fi
    params="$work/params-$n.json"
    [ "$v" = direct ] && [ "$direct_op" = gpc.getstructuredrecord ] && params="$work/gpc-params-$n.json"
    # options hold per URL in a curl config ("next" starts the next one's), so each request has them all.
    # no-sessionid: the node's TLS listeners with a client CA refuse a resumed session ("session id
    # context uninitialized", net/tls_server.cpp sets none), which curl --parallel offers on new connections.
    printf 'cacert = "%s"\nrequest = "POST"\nheader = "Content-Type: application/fhir+json"\nheader = "Authorization: Bearer %s"\ndata-binary = "@%s"\noutput = "/dev/null"\nsilent\nno-sessionid\nwrite-out = "%%{http_code} %%{time_total} %%{size_download}\\n"\n' \
      "$work/ca.crt" "$tok" "$params" >>"$f"
    if [ "$i" -lt $((count - 1)) ]; then echo next >>"$f"; fi
  done
}
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_round() {  # VARIANT CONCURRENCY
  local v=$1 c=$2 count=${REQUESTS:-$(( $2 * 12 < 40 ? 40 : $2 * 12 ))}
  requests_file "$v" "$c"   # warm-up: one request per connection, not counted
  curl -s --no-progress-meter --parallel --parallel-max "$c" -K "$work/requests-$v.txt" >/dev/null 2>&1 || true
  requests_file "$v" "$count"
  declare -A before
  for n in "${nodes[@]}"; do before[$n]=$(cpu_of "${pid_of[$n]}"); done
  local perf_pid=""
  if [ -n "${PERF:-}" ] && [ "$c" = "${levels[$(( ${#levels[@]} / 2 ))]}" ]; then
    perf record -g -o "$work/perf-$v.data" -p "${pid_of[gp]},${pid_of[aande]}" >/dev/null 2>&1 & perf_pid=$!
    sleep 0.5
  fi
  local t0 t1
  t0=$(date +%s%N)
  curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$c" -K "$work/requests-$v.txt" >"$work/times.txt" 2>"$work/curl.err" || true
  t1=$(date +%s%N)
  [ -n "$perf_pid" ] && { kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; }
  local cpus=""
  for n in "${nodes[@]}"; do
    cpus+=" $(awk -v a="${before[$n]}" -v b="$(cpu_of "${pid_of[$n]}")" -v n="$count" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) * 1000 / hz / n }')"
  done
  python3 - "$work/times.txt" "$v" "$c" "$count" "$(( (t1 - t0) / 1000000 ))" $cpus <<'PY' | tee -a "$work/results.tsv" >&2
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
full = max(int(n) for _, _, n in lines)
# a 200 that is much smaller than the whole record is a partial answer (a peer missing): not counted as answered
partial = sum(1 for s, _, n in lines if s == "200" and int(n) < full * 0.9)
ok = sorted(float(t) * 1000 for s, t, n in lines if s == "200" and int(n) >= full * 0.9)
bad = sum(1 for s, _, _ in lines if s != "200")
if bad:
  import collections
  print("non-200 answers: %s" % dict(collections.Counter(s for s, _, _ in lines if s != "200")), file=sys.stderr)
def pct(p): return ok[min(len(ok) - 1, int(round(p / 100 * len(ok) + 0.5)) - 1)] if ok else float("nan")
v, c, n, wall = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
print("\t".join([v, c, str(n), "%.0f" % pct(50), "%.0f" % pct(99), "%.0f" % (ok[-1] if ok else float("nan")),
                 "%.1f" % (len(ok) / (wall / 1000)), "%d / %d" % (bad, partial)] + sys.argv[6:11]))
PY
}
echo "variant	concurrency	requests	p50_ms	p99_ms	max_ms	req/s	non200/partial	cpu_ms_per_req(gp aande amb nhs111 social)" >&2
# Check once that the federated query answers the whole record.
requests_file federated 1
sed -i 's|output = "/dev/null"|output = "'"$work"'/one.json"|' "$work/requests-federated.txt"
curl -s -K "$work/requests-federated.txt" >/dev/null || true
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print("federated answer: %d entries, %d bytes" % (len(b.get("entry",[])), len(open(sys.argv[1]).read())))' "$work/one.json" ||
  { head -c 400 "$work/one.json"; fail "the federated answer is not a Bundle"; }
for c in "${levels[@]}"; do
  for v in federated direct; do run_round "$v" "$c"; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| query | concurrent | requests | p50 ms | p99 ms | max ms | requests/s | non-200 / partial | node CPU ms per query: GP / A&E / ambulance / 111 / social care |'
echo '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s / %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 }' "$work/results.tsv"
if [ -n "${PERF:-}" ]; then
  for f in "$work"/perf-*.data; do
    echo; echo "perf: $(basename "$f" .data) (GP node pid ${pid_of[gp]}, A&E node pid ${pid_of[aande]}), top symbols by self time"
    perf report -i "$f" --no-children -g none --sort pid,dso,symbol --stdio 2>/dev/null | grep '%' | grep -v '^#' |
      sed 's/  */ /g' | cut -c1-150 | head -n 30 || true
  done
fi
