#!/usr/bin/env bash
# GP Connect structured records (FHIR STU3) reach the node through its sources and are stored as
# R4: POSTed to the HTTP FHIR source with fhirVersion=3.0 in the Content-Type, POSTed with no
# version (told from the resources: ReferralRequest, MedicationStatement.taken...), and left in
# the file drop. The R4 resources are read back from the FHIR API; an STU3 record without an NHS
# number is refused (422, an OperationOutcome) and kept as rejected; a system's write grants are
# checked against the R4 types (ServiceRequest, not ReferralRequest).
# Usage: run_stu3_records.sh HIDEWIRE_BIN DATA_DIR(tests/data)
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
mkdir -p "$work/drop"
"$bin" token secret >"$work/provider.secret"
provider_token=$(sed -n 's/^token: //p' "$work/provider.secret")
provider_sha=$(sed -n 's/^token_sha256: //p' "$work/provider.secret")
cat >"$work/node.json" <<JSON
{"node": {"name": "gp", "ods_code": "B82099", "data_dir": "$work/gp"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "gp-system", "token_sha256": "$provider_sha",
              "write_types": ["Patient", "Organization", "Practitioner", "PractitionerRole", "List", "MedicationRequest"]}],
 "sources": [{"name": "gp-connect", "type": "http-fhir", "listen": "127.0.0.1:0"},
             {"name": "records", "type": "file-drop", "directory": "$work/drop", "poll_ms": 50}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start gp "$work/node.json"
src="http://127.0.0.1:$(port_of gp 'source gp-connect')"
api="http://127.0.0.1:$(port_of gp 'FHIR API')"
post() { curl -s -o "$work/body.txt" -w '%{http_code}' -H "Content-Type: $1" --data-binary "@$2" "$src/"; }
nhs_search() { curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C$1"; }
patient_id() { nhs_search "$1" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["entry"][0]["resource"]["id"] if b.get("entry") else "")'; }
wait_for() {  # wait_for URL TEXT: until the API's answer holds TEXT
  for _ in $(seq 100); do curl -sf "$1" | grep -q "$2" && return; sleep 0.1; done
  fail "$1 never held $2"
}

# 1. The medications example, its version in the Content-Type (the examples' 9999999999 is valid).
code=$(post 'application/fhir+json; fhirVersion=3.0' "$data/gpconnect/structured_meds_response.json")
[ "$code" = 202 ] || fail "STU3 meds record: HTTP $code $(cat "$work/body.txt")"
wait_for "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9999999999" '"Patient"'
jackson=$(patient_id 9999999999)
wait_for "$api/MedicationStatement?patient=$jackson" 'Extension-UKCore-MedicationStatementLastIssueDate'
curl -sf "$api/MedicationStatement?patient=$jackson" | grep -q '"taken"' && fail "an STU3 element (taken) was stored"
curl -sf "$api/MedicationRequest?patient=$jackson" | grep -q '"intent":"plan"' || fail "the plans are not in the store"

# 2. The referrals example with no version: told from its ReferralRequests; stored as ServiceRequests.
code=$(post 'application/fhir+json' "$data/gpconnect/structured_referrals_response1.json")
[ "$code" = 202 ] || fail "STU3 referrals record: HTTP $code $(cat "$work/body.txt")"
wait_for "$api/ServiceRequest?patient=$jackson" 'Referral due to swollen legs'
curl -sf "$api/ServiceRequest?patient=$jackson" | grep -q 'https://fhir.nhs.uk/Id/UBRN' || fail "the referral's UBRN is not stored"

# 3. The ten-year record through the file drop: detected, converted, every reference stored resolved.
cp "$data/gpconnect-records/hargreaves_ten_years.json" "$work/drop/hargreaves.json"
for _ in $(seq 100); do [ -f "$work/drop/done/hargreaves.json" ] && break; sleep 0.1; done
[ -f "$work/drop/done/hargreaves.json" ] || fail "the record was not taken: $(ls -R "$work/drop")"
wait_for "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9733001007" 'Hargreaves'
pid=$(patient_id 9733001007)
wait_for "$api/Immunization?patient=$pid" 'not-done'
curl -sf "$api/Condition?patient=$pid" >"$work/conditions.json"
python3 - "$work/conditions.json" "$pid" <<'PY' || fail "the stored Conditions are not as converted"
import json, sys
b = json.load(open(sys.argv[1]))
conds = [e["resource"] for e in b.get("entry", [])]
assert len(conds) == 3, len(conds)
for c in conds:
    assert c["subject"]["reference"] == "Patient/" + sys.argv[2], c["subject"]
    assert c["clinicalStatus"]["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/condition-clinical"
    assert c["encounter"]["reference"].startswith("Encounter/"), c["encounter"]
PY
enc=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print(b["entry"][0]["resource"]["encounter"]["reference"])' "$work/conditions.json")
curl -sf "$api/$enc" | grep -q '"status":"finished"' || fail "the problem's consultation $enc is not in the store"

# 4. An STU3 record without an NHS number is refused at once and kept.
code=$(post 'application/fhir+json; fhirVersion=3.0' "$data/gpconnect/structured_skeleton_full_record.json")
[ "$code" = 422 ] || fail "the skeleton record: HTTP $code, expected 422"
grep -q 'no Patient with an NHS number' "$work/body.txt" || fail "the refusal does not say why: $(cat "$work/body.txt")"
# 5. A system's grants apply to the R4 types a record becomes: its ProcedureRequests are ServiceRequests.
code=$(curl -s -o "$work/body.txt" -w '%{http_code}' -H "Authorization: Bearer $provider_token" \
  -H 'Content-Type: application/fhir+json; fhirVersion=3.0' --data-binary "@$data/gpconnect/structured_diaryentries_response1.json" "$src/")
[ "$code" = 403 ] || [ "$code" = 422 ] || fail "ungranted ServiceRequests: HTTP $code $(cat "$work/body.txt")"
grep -q 'ServiceRequest' "$work/body.txt" || fail "the refusal does not name ServiceRequest: $(cat "$work/body.txt")"
echo "STU3 records: by Content-Type, by their resources and from the file drop, stored as R4; one without an NHS number refused; grants checked on the R4 types"
