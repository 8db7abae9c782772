#!/usr/bin/env bash
# This node as a GP Connect consumer through `hidewire run`: a GP system's provider
# (tests/peer/gpconnect_provider.mjs, mutual TLS, checking the Spine headers and the unsigned
# audit JWT) serves the ten-year record; the node follows that patient (config, interval 1 s),
# fetches the record on schedule through the intake, and the R4 resources are read from its store.
# The federated record pulls the registered practice's record from the provider as R4.
# Admin POST /follow adds a dissenting patient and an unknown one: audited with the Spine code.
# A wrong ASID is refused by the provider with BAD_REQUEST, audited too. Nothing logged at info.
set -euo pipefail
bin="$1"
data="$2"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
source "$here/access/pki.sh"
ca_init
org_cert gp B82099
org_cert rxx RXX
jwt_key rxx ES256
jwt_key epr ES256
nhs=9733001007       # Margaret Hargreaves, ten years at B82099
dissent=9434765919
unknown=4010232137

# The example's resolved-allergies List names another patient (1234567890): an erratum of the
# example, which the consumer refuses (one patient per answer); served with the one patient.
sed 's/1234567890/9999999999/g' "$data/gpconnect/structured_allergies_response1.json" >"$work/allergies_one_patient.json"
node "$here/../peer/gpconnect_provider.mjs" --cert "$work/gp.crt" --key "$work/gp.key" --ca "$work/ca.crt" \
  --asid 918999198993 --consumer-asid 200000001115 --token unsigned --examples "$data/gpconnect" \
  --record "$nhs=$data/gpconnect-records/hargreaves_ten_years.json" --record "9999999999=$work/allergies_one_patient.json" --dissent "$dissent" >"$work/gp.out" 2>"$work/gp.err" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/gp.out" && break; sleep 0.05; done
gp_port=$(sed -n 's/^listening //p' "$work/gp.out")
[ -n "$gp_port" ] || fail "the GP Connect provider stub did not start: $(cat "$work/gp.err")"

config() {  # config ASID: the node's configuration
  cat <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx"},
 "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:$api_port"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "epr", "jwt_keys": ["$work/epr-jwt.pub"], "roles": ["clinical"]}],
 "peers": [{"ods_code": "B82099", "kind": "gp-practice", "url": "https://127.0.0.1:$gp_port",
            "tls": {"cert": "$work/rxx.crt", "key": "$work/rxx.key", "ca": "$work/ca.crt"},
            "gpconnect_provider": {"asid": "918999198993", "token": "unsigned"}, "write_types": ["*"]}],
 "federation": {"jwt_key": "$work/rxx-jwt.key", "asid": "$1", "follow": {"interval_s": 1, "nhs_numbers": ["$nhs"]}},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
}
api_port=$(free_port)
config 200000001115 >"$work/rxx.json"
start rxx "$work/rxx.json"
api="http://127.0.0.1:$(port_of rxx 'FHIR API')"
admin="http://127.0.0.1:$(port_of rxx 'admin on')"

# The followed patient's record, converted to R4 by the intake, in the store.
for _ in $(seq 100); do
  curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C$nhs" | grep -q '"Patient"' && break; sleep 0.1
done
pid=$(curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C$nhs" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["entry"][0]["resource"]["id"] if b.get("entry") else "")')
[ -n "$pid" ] || fail "the followed patient's record never reached the store: $(tail -5 "$work/rxx.log")"
for t in MedicationRequest Immunization ServiceRequest Condition; do
  curl -sf "$api/$t?patient=$pid" | grep -q "\"resourceType\":\"$t\"" || fail "no $t of the followed patient in the store"
done
# Fetched again on the schedule: the same record is a duplicate at the intake, stored once.
sleep 2.5
calls=$(grep -c '"why":""' "$work/gp.err" || true)
[ "$calls" -ge 2 ] || fail "the followed patient was fetched $calls time(s) in 2.5 s at a 1 s interval"
# Journalled once, as from the provider, in format fhir-stu3 (replayable); the resends are duplicates.
rows=$(sqlite3 "$work/rxx/journal.db" "select status || '|' || format || '|' || (caller like '%B82099%') from journal where channel = 'gpconnect-follow'")
[ "$rows" = "accepted|fhir-stu3|1" ] || fail "the followed record is not journalled once as accepted fhir-stu3 from B82099: $rows"
curl -sf "$admin/stats" | python3 -c 'import json,sys; c=json.load(sys.stdin)["channels"]["gpconnect-follow"]; assert c["accepted"] == 1 and c["duplicates"] >= 1, c' ||
  fail "the follow channel's counters: $(curl -s "$admin/stats")"

# The federated record: the registered practice (the stored Patient's generalPractitioner, as an
# ADT would give it) is asked by GP Connect and its record merged as R4, with a Provenance naming it.
fed_nhs=9999999999
code=$(curl -s -o "$work/p.json" -w '%{http_code}' -X POST "$api/Patient" -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Patient",
  "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"'$fed_nhs'"}],"name":[{"family":"Jackson","given":["Richard"]}],
  "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B82099"}}]}')
