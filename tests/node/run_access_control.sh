#!/usr/bin/env bash
# Who may see what, on one data holder (an acute trust, RXX), spoken to over HTTPS as each
# caller would: its PAS with a bearer token; an ambulance service (RX9), a voluntary-sector care
# coordinator (X77, in the patient's CareTeam), an unrelated community provider (X99) and the
# registered GP practice (A81001) by mutual TLS with JWTs naming the clinician; the patient
# herself with a token from the NHS login-style identity provider. Then the audit log is verified,
# edited with sqlite3 as an attacker would, and verified again.
# Usage: run_access_control.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/access/pki.sh"
source "$(dirname "$0")/access/holder.sh"

# Nobody gets anything without a credential.
r=$(as_nobody GET "$base/Patient"); expect "anonymous search" 401 "$r" OperationOutcome
r=$(as_nobody GET "$base/metadata"); expect "the CapabilityStatement stays open" 200 "$r" CapabilityStatement

# The PAS records Doris Atkinson (85, COPD, diabetes, hypertension), registered with A81001.
doris='{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
 "name":[{"family":"Atkinson","given":["Doris"]}],"gender":"female","birthDate":"1941-03-14",
 "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]}'
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$doris"); expect "PAS creates the patient" 201 "$r"
pid=$(body_of "$r" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
obs() {  # obs CODE DISPLAY [security label]
  local sec=""; [ -n "${3:-}" ] && sec=',"meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"'$3'"}]}'
  echo '{"resourceType":"Observation"'$sec',"status":"final","code":{"coding":[{"system":"http://snomed.info/sct","code":"'$1'","display":"'$2'"}]},"subject":{"reference":"Patient/'$pid'"}}'
}
r=$(as_nobody POST "$base/Observation" "${pas[@]}" -d "$(obs 13645005 'Chronic obstructive lung disease')"); expect "observation" 201 "$r"
r=$(as_nobody POST "$base/Observation" "${pas[@]}" -d "$(obs 444752009 'Sexual health screening' SEX)"); expect "labelled observation" 201 "$r"
care_team='{"resourceType":"CareTeam","status":"active","subject":{"reference":"Patient/'$pid'"},"name":"Doris Atkinson care team",
 "participant":[{"member":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X77"},"display":"Northshire Age Concern care coordinator"}}]}'
r=$(as_nobody POST "$base/CareTeam" "${pas[@]}" -d "$care_team"); expect "care team" 201 "$r"

# The ambulance crew reads her record: mTLS names RX9, the JWT names the paramedic.
tok=$(person RX9 rx9 emergency)
r=$(as_org rx9 GET "$base/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919" -H "Authorization: Bearer $tok" -H "X-Request-ID: amb-0001")
expect "ambulance reads the patient" 200 "$r" Atkinson
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $tok"); expect "the same token again (replayed jti)" 401 "$r"
old=$(person RX9 rx9 emergency --iat $(( $(date +%s) - 900 )))
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $old"); expect "expired token" 401 "$r"
wrong=$("$bin" token make --key "$work/rx9-jwt.key" --alg ES256 --iss https://rx9.example/hidewire --aud https://elsewhere.example \
  --org RX9 --practitioner-id G1 --practitioner-name "Sam Clinician" --sds-role R8000 --purpose emergency)
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $wrong"); expect "wrong audience" 401 "$r"
unsigned=$("$bin" token make --unsigned --iss https://rx9.example/hidewire --aud "$aud" --org RX9 --practitioner-id G1 \
  --practitioner-name "Sam Clinician" --sds-role R8000 --purpose emergency)
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $unsigned"); expect "unsigned token from a peer that is no GP Connect consumer" 401 "$r"
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person X99 rx9 emergency)")
expect "a token naming another organisation than the certificate" 403 "$r"
r=$(as_nobody GET "$base/Patient/$pid" -H "Authorization: Bearer $(person RX9 rx9 emergency)")
expect "a peer's token without its certificate" 401 "$r"

# No legitimate relationship: refused. The CareTeam's voluntary coordinator: shared.
r=$(as_org x99 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "unrelated provider" 403 "$r"
r=$(as_org x77 GET "$base/Observation?patient=$pid" -H "Authorization: Bearer $(person X77 x77 directcare)")
expect "care team member" 200 "$r" 13645005
body_of "$r" | grep -q 444752009 || fail "before any restriction the care team sees both observations"

# Doris herself: her access log (who saw my record), and nothing of her record.
me=$(patient_token 9434765919)
r=$(as_nobody GET "$base/AuditEvent" -H "Authorization: Bearer $me"); expect "patient reads her access log" 200 "$r" RX9
body_of "$r" | grep -q X77 || fail "the access log lacks the care coordinator's read"
body_of "$r" | grep -q X99 || fail "the access log lacks the refused read"
r=$(as_nobody GET "$base/Observation?patient=$pid" -H "Authorization: Bearer $(patient_token 9434765919)"); expect "patient reads data" 403 "$r"
r=$(as_nobody GET "$base/AuditEvent" -H "Authorization: Bearer $(patient_token 9449306613)"); expect "another patient's log" 200 "$r"
body_of "$r" | grep -q RX9 && fail "a patient saw another patient's access log"

# She restricts sexual-health information from the care coordinator: the rest still flows.
restrict='{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$pid'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"}]},
 "provision":{"type":"permit","provision":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
 "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X77"}}}],
 "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}]}]}}'
