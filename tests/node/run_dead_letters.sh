#!/usr/bin/env bash
# Dead letters and replay by command: results routed to a peer that is down fail after their
# retries and are kept with the reason; once the peer is up, `hidewire replay --status failed`
# delivers them and the journal shows them delivered. A message refused for its content stays
# refused on replay (exit 1, with the reason), and a replayed message lands in the store once.
# Each remote destination has its own worker: an archive that never answers (its admission keeps
# being retried) does not hold up the results going to the GP.
# Usage: run_dead_letters.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
peer_port=$(free_port)
archive_port=$(free_port)
cat >"$work/lab.json" <<JSON
{"node": {"name": "lab", "ods_code": "RR8", "data_dir": "$work/lab"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lims", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"},
                  {"name": "gp", "type": "http-fhir", "url": "http://127.0.0.1:$peer_port/", "timeout_ms": 1000,
                   "retry": {"max_attempts": 2, "initial_backoff_ms": 20, "max_backoff_ms": 40}},
                  {"name": "archive", "type": "http-fhir", "url": "http://127.0.0.1:$archive_port/", "timeout_ms": 1000,
                   "retry": {"max_attempts": 1000, "initial_backoff_ms": 1000, "max_backoff_ms": 1000}}],
 "routes": [{"name": "results-to-gp", "match": {"message_types": ["ORU^R01"]}, "destinations": ["store", "gp"]},
            {"name": "admissions-to-archive", "match": {"message_types": ["ADT^A01"]}, "destinations": ["store", "archive"]}],
 "unmatched": {"destinations": ["store"]}}
JSON
cat >"$work/gp.json" <<JSON
{"node": {"name": "gp", "ods_code": "B86010", "data_dir": "$work/gp"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "peers", "type": "http-fhir", "listen": "127.0.0.1:$peer_port"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON

start lab "$work/lab.json"
admin="127.0.0.1:$(port_of lab 'admin on')"
"$bin" send --mllp "127.0.0.1:$(port_of lab 'source lims')" "$data/adt_a01_v251.hl7" "$data/oru_r01_v251.hl7" \
  "$data/adt_a01_bad_nhs.hl7" >"$work/acks.txt" || true
grep -q "oru_r01_v251.hl7: AA" "$work/acks.txt" || fail "results not accepted: $(cat "$work/acks.txt")"
for _ in $(seq 100); do
  curl -sf "http://$admin/messages?status=failed" | grep -q '"status":"failed"' && break
  sleep 0.05
done
failed=$(curl -sf "http://$admin/messages?status=failed")
echo "$failed" | grep -q 'gp: HTTP delivery to http://127.0.0.1:[0-9]*/ failed.*(after 2 attempts)' || fail "no dead letter with its reason: $failed"
curl -sf "http://$admin/stats" | grep -q '"dead_lettered":1' || fail "dead letter not counted"

start gp "$work/gp.json"
"$bin" replay --admin "$admin" --status failed >"$work/replay.txt" || fail "replay: $(cat "$work/replay.txt")"
grep -q "1 replayed, 0 refused" "$work/replay.txt" || fail "replay output: $(cat "$work/replay.txt")"
gp_api=$(port_of gp "FHIR API")
for _ in $(seq 100); do
  obs=$(curl -sf "http://127.0.0.1:$gp_api/Observation?_count=20" || true)
  echo "$obs" | grep -q '"resourceType":"Observation"' && break
  sleep 0.05
done
echo "$obs" | grep -q '"resourceType":"Observation"' || fail "the replayed results did not reach the GP"
id=$(echo "$failed" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
for _ in $(seq 100); do
  state=$(sqlite3 "$work/lab/journal.db" "SELECT status || '/' || delivered FROM journal WHERE id = $id" || true)
  [ "$state" = "accepted/1" ] && break
  sleep 0.05
done
[ "$state" = "accepted/1" ] || fail "replayed message is $state in the journal"
# The lab's own store got the results once (the message has two OBRs: two reports, each at
# version 1 and written once in history), whatever the replay did.
n=$(sqlite3 "$work/lab/fhir.db" "SELECT COUNT(*) || '/' || MAX(version) FROM resources WHERE type = 'DiagnosticReport'")
[ "$n" = 2/1 ] || fail "the lab store holds reports/max version $n after the replay (want 2/1)"
h=$(sqlite3 "$work/lab/fhir.db" "SELECT COUNT(*) FROM history WHERE type = 'Observation'")
o=$(sqlite3 "$work/lab/fhir.db" "SELECT COUNT(*) FROM resources WHERE type = 'Observation'")
[ "$h" = "$o" ] || fail "observations written again on replay: $h history rows for $o observations"

# A content error stays refused on replay, with the reason, and the command says so.
if "$bin" replay --admin "$admin" --status rejected >"$work/refused.txt"; then fail "replay of a refused message succeeded"; fi
grep -q "refused (HTTP 422).*still not convertible" "$work/refused.txt" || fail "refusal output: $(cat "$work/refused.txt")"
"$bin" replay --admin 127.0.0.1:1 42 2>"$work/down.txt" && fail "replay against no node succeeded"
grep -q "no answer" "$work/down.txt" || fail "no message when the node is not there: $(cat "$work/down.txt")"

# An admin port behind mutual TLS: replay speaks to it with the node's CA and a client certificate.
make_certs node operator
cat >"$work/secure.json" <<JSON
{"node": {"name": "secure", "ods_code": "RR8", "data_dir": "$work/secure"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"},
 "admin": {"listen": "127.0.0.1:0", "tls": {"cert": "$work/node.crt", "key": "$work/node.key", "ca": "$work/operator.crt"}},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start secure "$work/secure.json"
secure="127.0.0.1:$(port_of secure 'admin on')"
"$bin" replay --admin "$secure" --ca "$work/node.crt" --cert "$work/operator.crt" --key "$work/operator.key" --status failed \
  >"$work/secure.txt" || fail "replay over mutual TLS: $(cat "$work/secure.txt")"
grep -q "0 replayed, 0 refused" "$work/secure.txt" || fail "replay over mutual TLS: $(cat "$work/secure.txt")"
"$bin" replay --admin "$secure" --ca "$work/node.crt" --status failed 2>"$work/nocert.txt" && fail "replay without a client certificate succeeded"
grep -q "no answer.*over TLS" "$work/nocert.txt" || fail "no message without a client certificate: $(cat "$work/nocert.txt")"
echo "dead letters: failed delivery kept with its reason, replayed by command once the peer was up; refused stays refused; replay over mutual TLS"
