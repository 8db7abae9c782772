#!/usr/bin/env bash
# The conformance suite tests itself (issue 16): hidewire's own node, started on loopback, passes
# the integration-engine pack (as an HL7 v2 receiver, a FHIR server, a GP Connect provider, and as
# a sender: its MLLP and HTTP FHIR destinations point at the suite's listeners, its file destination
# at the folder the suite reads, checked against UK Core); a deliberately non-conformant stub product (stub_product.py) fails
# with exactly the expected findings and nothing else. Needs python3.
# Usage: run_conformance_suite.sh HIDEWIRE_BIN UK_CORE_IG_DIR
set -euo pipefail
bin=$1
ukcore=$2
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../node/lib.sh"
source "$here/../node/access/pki.sh"

# The requirement list: every pack, every requirement with its source, tests traced.
"$bin" conformance list >"$work/list.txt"
for p in gp-system acute-pas-epr ambulance-epr 111-cas social-care integration-engine; do grep -q "^  $p" "$work/list.txt" || fail "pack $p not listed"; done
grep -A3 '^  V2-ACK-01 ' "$work/list.txt" | grep -q 'tests: V2R-ACK-MSA2' || fail "V2-ACK-01 does not trace to its test: $(cat "$work/list.txt")"
grep -A3 '^  MU-GP2GP-01 ' "$work/list.txt" | grep -q 'tests: none yet' || fail "an untested requirement is not said to be untested"
"$bin" conformance list --pack nonsense >/dev/null 2>&1 && fail "an unknown pack was listed"
"$bin" conformance run --pack integration-engine --report "$work/r0" >/dev/null 2>&1 && fail "a run with nothing to test succeeded"
usage() {  # usage WHAT ARGS...: a bad command line is exit 2 with a message
  local st=0
  "$bin" conformance run --report "$work/r0" "${@:2}" >"$work/usage.txt" 2>&1 || st=$?
  [ "$st" = 2 ] && [ -s "$work/usage.txt" ] || fail "$1: exit $st: $(cat "$work/usage.txt")"
}
usage "an unknown pack" --pack nonsense --target http://127.0.0.1:9
usage "a target without a scheme" --pack gp-system --target 127.0.0.1:2575
usage "an MLLP target without a port" --pack gp-system --target mllp://127.0.0.1
usage "--cert without --key" --pack gp-system --target https://127.0.0.1:9 --cert x.crt
usage "--gpc-listen without a certificate" --pack gp-system --gpc-listen https://127.0.0.1:9
usage "an invalid --gpc-patient" --pack gp-system --target http://127.0.0.1:9 --gpc-patient 9434765918
usage "--profile without --ig" --pack gp-system --target http://127.0.0.1:9 --profile https://example.org/p
usage "--org2-iss without its key" --pack gp-system --target http://127.0.0.1:9 --org2-iss yas --org2-ods RX8
usage "--patient-key that is not a key" --pack gp-system --target http://127.0.0.1:9 --patient-iss idp --patient-key /dev/null
usage "--listen mllps:// without a certificate" --pack gp-system --listen mllps://127.0.0.1:9
usage "--record-query that is not a path" --pack gp-system --target http://127.0.0.1:9 --record-query 'Patient/$x'
usage "--export-query that is not a path" --pack gp-system --target http://127.0.0.1:9 --export-query 'Patient/$x'