r=$(as_nobody POST "$base/Consent" -H "Authorization: Bearer $(patient_token 9434765919)" -d "$restrict"); expect "patient records a restriction" 201 "$r"
r=$(as_nobody POST "$base/Consent" -H "Authorization: Bearer $(patient_token 9449306613)" -d "$restrict"); expect "a Consent for someone else" 403 "$r"
r=$(as_org x77 GET "$base/Observation?patient=$pid" -H "Authorization: Bearer $(person X77 x77 directcare)")
expect "care team member after the restriction" 200 "$r" 13645005
body_of "$r" | grep -q 444752009 && fail "the restricted observation still reached the care coordinator"
body_of "$r" | grep -q suppressed || fail "the answer does not say something was withheld"

# She dissents from sharing: the ambulance is refused, unless it breaks glass; her GP keeps access.
dissent='{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$pid'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},"provision":{"type":"deny"}}'
r=$(as_nobody POST "$base/Consent" -H "Authorization: Bearer $(patient_token 9434765919)" -d "$dissent"); expect "patient dissents" 201 "$r"
dissent_id=$(body_of "$r" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "ambulance after dissent" 403 "$r" NO_PATIENT_CONSENT
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person RX9 rx9 emergency --break-glass 'Unconscious at home, no carer present')" -H "X-Request-ID: amb-btg-1")
expect "ambulance breaks glass" 200 "$r" Atkinson
r=$(as_org a81001 GET "$base/Observation?patient=$pid" -H "Authorization: Bearer $(person A81001 a81001 directcare)")
expect "the registered GP after dissent" 200 "$r" 444752009

# She withdraws her dissent: the ambulance reads again, without breaking glass.
withdrawn=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); c["id"]=sys.argv[2]; c["status"]="inactive"; print(json.dumps(c))' "$dissent" "$dissent_id")
r=$(as_nobody PUT "$base/Consent/$dissent_id" -H "Authorization: Bearer $(patient_token 9434765919)" -d "$withdrawn"); expect "patient withdraws her dissent" 200 "$r"
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "ambulance after the dissent is withdrawn" 200 "$r" Atkinson
# Her practice exports her access log; an unrelated provider may not.
r=$(as_org a81001 GET "$base/AuditEvent?patient=$pid" -H "Authorization: Bearer $(person A81001 a81001 directcare)")
expect "the registered practice exports her access log" 200 "$r" BTG
r=$(as_org x99 GET "$base/AuditEvent?patient=$pid" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "another provider reads her access log" 403 "$r"

# A sensitive record is not found by those not permitted.
hidden='{"resourceType":"Patient","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
 "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306613"}],"name":[{"family":"Hidden","given":["Alex"]}]}'
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$hidden"); expect "sensitive patient" 201 "$r"
hid=$(body_of "$r" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
r=$(as_org rx9 GET "$base/Patient/$hid" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "sensitive patient to the ambulance" 404 "$r" PATIENT_NOT_FOUND

# Writes: If-Match, another organisation's Provenance, a second Patient with her NHS number.
r=$(as_nobody PUT "$base/Patient/$pid" "${pas[@]}" -H 'If-Match: W/"9"' -d "${doris/\"Patient\",/\"Patient\",\"id\":\"$pid\",}")
expect "stale If-Match" 412 "$r"
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$doris"); expect "a second Patient with the same NHS number" 409 "$r"
forged='{"resourceType":"Provenance","target":[{"reference":"Patient/'$pid'"}],"recorded":"2026-12-02T10:00:00Z",
 "agent":[{"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X99"}}}]}'
r=$(as_nobody POST "$base/Provenance" "${pas[@]}" -d "$forged"); expect "a Provenance for another organisation" 403 "$r"

r=$(as_nobody POST "$base/AuditEvent" "${pas[@]}" -d '{"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2026-12-02T10:00:00Z","agent":[{"requestor":true}],"source":{"observer":{"display":"forged"}}}')
expect "an AuditEvent written through the API" 405 "$r"

# The admin port: credentials and roles.
r=$(curl -s -w '\n%{http_code}' "$admin/stats"); expect "admin without a credential" 401 "$r"
r=$(curl -s -w '\n%{http_code}' "$admin/stats" "${pas[@]}"); expect "admin as a clinical system" 403 "$r"
r=$(curl -s -w '\n%{http_code}' "$admin/stats" -H "Authorization: Bearer $(cat "$work/ops.token")"); expect "admin as ops" 200 "$r"
r=$(curl -s -w '\n%{http_code}' -X POST "$admin/messages/1/replay" "${pas[@]}"); expect "replay without the admin role" 403 "$r"

# Who saw her record, from the CLI (the practice's export); the break-glass reason shown.
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
"$bin" audit who-saw --nhs 9434765919 --db "$work/rxx/audit.db" >"$work/who.txt" || fail "who-saw failed"
grep -q RX9 "$work/who.txt" && grep -q "no carer present" "$work/who.txt" || { cat "$work/who.txt"; fail "who-saw lacks the break-glass access"; }
"$bin" audit verify --db "$work/rxx/audit.db" --public-key "$work/rxx/audit-signing.pub" >"$work/verify.txt" || { cat "$work/verify.txt"; fail "an untouched log does not verify"; }
[ "$(stat -c %a "$work/rxx/audit.db")" = 600 ] || fail "the audit log is not 0600"
# An attacker rewrites who read the record: the log no longer verifies, and says where.
sqlite3 "$work/rxx/audit.db" "UPDATE entries SET event_json = replace(event_json, 'RX9', 'X99') WHERE seq = (SELECT MIN(seq) FROM entries WHERE event_json LIKE '%RX9%')"
if "$bin" audit verify --db "$work/rxx/audit.db" --public-key "$work/rxx/audit-signing.pub" >"$work/verify2.txt" 2>&1; then
  fail "an edited entry went unnoticed"
fi
grep -qi "entry" "$work/verify2.txt" || { cat "$work/verify2.txt"; fail "verify does not name the entry"; }
echo "access control: every caller got what the policy says, and the audit log caught the edit"
