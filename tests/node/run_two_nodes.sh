#!/usr/bin/env bash
# Two nodes over loopback: a hospital's discharge summary (HL7 v2 MDM^T02 in over MLLP) is routed
# to the patient's GP practice over HTTPS FHIR with mutual TLS (each node trusts the other's
# certificate only). The GP node starts only after the hospital has
# tried to deliver, so the delivery has to be retried with backoff; then the GP's FHIR API holds
# the DocumentReference. Also: a refused message cannot be replayed while it still fails.
# Usage: run_two_nodes.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
gp_port=$(free_port)
gp_mllp=$(free_port)
make_certs hospital gp
cat >"$work/hospital.json" <<JSON
{"node": {"name": "hospital", "ods_code": "RR8", "data_dir": "$work/hospital"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "epr", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"},
                  {"name": "gp-pas", "type": "mllp", "target": "127.0.0.1:$gp_mllp", "retry": {"max_attempts": 0, "initial_backoff_ms": 50, "max_backoff_ms": 400}},
                  {"name": "gp", "type": "http-fhir", "url": "https://127.0.0.1:$gp_port/", "timeout_ms": 2000,
                   "tls": {"cert": "$work/hospital.crt", "key": "$work/hospital.key", "ca": "$work/gp.crt"},
                   "retry": {"max_attempts": 40, "initial_backoff_ms": 50, "max_backoff_ms": 400}}],
 "routes": [{"name": "discharge-to-gp", "match": {"message_types": ["MDM^T02"]}, "destinations": ["store", "gp"]},
            {"name": "admissions-to-gp-system", "match": {"message_types": ["ADT^A01"]}, "destinations": ["store", "gp-pas"]}],
 "unmatched": {"destinations": ["store"]}}