# --- hidewire's own node -------------------------------------------------------------------
secret=$("$bin" token secret)
token=$(echo "$secret" | sed -n 's/^token: //p')
sha=$(echo "$secret" | sed -n 's/^token_sha256: //p')
echo "$token" >"$work/token"
listen=$(free_port)
hlisten=$(free_port)
apiport=$(free_port)  # fixed, so the node's audience (its base URL) is known for the patient's token
mkdir -p "$work/out"
"$bin" token keygen --alg ES256 --out "$work/idp" >/dev/null
# The suite's GP Connect provider (HTTPS, mutual TLS) and the node's certificate for calling it.
ca_init
org_cert suite X26
org_cert engine RCB
jwt_key engine ES256
# The suite's clinician (the node's own system) and a second organisation, an ambulance service,
# each known by its JWT's key; the patient's identity provider signs the patient's tokens.
jwt_key suite ES256
jwt_key org2 ES256
secret locality  # the locality report's credential for the node's admin API (role viewer)
gpcport=$(free_port)
cat >"$work/node.json" <<JSON
{"node": {"name": "engine", "ods_code": "RCB", "kind": "acute-trust", "data_dir": "$work/engine"},
 "api": {"listen": "127.0.0.1:$apiport"}, "admin": {"listen": "127.0.0.1:0"}, "access": {"type": "consent"},
 "systems": [{"name": "conformance-suite", "token_sha256": "$sha", "jwt_keys": ["$work/suite-jwt.pub"], "roles": ["clinical"], "write_types": ["*"]},
             {"name": "locality", "token_sha256": "$(cat "$work/locality.sha256")", "roles": ["viewer"]},
             {"name": "yas-epr", "ods_code": "RX8", "kind": "ambulance-service", "jwt_keys": ["$work/org2-jwt.pub"], "roles": ["clinical"]},
             {"name": "pas", "cert_cn": "pas", "facilities": ["HWCONF"], "write_types": ["*"]}],
 "identity_providers": [{"issuer": "patient-idp", "keys": ["$work/idp.pub"]}],
 "peers": [{"ods_code": "B99999", "kind": "gp-practice", "url": "https://127.0.0.1:$gpcport",
            "tls": {"cert": "$work/engine.crt", "key": "$work/engine.key", "ca": "$work/ca.crt"},
            "gpconnect_provider": {"asid": "918999198993", "token": "signed"}, "write_types": ["*"]}],
 "federation": {"jwt_key": "$work/engine-jwt.key", "asid": "200000001115", "follow": {"interval_s": 1, "nhs_numbers": ["4010232137"]}},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "system": "pas"}],
 "destinations": [{"name": "store", "type": "fhir-store"},
                  {"name": "suite", "type": "mllp", "target": "127.0.0.1:$listen",
                   "tls": {"cert": "$work/engine.crt", "key": "$work/engine.key", "ca": "$work/ca.crt"}},
                  {"name": "suite-http", "type": "http-fhir", "url": "https://127.0.0.1:$hlisten/fhir",
                   "tls": {"cert": "$work/engine.crt", "key": "$work/engine.key", "ca": "$work/ca.crt"}},
                  {"name": "out", "type": "file", "directory": "$work/out"}],
 "unmatched": {"destinations": ["store", "suite", "suite-http", "out"]}}
JSON
start engine "$work/node.json"
api="http://127.0.0.1:$(port_of engine 'FHIR API')"
mllp="127.0.0.1:$(port_of engine 'source pas')"
# GP Connect's test patients: registered here (RCB) with a verified NHS number, one of them deceased.
patient() {  # patient NHS_NUMBER FAMILY EXTRA_JSON
  local verified='"extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus","valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland","code":"01"}]}}]'
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/fhir+json' "$api/Patient" -d \
    '{"resourceType":"Patient","identifier":[{'"$verified"',"system":"https://fhir.nhs.uk/Id/nhs-number","value":"'"$1"'"}],"name":[{"family":"'"$2"'","given":["TEST"]}],"birthDate":"1950-05-17"'"$3"',"generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RCB"}}]}' ||
    fail "could not record test patient $2"
}
patient 9434765919 REGISTERED ''
patient 9450301263 DECEASED ',"deceasedBoolean":true'
patient 9434765927 SENSITIVE ',"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}'
gpc=(--gpc-patient 9434765919 --gpc-deceased 9450301263 --gpc-sensitive 9434765927)
# Who the suite acts as besides its own system: the node's clinician, the ambulance service, the patient.
ids=(--jwt-iss conformance-suite --jwt-ods RCB --jwt-key "$work/suite-jwt.key" --org2-iss yas-epr --org2-ods RX8 --org2-key "$work/org2-jwt.key"
     --patient-iss patient-idp --patient-key "$work/idp.key")
