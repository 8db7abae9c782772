#!/usr/bin/env bash
# Social care through a node (issue 15): a council's node takes a Liquidlogic-style CSV, a
# Mosaic-style pipe file and PRSB XML documents from file drops (formats `delimited` and
# `prsb-xml`, each drop's map named in converters.delimited.source_maps). Each person of a file is
# its own journalled message: the good people are stored even though one row has an NHS number
# failing Modulus 11 and another has no person id; those are journalled as rejected, listed with
# their reason and replayable one by one; the file goes to rejected/ with a per-message outcome.
# Usage: run_social_file_drop.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
"$bin" token secret >"$work/ops.secret"
ops_token=$(sed -n 's/^token: //p' "$work/ops.secret")
ops_sha=$(sed -n 's/^token_sha256: //p' "$work/ops.secret")
"$bin" token secret >"$work/upload.secret"
upload_token=$(sed -n 's/^token: //p' "$work/upload.secret")
upload_sha=$(sed -n 's/^token_sha256: //p' "$work/upload.secret")
mkdir -p "$work/leeds" "$work/kirklees" "$work/prsb"
types='["Patient", "Organization", "RelatedPerson", "Practitioner", "CareTeam", "EpisodeOfCare", "CarePlan", "Goal", "ServiceRequest", "Encounter", "Observation", "Condition", "Flag"]'
cat >"$work/node.json" <<JSON
{"node": {"name": "council", "ods_code": "L8A2K", "kind": "social-care", "data_dir": "$work/node"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "case-system", "cert_cn": "las.leeds.example", "write_types": $types},
             {"name": "care-director", "token_sha256": "$upload_sha", "write_types": $types},
             {"name": "ops", "token_sha256": "$ops_sha", "roles": ["admin"]}],
 "converters": {"delimited": {"source_maps": [{"source": "leeds-las", "map": "liquidlogic-leeds"},
                                              {"source": "kirklees-mosaic", "map": "mosaic-kirklees"},
                                              {"source": "calderdale-upload", "map": "caredirector-calderdale"}]}},
 "sources": [{"name": "leeds-las", "type": "file-drop", "directory": "$work/leeds", "poll_ms": 50, "system": "case-system", "format": "delimited"},
             {"name": "kirklees-mosaic", "type": "file-drop", "directory": "$work/kirklees", "poll_ms": 50, "system": "case-system", "format": "delimited"},
             {"name": "prsb", "type": "file-drop", "directory": "$work/prsb", "poll_ms": 50, "system": "case-system", "format": "prsb-xml"},
             {"name": "calderdale-upload", "type": "http-fhir", "listen": "127.0.0.1:0", "format": "delimited"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start council "$work/node.json"
# drop FILE DIR [NAME]: written under a hidden name, then renamed, so the poll never reads half a file.
drop() { local n=${3:-$(basename "$1")}; cp "$1" "$2/.$n"; mv "$2/.$n" "$2/$n"; }
drop "$data/liquidlogic_leeds_adults.csv" "$work/leeds"
drop "$data/mosaic_kirklees_visits.txt" "$work/kirklees"
for f in prsb_bradford_whitehead.xml prsb_bradford_akhtar.xml prsb_truncated.xml; do drop "$data/$f" "$work/prsb"; done
settled() {
  for d in leeds kirklees prsb; do
    [ -n "$(find "$work/$d" -maxdepth 1 -type f)" ] && return 1
    [ -n "$(ls -A "$work/$d/.inflight" 2>/dev/null)" ] && return 1
  done
  return 0
}
for _ in $(seq 200); do settled && break; sleep 0.1; done
settled || fail "files not taken: $(ls -R "$work/leeds" "$work/kirklees" "$work/prsb")"
# One refused person makes the file rejected/, with each message's outcome beside it.
[ -f "$work/leeds/rejected/liquidlogic_leeds_adults.csv" ] || fail "the Leeds file is not in rejected/: $(ls -R "$work/leeds")"
outcome="$work/leeds/rejected/liquidlogic_leeds_adults.csv.outcome"
[ "$(grep -c ': accepted' "$outcome")" = 4 ] || fail "Leeds outcome: $(cat "$outcome")"
[ "$(grep -c ': rejected' "$outcome")" = 1 ] || fail "Leeds outcome: $(cat "$outcome")"
[ "$(stat -c %a "$outcome")" = 600 ] || fail "the outcome file is not private"
[ "$(grep -c ': accepted' "$work/kirklees/rejected/mosaic_kirklees_visits.txt.outcome")" = 3 ] || fail "Kirklees outcome"
[ -f "$work/prsb/done/prsb_bradford_whitehead.xml" ] && [ -f "$work/prsb/done/prsb_bradford_akhtar.xml" ] || fail "PRSB documents not done"
[ -f "$work/prsb/rejected/prsb_truncated.xml" ] || fail "the truncated PRSB document was not set aside"
api=$(port_of council "FHIR API")
auth=(-H "Authorization: Bearer $ops_token")
# The good rows' people are stored, whatever the bad row of their file did.
wait_for() {  # TYPE TEXT
  local out
  for _ in $(seq 100); do
    out=$(curl -sf "${auth[@]}" "http://127.0.0.1:$api/$1?_count=100" || true)
    echo "$out" | grep -q "$2" && { echo "$out"; return; }
    sleep 0.1
  done
  echo "$out"
}
people=(Whitaker Hussain Kaye Okafor Haigh Lockwood Sykes Whitehead Akhtar)
for _ in $(seq 100); do  # delivery to the store follows the journal: until every one is there
  patients=$(curl -sf "${auth[@]}" "http://127.0.0.1:$api/Patient?_count=100" || true)
  missing=0
  for who in "${people[@]}"; do grep -q "$who" <<<"$patients" || missing=1; done
  [ "$missing" = 0 ] && break
  sleep 0.1
done
for who in "${people[@]}"; do
  echo "$patients" | grep -q "$who" || fail "$who not stored: $patients"
done
echo "$patients" | grep -q Appleyard && fail "the person with the bad NHS number was stored"
curl -sf "${auth[@]}" "http://127.0.0.1:$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9993080233" | grep -q Whitaker ||
  fail "Margaret Whitaker not keyed by her NHS number"
wait_for CarePlan PL-881 | grep -q 'Urgent care trigger' || fail "no care plan with triggers"
wait_for CareTeam "Volunteer care coordinator" >/dev/null || fail "no volunteer in a care team"
wait_for Flag "Key safe" >/dev/null || fail "no alert flag"
# The refused people: journalled with their reason, replayable one by one.
admin=$(port_of council 'admin on')
rejected=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/messages?status=rejected")
echo "$rejected" | grep -q 'Modulus 11' || fail "the bad NHS number is not listed with its reason: $rejected"
echo "$rejected" | grep -q 'no person id' || fail "the row without a person id is not listed: $rejected"
echo "$rejected" | grep -q '9990025313' && fail "a rejected message's listing shows the NHS number"
id=$(echo "$rejected" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
code=$(curl -s -o "$work/replay.json" -w '%{http_code}' "${auth[@]}" -X POST "http://127.0.0.1:$admin/messages/$id/replay")
[ "$code" = 422 ] || fail "replay of a still-refused person answered $code: $(cat "$work/replay.json")"
stats=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/stats")
echo "$stats" | grep -q '"leeds-las":{"received":5' || fail "Leeds counters (one per person): $stats"
# An HTTP upload of a Care-Director-style export: one message per person, 202 when all are taken.
upload=$(port_of council 'source calderdale-upload')
up=(-H "Authorization: Bearer $upload_token" -H 'Content-Type: text/tab-separated-values')
code=$(curl -s -o "$work/upload.json" -w '%{http_code}' "${up[@]}" --data-binary "@$data/caredirector_calderdale_plans.tsv" "http://127.0.0.1:$upload/")
[ "$code" = 202 ] || fail "the upload answered $code: $(cat "$work/upload.json")"
[ "$(grep -o 'accepted' "$work/upload.json" | wc -l)" = 3 ] || fail "upload outcome: $(cat "$work/upload.json")"
wait_for Patient Sutcliffe >/dev/null
curl -sf "${auth[@]}" "http://127.0.0.1:$api/Patient?_count=100" | grep -q Sutcliffe || fail "the uploaded people are not stored"
# One person with an NHS number failing Modulus 11 beside one sent before: 422 naming it, the other a resend.
{ head -1 "$data/caredirector_calderdale_plans.tsv"; sed -n 2p "$data/caredirector_calderdale_plans.tsv" | sed 's/CD-70211\t9999048722/CD-70999\t9999048723/'
  sed -n 5p "$data/caredirector_calderdale_plans.tsv"; } >"$work/mixed.tsv"
code=$(curl -s -o "$work/upload.json" -w '%{http_code}' "${up[@]}" --data-binary "@$work/mixed.tsv" "http://127.0.0.1:$upload/")
[ "$code" = 422 ] || fail "the mixed upload answered $code: $(cat "$work/upload.json")"
grep -q 'message 1: rejected' "$work/upload.json" && grep -q 'Modulus 11' "$work/upload.json" && grep -q 'message 2: duplicate' "$work/upload.json" ||
  fail "mixed upload outcome: $(cat "$work/upload.json")"
# The same file again: every person a resend, nothing written twice.
drop "$data/liquidlogic_leeds_adults.csv" "$work/leeds" again.csv
for _ in $(seq 100); do [ -f "$work/leeds/rejected/again.csv" ] && break; sleep 0.1; done
grep -q 'duplicate' "$work/leeds/rejected/again.csv.outcome" || fail "a resent file is not known as resends: $(cat "$work/leeds/rejected/again.csv.outcome")"
echo "social file drop: 2 delimited files and 3 PRSB documents, one message per person; 9 people stored, 2 bad rows refused alone, listed and replayable"
# With tracing (matching over the node's own store): a person without an NHS number who is known
# here (Harold Whitehead, from his PRSB document) is keyed to his; one with an NHS number failing
# Modulus 11 and no match is held for an operator, never keyed to someone else.
kill -9 "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
sed -i 's|"unmatched"|"matching": {"indexes": [{"type": "sqlite-store"}]}, "unmatched"|' "$work/node.json"
start council2 "$work/node.json"
drop "$data/liquidlogic_leeds_untraced.csv" "$work/leeds"
for _ in $(seq 100); do [ -f "$work/leeds/done/liquidlogic_leeds_untraced.csv" ] && break; sleep 0.1; done
[ -f "$work/leeds/done/liquidlogic_leeds_untraced.csv" ] || fail "the untraced file: $(ls -R "$work/leeds")"
api=$(port_of council2 "FHIR API")
admin=$(port_of council2 'admin on')
harold=""
for _ in $(seq 100); do
  harold=$(curl -sf "${auth[@]}" "http://127.0.0.1:$api/Encounter?_count=50" || true)
  echo "$harold" | grep -q 'LAS-100610' && break
  sleep 0.1
done
curl -sf "${auth[@]}" "http://127.0.0.1:$api/Patient?identifier=urn:hidewire:identifier:social-care-person:L8A2K%7CLAS-100610" | grep -q 9998468329 ||
  fail "Harold Whitehead was not traced to his NHS number"
held=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/match")
echo "$held" | grep -q '"id"' || fail "the untraceable person is not held: $held"
curl -sf "${auth[@]}" "http://127.0.0.1:$api/Patient?_count=100" | grep -q Pickering && fail "the held person was stored"
echo "social tracing: a person without an NHS number traced to the one the node knows, an untraceable one held"
