#!/usr/bin/env bash
# The node's log: one line per message outcome and per API request, at info level, with no NHS
# number, message content or query value in it; `"format": "json"` gives one JSON object a line.
# Usage: run_logging.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
# wait_log NAME PATTERN: lines are written once the answer is sent, so they may trail it a little.
wait_log() {
  for _ in $(seq 100); do grep -q -- "$2" "$work/$1.log" && return; sleep 0.05; done
  cat "$work/$1.log"; fail "$1: no log line matching '$2'"
}
# search_finds WHAT URL [curl args...]: the store is written behind the answer or the ACK, so
# the search is asked again (with a bound) until it finds the Patient.
search_finds() {
  local what=$1 url=$2; shift 2
  for _ in $(seq 100); do
    curl -sf "$@" "$url" | grep -q '"Patient"' && return
    sleep 0.05
  done
  fail "$what"
}
# no_content NAME: the log holds no NHS number (of the accepted message or the refused one) and
# no value of the messages (the patient's name and address).
no_content() {
  for secret in 9434765919 9434765918 SMITH 'Mill Lane'; do
    if grep -q "$secret" "$work/$1.log"; then cat "$work/$1.log"; fail "$1: the log holds '$secret'"; fi
  done
}
patient='{"resourceType": "Patient", "id": "p1", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}], "name": [{"family": "SMITH", "given": ["MARGARET"]}]}'
search='Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919'

# Text, at info level.
cat >"$work/text.json" <<JSON
{"node": {"name": "log-text", "ods_code": "RR8", "data_dir": "$work/text"}, "development": {"allow_anonymous": true}, "log": {"level": "info", "format": "text"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}, {"name": "peers", "type": "http-fhir", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start text "$work/text.json"
"$bin" send --mllp "127.0.0.1:$(port_of text 'source pas')" "$data/adt_a01_v251.hl7" "$data/adt_a01_bad_nhs.hl7" >"$work/acks.txt" || true
grep -q "AA MSG00001" "$work/acks.txt" || fail "admission not accepted: $(cat "$work/acks.txt")"
curl -sf -o /dev/null -X POST -H 'Content-Type: application/fhir+json' -d "$patient" "http://127.0.0.1:$(port_of text 'source peers')/" ||
  fail "the HTTP source did not take the patient"
search_finds "patient not found" "http://127.0.0.1:$(port_of text 'FHIR API')/$search"
wait_log text 'message source=pas control_id=MSG00001 outcome=accepted journal_id=[0-9]* latency_ms=[0-9.]*$'
wait_log text 'warn  message source=pas control_id=MSG00099 outcome=rejected journal_id=[0-9]* latency_ms='
wait_log text 'message source=peers control_id=.* outcome=accepted'
wait_log text 'request method=POST path=/ status=202 caller=anonymous peer=127.0.0.1:[0-9]* latency_ms='
wait_log text 'request method=GET path=/Patient status=200 caller=anonymous peer=127.0.0.1:[0-9]* latency_ms=[0-9.]*$'
no_content text
grep -q 'identifier' "$work/text.log" && fail "the query string was logged"

# JSON lines, with the API behind mutual TLS: the caller is the client certificate's CN.
make_certs node gp-practice
cat >"$work/json.json" <<JSON
{"node": {"name": "log-json", "ods_code": "RR8", "data_dir": "$work/jsondata"}, "development": {"allow_anonymous": true}, "log": {"format": "json"},
 "api": {"listen": "127.0.0.1:0", "tls": {"cert": "$work/node.crt", "key": "$work/node.key", "ca": "$work/gp-practice.crt"}},
 "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start json "$work/json.json"
"$bin" send --mllp "127.0.0.1:$(port_of json 'source pas')" "$data/adt_a01_v251.hl7" "$data/adt_a01_bad_nhs.hl7" >/dev/null || true
search_finds "patient not found over mutual TLS" "https://127.0.0.1:$(port_of json 'FHIR API')/$search" \
  --cacert "$work/node.crt" --cert "$work/gp-practice.crt" --key "$work/gp-practice.key"
wait_log json '"msg":"request","method":"GET","path":"/Patient","status":200,"caller":"gp-practice"'
wait_log json '"msg":"message","source":"pas","control_id":"MSG00001","outcome":"accepted","journal_id":'
no_content json
python3 - "$work/json.log" <<'PY' || fail "the JSON log does not parse: $(cat "$work/json.log")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert lines and all({"ts", "level", "msg"} <= l.keys() for l in lines)
assert any(l["msg"] == "message" and l["outcome"] == "rejected" and l["level"] == "warn" and isinstance(l["latency_ms"], float) for l in lines)
assert any(l["msg"] == "request" and l["path"] == "/Patient" and l["status"] == 200 for l in lines)
PY
echo "logging: outcome and request lines at info, no NHS number, content or query; JSON lines parse"