# A discharge summary the node passes on during the window, addressed to the GP practice the suite
# stands for, three hours after the patient's discharge (PV1-45); and a referral to that practice.
admitted=$(date -u -d '-2 days' +%Y%m%d%H%M%S)
discharged=$(date -u -d '-3 hours' +%Y%m%d%H%M%S)
pv1="PV1|1|I|WARD1^BED2^^HWCONF$(printf '|%.0s' $(seq 41))$admitted|$discharged"
printf 'MSH|^~\\&|EPR|HWCONF|GP|B99999|20261204100000||MDM^T02^MDM_T02|DOC-0001|P|2.5.1\rEVN|T02|20261204100000\rPID|1||9434765919^^^NHS^NH||REGISTERED^TEST||19500517|F\r%s\rTXA|1|DS^Discharge summary|TX|20261204095000||||||||DOC-0001-1|||||AU\rOBX|1|TX|18842-5^Discharge summary^LN||Admitted with community-acquired pneumonia; discharged on oral amoxicillin.||||||F\r' "$pv1" >"$work/discharge.hl7"
printf 'MSH|^~\\&|EPR|HWCONF|GP|B99999|20261204101000||REF^I12^REF_I12|REF-0001|P|2.5.1\rRF1|P^Pending^HL70283|R^Routine^HL70280|MED^Medical^HL70282|||REF-0001-1|20261204101000\rPRD|RP^Referring Provider^HL70286|JONES^SARAH^^^DR\rPID|1||9434765919^^^NHS^NH||REGISTERED^TEST||19500517|F\r' >"$work/referral.hl7"
status=0
(sleep 2; "$bin" send --mllp "$mllp" "$work/discharge.hl7" "$work/referral.hl7" >"$work/discharge.txt" 2>&1) &
# The suite's listeners over TLS (mutual: the node's certificate must chain to the CA).
"$bin" conformance run --pack integration-engine --target "mllp://$mllp" --target "$api" --token "@$work/token" "${gpc[@]}" --gp-ods B99999 "${ids[@]}" \
  --gpc-listen "https://127.0.0.1:$gpcport" --listen-cert "$work/suite.crt" --listen-key "$work/suite.key" --listen-ca "$work/ca.crt" \
  --gpc-consumer-key "$work/engine-jwt.pub" --listen "mllps://127.0.0.1:$listen" --listen "https://127.0.0.1:$hlisten" --from-folder "$work/out" --ig "$ukcore" --window 6 --report "$work/node-report" \
  >"$work/node-run.txt" 2>&1 || status=$?
[ "$status" = 0 ] || fail "hidewire's node did not pass the integration-engine pack (exit $status): $(cat "$work/node-run.txt")"
for t in V2R-ACK-MSA2 V2R-NHS-INVALID V2R-RESEND V2R-UNREADABLE FHIR-METADATA FHIR-READ-MISSING FHIR-SEARCH FHIR-INVALID-CREATE \
  FHIR-UNAUTHENTICATED GPC-PARAM-ERRORS GPC-UNKNOWN-PATIENT GPC-DECEASED GPC-SENSITIVE GPC-RECORD GPC-NO-STORE ACCESS-AUDIT-VISIBLE \
  ACCESS-DISSENT GPC-DISSENT ACCESS-BREAK-GLASS ACCESS-BREAK-GLASS-REFUSED ACCESS-POINT-OF-CARE ACCESS-RESTRICTION ACCESS-RESTRICTION-CLASS ACCESS-OPTOUT-DIRECT-CARE EXPORT-OPTOUT ACCESS-AUDIT-ALL GPC-AUDIT GPC-CONSUMER-PARTIAL GPC-CONSUMER-ERRORS \
  GPC-CONSUMER-REQUEST SND-V2-STRUCTURE SND-V2-NHS SND-DISCHARGE-TO-GP SND-REFERRAL-TO-GP SND-DISCHARGE-TIMELY SND-FHIR-PROFILES; do
  grep -q "^$t	pass" "$work/node-run.txt" || fail "$t did not pass against the node: $(cat "$work/node-run.txt")"