[ "$code" = 201 ] || fail "the registered patient could not be stored: $code $(cat "$work/p.json")"
# record_from_gp NHS REQUEST_ID: the federated record holds the GP's record as R4, with a Provenance naming B82099.
record_from_gp() {
  # A token each: the node refuses a token it has seen (its jti).
  "$bin" token make --key "$work/epr-jwt.key" --alg ES256 --iss epr --aud "http://127.0.0.1:$api_port" --org RXX \
    --practitioner-id G1234567 --practitioner-name "Chidi Okafor" --sds-role R8000 --purpose directcare >"$work/token"
  "$bin" record --nhs "$1" --purpose directcare --token "@$work/token" --url "$api" --request-id "$2" >"$work/record.json" ||
    fail "hidewire record failed: $(head -c 1500 "$work/record.json")"
  python3 - "$work/record.json" <<'PY' || fail "the federated record of $2 is not the GP's as R4: $(head -c 1500 "$work/record.json")"
import json, sys
b = json.load(open(sys.argv[1]))
types = [e["resource"]["resourceType"] for e in b["entry"]]
assert "AllergyIntolerance" in types and "List" in types, types
prov = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Provenance" and "identifier" in e["resource"]["agent"][0]["who"]]
assert any(p["agent"][0]["who"]["identifier"]["value"] == "B82099" for p in prov), prov
PY
}
record_from_gp "$fed_nhs" gpc-fed-1
# A patient known here only from their GP Connect record (the followed one): registered at the
# practice that served it (its managingOrganization), so the federated record asks B82099.
record_from_gp "$nhs" gpc-fed-2

# Admin: follow a dissenting and an unknown patient; a bad NHS number is refused.
code=$(curl -s -o "$work/f.json" -w '%{http_code}' -X POST "$admin/follow" -d "{\"nhs_number\":\"$dissent\"}")
[ "$code" = 200 ] || fail "POST /follow: $code $(cat "$work/f.json")"
curl -s -o /dev/null -X POST "$admin/follow" -d "{\"nhs_number\":\"$unknown\"}"
code=$(curl -s -o "$work/f.json" -w '%{http_code}' -X POST "$admin/follow" -d '{"nhs_number":"1234567890"}')
[ "$code" = 400 ] || fail "a bad NHS number was followed: $code"
curl -sf "$admin/follow" | grep -q "$dissent" || fail "GET /follow does not list the dissenting patient"
sleep 1.5
sqlite3 "$work/rxx/audit.db" "select count(*) from entries where patient_nhs = '$dissent' and outcome = '4' and event_json like '%NO_PATIENT_CONSENT%'" |
  grep -qv '^0$' || fail "the dissent was not audited with NO_PATIENT_CONSENT"
sqlite3 "$work/rxx/audit.db" "select count(*) from entries where patient_nhs = '$unknown' and event_json like '%PATIENT_NOT_FOUND%'" |
  grep -qv '^0$' || fail "the unknown patient was not audited with PATIENT_NOT_FOUND"
sqlite3 "$work/rxx/audit.db" "select count(*) from entries where patient_nhs = '$nhs' and outcome = '0' and event_json like '%gpc.getstructuredrecord%'" |
  grep -qv '^0$' || fail "the followed patient's fetches were not audited"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$admin/follow" -d "{\"nhs_number\":\"$dissent\"}")
[ "$code" = 200 ] || fail "DELETE /follow: $code"
curl -sf "$admin/follow" | grep -q "$dissent" && fail "the dissenting patient is still followed"

# A wrong ASID (Ssp-From): the provider refuses with BAD_REQUEST, audited as such.
kill -9 "${pids[-1]}"; sleep 0.2
config 200000009999 >"$work/rxx.json"
start rxx2 "$work/rxx.json"
# What the admin API changed is kept: the unknown patient still followed, the dissenting one not.
admin2="http://127.0.0.1:$(port_of rxx2 'admin on')"
curl -sf "$admin2/follow" | grep -q "$unknown" || fail "a patient followed through the API was forgotten at restart: $(curl -s "$admin2/follow")"
curl -sf "$admin2/follow" | grep -q "$dissent" && fail "a patient stopped through the API is followed again after restart"
[ "$(stat -c %a "$work/rxx/follow.json")" = 600 ] || fail "follow.json is not private (0600)"
sleep 1.5
sqlite3 "$work/rxx/audit.db" "select count(*) from entries where patient_nhs = '$nhs' and event_json like '%BAD_REQUEST%Ssp-From%'" |
  grep -qv '^0$' || fail "the provider's BAD_REQUEST (Ssp-From) was not audited"
! grep -q "$nhs\|$dissent\|$fed_nhs" "$work/rxx.log" "$work/rxx2.log" || fail "an NHS number was logged"
! grep -q "eyJ" "$work/rxx.log" "$work/rxx2.log" || fail "a token was logged"
echo "PASS: GP Connect consumer"
