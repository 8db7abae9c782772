#!/usr/bin/env bash
# A control id (MSH-10) reused for other content: by default answered AE with the reason, kept in
# the journal as rejected and counted; it was answered AA and dropped, so another patient's
# admission was lost. A source set with "accept_reused_control_id" takes it as a new message
# (AA, stored). An exact resend is still a duplicate either way.
# Usage: run_reused_control_id.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
cat >"$work/node.json" <<JSON
{"node": {"name": "acute", "ods_code": "RR8", "data_dir": "$work/acute"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"},
             {"name": "theatres", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "accept_reused_control_id": true}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start acute "$work/node.json"
api="http://127.0.0.1:$(port_of acute 'FHIR API')"
admin="http://127.0.0.1:$(port_of acute 'admin on')"
# admission.hl7 as MSG00001 for Margaret Smith; then the same MSH-10 for another patient.
cp "$data/adt_a01_v251.hl7" "$work/admission.hl7"
other() {  # other NHS_NUMBER FAMILY^GIVEN: the admission with the same MSH-10 and another PID
  tr '\r' '\n' <"$data/adt_a01_v251.hl7" |
    sed "s/^PID|.*/PID|1||$1^^^NHS^NH||$2||19780911|M|||4 Harehills Road^^Leeds^West Yorkshire^LS8 5HS^GBR^H/" | tr '\n' '\r'
}
other 9434765870 'OKAFOR^DANIEL^^^MR' >"$work/reused.hl7"
other 9450301263 'NOWAK^PIOTR^^^MR' >"$work/reused_ok.hl7"
grep -q 'MSG00001.*OKAFOR' "$work/reused.hl7" || fail "test data: not the admission with another patient"

pas="127.0.0.1:$(port_of acute 'source pas')"
"$bin" send --mllp "$pas" "$work/admission.hl7" "$work/reused.hl7" "$work/admission.hl7" >"$work/pas.txt" || true
sed -n 1p "$work/pas.txt" | grep -q "admission.hl7: AA MSG00001" || fail "first admission: $(cat "$work/pas.txt")"
sed -n 2p "$work/pas.txt" | grep -q "reused.hl7: AE MSG00001 control id MSG00001 was already used by message [0-9]* with other content" ||
  fail "reused control id not refused: $(cat "$work/pas.txt")"
sed -n 3p "$work/pas.txt" | grep -q "admission.hl7: AA MSG00001" || fail "exact resend: $(cat "$work/pas.txt")"
rejected=$(curl -sf "$admin/messages?status=rejected")
echo "$rejected" | grep -q '"channel":"pas","message_id":"MSG00001","status":"rejected","reason":"control id MSG00001 was already used by message [0-9]* with other content' ||
  fail "reused message not journalled as rejected with its reason: $rejected"
sqlite3 "$work/acute/journal.db" "SELECT raw FROM journal WHERE status = 'rejected'" | grep -q 9434765870 || fail "the reused message's content was not kept"
[ "$(sqlite3 "$work/acute/journal.db" "SELECT COUNT(*) FROM journal WHERE channel = 'pas'")" = 2 ] || fail "the exact resend was stored again"
stats=$(curl -sf "$admin/stats")
echo "$stats" | grep -q '"pas":{[^}]*"duplicates":1,"reused_control_ids":1' || fail "pas counters: $stats"

theatres="127.0.0.1:$(port_of acute 'source theatres')"
"$bin" send --mllp "$theatres" "$work/admission.hl7" "$work/reused_ok.hl7" "$work/reused_ok.hl7" >"$work/theatres.txt" ||
  fail "theatres: $(cat "$work/theatres.txt")"
[ "$(grep -c ': AA MSG00001' "$work/theatres.txt")" = 3 ] || fail "theatres answers: $(cat "$work/theatres.txt")"
[ "$(sqlite3 "$work/acute/journal.db" "SELECT COUNT(*) FROM journal WHERE channel = 'theatres' AND status = 'accepted'")" = 2 ] ||
  fail "theatres journal: $(sqlite3 "$work/acute/journal.db" "SELECT id, status, reason FROM journal WHERE channel = 'theatres'")"
stats=$(curl -sf "$admin/stats")
echo "$stats" | grep -q '"theatres":{[^}]*"accepted":2,[^}]*"duplicates":1,"reused_control_ids":1' || fail "theatres counters: $stats"
for _ in $(seq 100); do
  found=$(curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9450301263" || true)
  echo "$found" | grep -q '"NOWAK"' && break
  sleep 0.05
done
echo "$found" | grep -q '"NOWAK"' || fail "the accepted reuse is not in the store: $found"
curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765870" | grep -q '"OKAFOR"' &&
  fail "the refused reuse reached the store"
echo "reused control ids: refused AE, kept and counted by default; accepted as new where the source says; exact resends are duplicates"