done
for f in junit.xml report.html TestReport.json; do [ -s "$work/node-report/$f" ] || fail "no $f"; done
"$bin" validate "$work/node-report/TestReport.json" >"$work/validate.txt" 2>&1 || fail "the TestReport is not valid R4: $(cat "$work/validate.txt")"
grep -q '"result":"pass"' "$work/node-report/TestReport.json" || fail "the node's TestReport does not say pass"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$work/node-report/junit.xml" || fail "junit.xml is not XML"
grep -q 'failures="0" errors="0" skipped="0"' "$work/node-report/junit.xml" || fail "junit.xml counts: $(head -3 "$work/node-report/junit.xml")"
grep -q 'MSA|AA|HWC' "$work/node-report/report.html" || fail "the HTML page lacks the ACKs as evidence"
grep -q '<summary>POST /fhir #1</summary>' "$work/node-report/report.html" || fail "the FHIR the node POSTed was not checked"
grep -q '<summary>message-[0-9]*.json</summary>' "$work/node-report/report.html" || fail "the FHIR files the node wrote were not checked"
grep -Eq '(src|href)="(https?:)?//' "$work/node-report/report.html" && fail "the HTML page uses external assets"
grep -qF -- "$token" "$work/node-report/"* && fail "the token is in a report"
grep -q 'eyJ' "$work/node-report/"* && fail "a JWT the suite signed or received is in a report"
# What the suite recorded as the patient was withdrawn: the node's Consents for them are all inactive.
consents=$(curl -sf -H "Authorization: Bearer $token" "$api/Consent?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919") ||
  consents=$(curl -sf -H "Authorization: Bearer $token" "$api/Consent") || fail "could not list the node's Consents"
grep -q '"status":"inactive"' <<<"$consents" || fail "the suite's Consents were not withdrawn: $consents"
grep -q '"status":"active"' <<<"$consents" && fail "a Consent the suite recorded is still active: $consents"
# The node's secondary-use export is for that purpose only: the suite's opaque token (no purpose) is refused.
code=$(curl -s -o "$work/export.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$api/Patient/\$hidewire-export")
[ "$code" = 403 ] && grep -q 'secondary-use' "$work/export.json" || fail "an export without purpose secondary-use: $code $(head -c 300 "$work/export.json")"
# The node's GP Connect JWTs checked against a key that is not its own: the signature is refused.
"$bin" conformance run --pack integration-engine --gpc-listen "https://127.0.0.1:$gpcport" --listen-cert "$work/suite.crt" --listen-key "$work/suite.key" \
  --listen-ca "$work/ca.crt" --gpc-consumer-key "$work/org2-jwt.pub" --window 3 --report "$work/signature-report" >"$work/signature-run.txt" 2>&1 || true
grep -q "^GPC-CONSUMER-REQUEST	fail	.*the JWT's signature does not verify with the product's key" "$work/signature-run.txt" ||
  fail "a JWT signed with another key was not refused: $(cat "$work/signature-run.txt")"
# Without a patient token the log is read as the registered practice (the suite's system is RCB's).
"$bin" conformance run --pack gp-system --target "$api" --token "@$work/token" "${gpc[@]}" --report "$work/practice-report" \
  >"$work/practice-run.txt" 2>&1 || true
