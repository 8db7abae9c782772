#!/usr/bin/env bash
# A sender writes only the resource types its credential grants (issue 10): the trust's
# pathology system (WinPath, `systems[]` lims, granted Observation, DiagnosticReport, Patient,
# Specimen, ServiceRequest) sends results over MLLP (AA) and an admission, whose Encounter it may
# not write: AE with an ERR naming the type and the credential, journalled as rejected with the
# reason, audited as refused; a replay is still refused until the configuration grants Encounter,
# then (after a restart) the replay stores it. A file drop as the same system refuses it alike.
# Usage: run_write_grants.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
"$bin" token secret >"$work/ops.secret"
ops_token=$(sed -n 's/^token: //p' "$work/ops.secret")
ops_sha=$(sed -n 's/^token_sha256: //p' "$work/ops.secret")
mkdir -p "$work/drop"
# config GRANTS: the node's configuration with the lab system granted GRANTS (a JSON list).
config() {
  cat >"$work/node.json" <<JSON
{"node": {"name": "Northshire Pathology", "ods_code": "RR8", "kind": "acute-trust", "data_dir": "$work/data"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "lims", "cert_cn": "winpath.rr8.nhs.uk", "write_types": $1},
             {"name": "ops", "token_sha256": "$ops_sha", "roles": ["admin"]}],
 "sources": [{"name": "lims-mllp", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "system": "lims"},
             {"name": "lims-files", "type": "file-drop", "directory": "$work/drop", "poll_ms": 50, "system": "lims", "format": "hl7v2"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
}
config '["Observation", "DiagnosticReport", "Patient", "Specimen", "ServiceRequest"]'
printf 'MSH|^~\\&|WINPATH|RR8|HIDEWIRE|RR8|20261202093000||ORU^R01^ORU_R01|LAB-90211|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\rORC|RE|ORD-7101|LAB-7101\rOBR|1|ORD-7101|LAB-7101|FBC^Full blood count^LOCAL|||20261202080000||||||||||||||||||F\rOBX|1|NM|718-7^Haemoglobin^LN||121|g/L|115-165|N|||F|||20261202080000\r' >"$work/oru.hl7"
admission() {
  printf 'MSH|^~\\&|WINPATH|RR8|HIDEWIRE|RR8|20261202101500||ADT^A01^ADT_A01|%s|P|2.5.1\rEVN|A01|20261202101500\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN||19410302|F\rPV1|1|I|RR8W07^Bed 12^Ward 7^RR8\r' "$1"
}
admission LAB-90212 >"$work/adt.hl7"

start node "$work/node.json"
mllp="127.0.0.1:$(port_of node 'source lims-mllp')"
admin="http://127.0.0.1:$(port_of node 'admin on')"
"$bin" send --mllp "$mllp" "$work/oru.hl7" "$work/adt.hl7" >"$work/acks.txt" 2>&1 || true
grep -q "oru.hl7: AA" "$work/acks.txt" || fail "results not accepted: $(cat "$work/acks.txt")"
grep -q "adt.hl7: AE" "$work/acks.txt" || fail "admission not refused AE: $(cat "$work/acks.txt")"
grep -q "adt.hl7: AE LAB-90212 .*Encounter (Bundle.entry\[1\]).*system lims (RR8)" "$work/acks.txt" || fail "the ERR does not name the type and the credential: $(cat "$work/acks.txt")"

journal="$work/data/journal.db"
row=$(sqlite3 "$journal" "SELECT id || '|' || status || '|' || (output = '') FROM journal WHERE message_id = 'LAB-90212'")
id=${row%%|*}
[ "${row#*|}" = "rejected|1" ] || fail "the admission is journalled as '$row' (want rejected, no output)"
sqlite3 "$journal" "SELECT reason FROM journal WHERE id = $id" | grep -q "Encounter (Bundle.entry\[1\]).*write_types" ||
  fail "no reason journalled: $(sqlite3 "$journal" "SELECT reason FROM journal WHERE id = $id")"
# Audited from the journal as a refused submission by the lab system.
for _ in $(seq 100); do
  audited=$(sqlite3 "$work/data/audit.db" "SELECT outcome FROM entries WHERE action = 'submit' AND journal_id = $id" 2>/dev/null || true)
  [ -n "$audited" ] && break
  sleep 0.05
done
[ "$audited" = 4 ] || fail "the refusal is audited with outcome '$audited' (want 4)"
sqlite3 "$work/data/audit.db" "SELECT event_json FROM entries WHERE journal_id = $id" | grep -q "Encounter" || fail "the audit does not say why"

# The file drop as the same system: refused alike, kept in rejected/ and in the journal.
admission LAB-90213 >"$work/drop/admission.hl7"
for _ in $(seq 100); do [ -f "$work/drop/rejected/admission.hl7" ] && break; sleep 0.05; done
[ -f "$work/drop/rejected/admission.hl7" ] || fail "the dropped admission was not moved to rejected/"
[ "$(sqlite3 "$journal" "SELECT status FROM journal WHERE message_id = 'LAB-90213'")" = rejected ] || fail "the dropped admission is not journalled as rejected"

# Replayed before the grant is fixed: still refused, with the reason.
ops=(-H "Authorization: Bearer $ops_token")
code=$(curl -s -o "$work/replay1.json" -w '%{http_code}' -X POST "${ops[@]}" "$admin/messages/$id/replay")
[ "$code" = 422 ] || fail "replay before the grant: HTTP $code $(cat "$work/replay1.json")"
grep -q "Encounter" "$work/replay1.json" || fail "replay refusal without its reason: $(cat "$work/replay1.json")"
[ "$(sqlite3 "$work/data/fhir.db" "SELECT COUNT(*) FROM resources WHERE type = 'Encounter'")" = 0 ] || fail "an Encounter was stored"

# The configuration grants Encounter; after a restart the replay goes through.
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
config '["Observation", "DiagnosticReport", "Patient", "Specimen", "ServiceRequest", "Encounter"]'
start node2 "$work/node.json"
admin="http://127.0.0.1:$(port_of node2 'admin on')"
code=$(curl -s -o "$work/replay2.json" -w '%{http_code}' -X POST "${ops[@]}" "$admin/messages/$id/replay")
[ "$code" = 200 ] || fail "replay after the grant: HTTP $code $(cat "$work/replay2.json")"
[ "$(sqlite3 "$journal" "SELECT status FROM journal WHERE id = $id")" = accepted ] || fail "the replayed admission is not accepted in the journal"
[ "$(sqlite3 "$work/data/fhir.db" "SELECT COUNT(*) FROM resources WHERE type = 'Encounter'")" = 1 ] || fail "the replayed Encounter is not stored"
[ "$(sqlite3 "$work/data/fhir.db" "SELECT COUNT(*) FROM resources WHERE type = 'Patient'")" = 1 ] || fail "the patient was stored twice"
echo "write grants: results AA, an admission's Encounter refused AE (ERR names type and credential), journalled, audited, replayed once granted; file drop alike"