JSON
cat >"$work/gp.json" <<JSON
{"node": {"name": "gp", "ods_code": "B86010", "data_dir": "$work/gp"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "peers", "type": "http-fhir", "listen": "127.0.0.1:$gp_port",
              "tls": {"cert": "$work/gp.crt", "key": "$work/gp.key", "ca": "$work/hospital.crt"}},
             {"name": "pas-feed", "type": "mllp-hl7v2", "listen": "127.0.0.1:$gp_mllp"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON

start hospital "$work/hospital.json"
"$bin" send --mllp "127.0.0.1:$(port_of hospital 'source epr')" "$data/mdm_t02_discharge.hl7" "$data/adt_a01_bad_nhs.hl7" \
  "$data/adt_a01_v251.hl7" >"$work/acks.txt" || true
grep -q "mdm_t02_discharge.hl7: AA DOC-4410" "$work/acks.txt" || fail "discharge summary not accepted"
sleep 0.3  # the hospital is now retrying a GP node that is not there
start gp "$work/gp.json"
gp_api=$(port_of gp "FHIR API")
for _ in $(seq 100); do
  docs=$(curl -sf "http://127.0.0.1:$gp_api/DocumentReference?_count=10" || true)
  echo "$docs" | grep -q '"resourceType":"DocumentReference"' && break
  sleep 0.1
done
echo "$docs" | grep -q '"masterIdentifier"' || fail "the GP node did not receive the discharge summary"
# The admission went on as HL7 v2 over MLLP to the GP's system feed, retried until it was up.
for _ in $(seq 100); do
  allergies=$(curl -sf "http://127.0.0.1:$gp_api/AllergyIntolerance?_count=5" || true)
  echo "$allergies" | grep -q 372687004 && break
  sleep 0.1
done
echo "$allergies" | grep -q 372687004 || fail "the admission did not reach the GP over MLLP"
# Marked delivered only once the remote destinations have it too.
for _ in $(seq 50); do
  left=$(sqlite3 "$work/hospital/journal.db" "SELECT COUNT(*) FROM journal WHERE status = 'accepted' AND delivered = 0")
  [ "$left" = 0 ] && break
  sleep 0.1
done
[ "$left" = 0 ] || fail "$left accepted messages not marked delivered after their remote deliveries"
stats=$(curl -sf "http://127.0.0.1:$(port_of hospital 'admin on')/stats")
echo "$stats" | grep -q '"epr":{"received":3' || fail "hospital counters: $stats"
echo "$stats" | grep -q '"delivered":4' || fail "store, HTTP and MLLP deliveries not all counted: $stats"
# The refused message (bad NHS number) is listed and cannot be replayed while it still fails.
admin=$(port_of hospital 'admin on')
id=$(curl -sf "http://127.0.0.1:$admin/messages?status=rejected" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
code=$(curl -s -o "$work/replay.json" -w '%{http_code}' -X POST "http://127.0.0.1:$admin/messages/$id/replay")
[ "$code" = 422 ] || fail "replay of a still-invalid message answered $code"
grep -q "still not convertible" "$work/replay.json" || fail "replay refusal does not say why"
curl -sf "http://127.0.0.1:$admin/messages?message_id=DOC-4410" | grep -q '"status":"accepted"' || fail "message search by MSH-10"
# The GP's HTTP FHIR source, spoken to directly with the hospital's certificate: accepted once
# journalled (202), the same body again is recognised (200, not stored twice), invalid is 422.
post() { curl -s -o "$work/post.json" -w '%{http_code}' --cacert "$work/gp.crt" --cert "$work/hospital.crt" --key "$work/hospital.key" \
  -H 'Content-Type: application/fhir+json' -X POST -d "$1" "https://127.0.0.1:$gp_port/"; }
plan='{"resourceType":"CarePlan","status":"active","intent":"plan","subject":{"reference":"Patient/example"},"description":"Falls prevention visits"}'
[ "$(post "$plan")" = 202 ] || fail "care plan not accepted: $(cat "$work/post.json")"
[ "$(post "$plan")" = 200 ] || fail "resend not recognised: $(cat "$work/post.json")"
grep -q "already received" "$work/post.json" || fail "resend answer: $(cat "$work/post.json")"
[ "$(post '{"resourceType":"CarePlan","status":"sometimes"}')" = 422 ] || fail "invalid care plan not refused"
grep -q '"resourceType":"OperationOutcome"' "$work/post.json" || fail "refusal without an OperationOutcome"
for _ in $(seq 50); do
  n=$(curl -sf "http://127.0.0.1:$gp_api/CarePlan?_count=10" | grep -o 'Falls prevention visits' | wc -l || true)
  [ "$n" = 1 ] && break
  sleep 0.05
done
[ "$n" = 1 ] || fail "the care plan is in the GP store $n times"
# (The hospital may have resent its Bundle after a slow answer: a duplicate more, nothing stored twice.)
gp_stats=$(curl -sf "http://127.0.0.1:$(port_of gp 'admin on')/stats")
echo "$gp_stats" | grep -q '"peers":{"received":[45],"stored":3,"accepted":2,"rejected":1,"duplicates":[12],' || fail "GP source counters: $gp_stats"
# Both ends audit the same send under one X-Request-ID: the hospital its export, the GP node the
# message it took in (audited from its journal: one entry per journal commit, its request ids in
# entry_keys when its messages came with several).
sent=$(sqlite3 "$work/hospital/audit.db" "SELECT request_id FROM entries WHERE action = 'export' AND outcome = '0'" | sort -u)
[ -n "$sent" ] || fail "the hospital did not audit its export to the GP"
for _ in $(seq 50); do
  got=$(sqlite3 "$work/gp/audit.db" "SELECT request_id FROM entries WHERE journal_id > 0 AND request_id > ''
    UNION SELECT substr(key, 3) FROM entry_keys WHERE key LIKE 'r:%'" 2>/dev/null | sort -u)
  [ -n "$(comm -12 <(echo "$sent") <(echo "$got"))" ] && break
  sleep 0.1
done
[ -n "$(comm -12 <(echo "$sent") <(echo "$got"))" ] || fail "no X-Request-ID in both audits: sent [$sent] received [$got]"
# Without the hospital's certificate, the GP's source answers nothing.
if curl -s --cacert "$work/gp.crt" -X POST -d '{}' "https://127.0.0.1:$gp_port/" >/dev/null 2>&1; then fail "the GP source answered a client without a certificate"; fi
echo "two nodes: discharge summary (HTTPS FHIR, mutual TLS) and admission (MLLP) delivered to the GP after retries; refused message kept and not replayable"