grep -q "^ACCESS-AUDIT-VISIBLE	pass" "$work/practice-run.txt" || fail "the practice's export of the access log: $(cat "$work/practice-run.txt")"
grep -q "^V2R-ACK-MSA2	skip	no --target mllp://" "$work/practice-run.txt" || fail "a test without its interface is not skipped: $(cat "$work/practice-run.txt")"
grep -q "not passed" "$work/practice-run.txt" || fail "a run with required tests skipped passed"

# --- the non-conformant stub ---------------------------------------------------------------
listen=$(free_port)
mkdir -p "$work/stub-out"
gpcport=$(free_port)
org_cert stub X99
python3 "$here/stub_product.py" 0 0 "$listen" "$work/stub-out" "https://127.0.0.1:$gpcport" "$work/stub.crt" "$work/stub.key" "$work/ca.crt" \
  >"$work/stub.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -qs "^http " "$work/stub.log" && break; sleep 0.05; done
smllp=$(sed -n 's/^mllp //p' "$work/stub.log")
shttp=$(sed -n 's/^http //p' "$work/stub.log")
[ -n "$shttp" ] || fail "the stub did not start: $(cat "$work/stub.log")"
status=0
"$bin" conformance run --pack integration-engine --target "mllp://127.0.0.1:$smllp" --target "http://127.0.0.1:$shttp" --token "@$work/token" "${gpc[@]}" \
  --gp-ods B99999 "${ids[@]}" \
  --listen "mllp://127.0.0.1:$listen" --from-folder "$work/stub-out" \
  --gpc-listen "https://127.0.0.1:$gpcport" --listen-cert "$work/suite.crt" --listen-key "$work/suite.key" --listen-ca "$work/ca.crt" --ig "$ukcore" --window 6 --report "$work/stub-report" \
  >"$work/stub-run.txt" 2>&1 || status=$?
