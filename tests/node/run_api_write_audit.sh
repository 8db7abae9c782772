#!/usr/bin/env bash
# An API write is audited before it takes effect, in the running node with its SQLite audit log:
# a create leaves one record of its request (outcome 0) and is stored; an update with a stale
# If-Match is answered 412 and leaves two (0, then 4 "not applied"), the stored version unchanged;
# a read still leaves one.
# Usage: run_api_write_audit.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
"$bin" token secret >"$work/epr.secret"
token=$(sed -n 's/^token: //p' "$work/epr.secret")
cat >"$work/node.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/data"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "epr", "token_sha256": "$(sed -n 's/^token_sha256: //p' "$work/epr.secret")", "roles": ["clinical"],
              "write_types": ["Patient", "Observation"]}],
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start node "$work/node.json"
api="http://127.0.0.1:$(port_of node 'FHIR API')"
auth=(-H "Authorization: Bearer $token" -H "Content-Type: application/fhir+json")
# records REQUEST_ID: the outcomes of that request's audit records, in order.
records() { sqlite3 "$work/data/audit.db" "SELECT group_concat(outcome, ',') FROM (SELECT outcome FROM entries WHERE request_id = '$1' ORDER BY seq)"; }

patient='{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"name":[{"family":"Smith","given":["Margaret"]}]}'
code=$(curl -s -o "$work/created.json" -w '%{http_code}' "${auth[@]}" -H "X-Request-ID: rxx-create-1" -X POST "$api/Patient" -d "$patient")
[ "$code" = 201 ] || fail "create: HTTP $code $(cat "$work/created.json")"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/created.json")
[ "$(records rxx-create-1)" = 0 ] || fail "create audited as '$(records rxx-create-1)' (want one record, 0)"
sqlite3 "$work/data/audit.db" "SELECT event_json FROM entries WHERE request_id = 'rxx-create-1'" | grep -q "write authorised" ||
  fail "the create's record does not say how it reads"

obs="{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"Potassium\"},\"subject\":{\"reference\":\"Patient/$id\"},\"valueQuantity\":{\"value\":5.9,\"unit\":\"mmol/L\"}}"
code=$(curl -s -o "$work/obs.json" -w '%{http_code}' "${auth[@]}" -H "X-Request-ID: rxx-create-2" -X POST "$api/Observation" -d "$obs")
[ "$code" = 201 ] || fail "create observation: HTTP $code $(cat "$work/obs.json")"
oid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/obs.json")
code=$(curl -s -o "$work/stale.json" -w '%{http_code}' "${auth[@]}" -H "X-Request-ID: rxx-update-1" -H 'If-Match: W/"7"' \
  -X PUT "$api/Observation/$oid" -d "${obs%\}},\"id\":\"$oid\"}")
[ "$code" = 412 ] || fail "stale update: HTTP $code $(cat "$work/stale.json")"
[ "$(records rxx-update-1)" = 0,4 ] || fail "the stale update is audited as '$(records rxx-update-1)' (want 0,4)"
sqlite3 "$work/data/audit.db" "SELECT event_json FROM entries WHERE request_id = 'rxx-update-1' ORDER BY seq DESC LIMIT 1" | grep -q "not applied" ||
  fail "the second record does not say the update was not applied"
[ "$(sqlite3 "$work/data/fhir.db" "SELECT version FROM resources WHERE type = 'Observation' AND id = '$oid'")" = 1 ] || fail "the stale update was stored"

curl -sf "${auth[@]}" -H "X-Request-ID: rxx-read-1" "$api/Patient/$id" >/dev/null || fail "read refused"
[ "$(records rxx-read-1)" = 0 ] || fail "a read audited as '$(records rxx-read-1)'"
echo "API writes audited first: a create one record, a stale update two (authorised, not applied) and not stored, a read one"