[ "$status" = 1 ] || fail "the stub was not failed with exit 1 (exit $status): $(cat "$work/stub-run.txt")"
expect() {  # expect TEST STATUS [MESSAGE-PART]
  grep -q "^$1	$2" "$work/stub-run.txt" || fail "stub: $1 is not $2: $(cat "$work/stub-run.txt")"
  [ -z "${3:-}" ] || grep "^$1	" "$work/stub-run.txt" | grep -q -- "$3" || fail "stub: $1 lacks '$3': $(grep "^$1	" "$work/stub-run.txt")"
}
expect V2R-ACK-MSA2 fail "MSA-2 is 'XHWC"
expect V2R-NHS-INVALID fail "answered AA, not AE or AR"
expect V2R-RESEND fail "the resend was applied again: 2 Encounters for the one admission"
expect V2R-UNREADABLE pass
expect FHIR-METADATA pass
expect FHIR-READ-MISSING fail "404 does not carry an OperationOutcome"
expect FHIR-SEARCH pass
expect FHIR-INVALID-CREATE fail "400 does not carry an OperationOutcome"
expect FHIR-UNAUTHENTICATED fail "answered 200, not 401"
expect GPC-PARAM-ERRORS fail "an NHS number failing Modulus 11 was answered 200, not 400 INVALID_NHS_NUMBER"
expect GPC-UNKNOWN-PATIENT fail "a patient the product does not hold was answered 200, not 404 PATIENT_NOT_FOUND"
expect GPC-DECEASED fail "a deceased patient's record was answered 200, not 404"
expect GPC-SENSITIVE fail "GP Connect: a sensitive patient's record was answered 200, not 404 PATIENT_NOT_FOUND"
expect GPC-RECORD pass
expect GPC-NO-STORE fail "carries Cache-Control '', not no-store"
expect ACCESS-AUDIT-VISIBLE fail "the patient's access log, asked for as the patient, was answered 404, not 200"
expect ACCESS-DISSENT fail "a direct-care request after the patient dissented was answered 200, not 403 NO_PATIENT_CONSENT"
expect GPC-DISSENT fail "GP Connect: the record of a patient who dissented was answered 200, not 403 NO_PATIENT_CONSENT"
expect ACCESS-BREAK-GLASS pass
expect ACCESS-BREAK-GLASS-REFUSED fail "a direct-care request giving a break-glass reason was answered 200, not 403 NO_PATIENT_CONSENT"
expect ACCESS-POINT-OF-CARE pass
expect ACCESS-RESTRICTION fail "the restricted Observation (labelled SEX) was given to RX8"
expect ACCESS-RESTRICTION-CLASS fail "the restricted Observation (category social-history) was given to RX8"
expect ACCESS-OPTOUT-DIRECT-CARE pass
expect EXPORT-OPTOUT fail "the patient who opted out (national data opt-out) is in the secondary-use export"
expect ACCESS-AUDIT-ALL fail "the patient's access log, asked for as the patient, was answered 404, not a Bundle"
expect GPC-AUDIT fail "the patient's access log, asked for as the patient, was answered 404, not a Bundle"
expect GPC-CONSUMER-PARTIAL fail "a partial GP record: the product did not ask the GP's provider"
expect GPC-CONSUMER-ERRORS fail "the GP answering NO_PATIENT_CONSENT: the product did not ask the GP's provider"
expect GPC-CONSUMER-REQUEST fail "GP Connect call 1 from the product: Ssp-TraceID '' is not a UUID"
expect SND-V2-STRUCTURE pass
expect SND-V2-NHS fail "MSH-10 STUB0002) carries no NHS number"
expect SND-DISCHARGE-TO-GP fail "no discharge summary (MDM^T02 with TXA-2 DS, or a FHIR Composition"
expect SND-REFERRAL-TO-GP fail "no referral (REF^I12, or a FHIR ServiceRequest"
expect SND-DISCHARGE-TIMELY fail "no discharge summary arrived within 6 s: its timeliness cannot be shown"
expect SND-FHIR-PROFILES fail "patient.json: a Patient has no valid NHS number"
[ "$(grep -c '	fail' "$work/stub-run.txt")" = 28 ] || fail "stub: not exactly twenty-eight findings: $(cat "$work/stub-run.txt")"
grep -Eq '	(error|skip)' "$work/stub-run.txt" && fail "stub: an error or skip: $(cat "$work/stub-run.txt")"
grep -q 'not passed' "$work/stub-run.txt" || fail "stub: no message saying the pack was not passed"
"$bin" validate "$work/stub-report/TestReport.json" >"$work/validate.txt" 2>&1 || fail "the stub's TestReport is not valid R4: $(cat "$work/validate.txt")"
grep -q '"result":"fail"' "$work/stub-report/TestReport.json" || fail "the stub's TestReport does not say fail"
grep -q 'not met' "$work/stub-report/report.html" || fail "the stub's HTML page has no requirement not met"
# The ambulance service reads the registered patient's GP record from the node in an emergency: the node counts it.
"$bin" token make --key "$work/org2-jwt.key" --iss yas-epr --aud "$api" --org RX8 --practitioner-id P1 --practitioner-name "Amy Medic" \
  --sds-role R8000 --purpose emergency --scope 'patient/*.read' >"$work/org2.jwt"
code=$(curl -s -o "$work/org2-record.json" -w '%{http_code}' -X POST "$api/Patient/\$gpc.getstructuredrecord" -H "Authorization: Bearer $(cat "$work/org2.jwt")" \
  -H 'Content-Type: application/fhir+json' -H 'Ssp-InteractionID: urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1' \
  -d '{"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}}]}')
[ "$code" = 200 ] || fail "the ambulance service's GP record read: $code $(head -c 400 "$work/org2-record.json")"
# --- the locality report, from each node's own run ------------------------------------------
cat >"$work/locality.json" <<JSON
{"locality": "Test locality", "nodes": [
  {"name": "engine", "ods_code": "RCB", "kind": "acute-trust", "report": "node-report"},
  {"name": "stub", "ods_code": "X99", "kind": "ambulance-service", "report": "stub-report"},
  {"name": "silent", "ods_code": "NX1", "kind": "nhs-111", "report": "no-such-report"},
  {"name": "practice", "ods_code": "B99999", "kind": "gp-practice", "report": "practice-report"},
  {"name": "engine-counts", "ods_code": "RCB", "kind": "acute-trust", "admin": "http://127.0.0.1:$(port_of engine 'admin on')", "admin_token": "@locality.token"},
  {"name": "unreachable", "ods_code": "RX9", "kind": "ambulance-service", "admin": "http://127.0.0.1:9"}]}
JSON
"$bin" conformance locality --config "$work/locality.json" --report "$work/locality" >"$work/locality.txt" 2>&1 ||
  fail "the locality report: $(cat "$work/locality.txt")"
grep -q "reading GP records: 2 of 5; nodes without a report: 1" "$work/locality.txt" || fail "locality: $(cat "$work/locality.txt")"
grep -q "unreachable: its admin API http://127.0.0.1:9/stats did not answer" "$work/locality.txt" || fail "locality: the unreachable admin API is not named: $(cat "$work/locality.txt")"
grep -q "silent: no readable summary.json" "$work/locality.txt" || fail "locality: the node without a report is not named: $(cat "$work/locality.txt")"
python3 - "$work/locality/locality.json" <<'PY' || fail "locality.json: $(cat "$work/locality/locality.json")"
import json, sys
l = json.load(open(sys.argv[1]))
nodes = {n["name"]: n for n in l["nodes"]}
assert l["urgent_care_nodes"] == 5 and l["urgent_care_reading_gp_records"] == 2, l
# The node's own counts (admin /stats): every patient-level message it took in (the suite's admissions, its
# invalid one refused, the discharge, the referral, the followed patient's GP records) and its GP-record reads.
own = nodes["engine-counts"]["node_counts"]
assert own["patient_level_messages"] >= 4 and own["with_valid_nhs_number"] == own["patient_level_messages"], own
assert own["gp_record_reads"] >= 1 and nodes["engine-counts"]["reads_gp_records"], own
assert own["gp_records_to_urgent_care"] == 2, own  # the ambulance service's reads (GPC-AUDIT's, the one above); the node's own systems' are not counted
assert nodes["unreachable"]["node_counts"] is None and not nodes["unreachable"]["reads_gp_records"], nodes["unreachable"]
assert l["nodes_counting"] == 1 and l["node_patient_level_messages"] == own["patient_level_messages"], l
assert nodes["engine"]["reads_gp_records"] and not nodes["stub"]["reads_gp_records"] and not nodes["silent"]["reads_gp_records"], nodes
assert nodes["engine"]["v2_patient_level"] == 4 and nodes["engine"]["v2_valid_nhs_number"] == 4, nodes["engine"]  # 2 admissions, the discharge, the referral
assert nodes["engine"]["fhir_patients"] == 8 and nodes["engine"]["fhir_valid_nhs_number"] == 8, nodes["engine"]  # each by file and by POST
assert nodes["stub"]["v2_patient_level"] == 2 and nodes["stub"]["v2_valid_nhs_number"] == 1, nodes["stub"]
assert nodes["stub"]["fhir_patients"] == 2 and nodes["stub"]["fhir_valid_nhs_number"] == 1, nodes["stub"]
assert nodes["stub"]["fhir_verified_nhs_number"] == 1 and nodes["engine"]["fhir_verified_nhs_number"] == 0, nodes
assert l["patient_level_messages"] == 16 and l["with_valid_nhs_number"] == 14 and l["fhir_patients_verified_nhs_number"] == 1, l
PY
grep -q "2 of 5" "$work/locality/locality.html" || fail "locality.html lacks the share"
grep -q "9434765919" "$work/locality/"* && fail "an NHS number is in the locality report"
echo "conformance suite: the node passes the integration-engine pack; the stub fails with exactly its twenty-eight findings"
