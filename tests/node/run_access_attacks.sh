#!/usr/bin/env bash
# Attacks on one data holder (an acute trust, RXX) by hostile or careless callers, each a hole
# once open: a patient overwriting another's Consent by id, conditional Bundle entries that
# write over another Patient than the rules checked, a patient token reading what is about no
# patient, records about someone named by identifier only, a peer listing every patient, vread
# and history of a version older than a restriction's label, a JWT's SDS job role "admin"
# taken as the admin role, a node starting on an audit log whose events were edited, a sensitive
# patient told apart from an unknown one, and senders on the HTTP FHIR source and a file drop
# writing Patients by id or types they hold no grant for.
# Usage: run_access_attacks.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/access/pki.sh"
# KEEP_GOING=1: report every hole still open instead of stopping at the first (for a build before the fixes).
if [ -n "${KEEP_GOING:-}" ]; then fail() { echo "FAIL: $*"; }; fi
source "$(dirname "$0")/access/holder.sh"
nhs_sys=https://fhir.nhs.uk/Id/nhs-number
id_of() { body_of "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
patient_json() {  # patient_json NHS FAMILY [id]
  local idf=""; [ -n "${3:-}" ] && idf='"id":"'$3'",'
  echo '{"resourceType":"Patient",'$idf'"identifier":[{"system":"'$nhs_sys'","value":"'$1'"}],"name":[{"family":"'$2'"}]}'
}

r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$(patient_json 9434765919 Atkinson)"); expect "Doris" 201 "$r"; doris=$(id_of "$r")
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$(patient_json 9449306613 Brown)"); expect "Bob" 201 "$r"; bob=$(id_of "$r")

# 1. Bob's token writes over Doris's dissent by its id, with a body naming himself.
consent() {  # consent PATIENT_ID POLICY
  echo '{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$1'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"'$2'"}]},"provision":{"type":"deny"}}'
}
r=$(as_nobody POST "$base/Consent" -H "Authorization: Bearer $(patient_token 9434765919)" -d "$(consent "$doris" OPTOUT)"); expect "Doris dissents" 201 "$r"
cid=$(id_of "$r")
over=$(consent "$bob" OPTIN | python3 -c 'import json,sys; d=json.load(sys.stdin); d["id"]="'$cid'"; print(json.dumps(d))')
r=$(as_nobody PUT "$base/Consent/$cid" -H "Authorization: Bearer $(patient_token 9449306613)" -d "$over")
expect "another patient's Consent written over by id" 403 "$r"
r=$(as_org rx9 GET "$base/Patient/$doris" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "Doris's dissent still holds" 403 "$r" NO_PATIENT_CONSENT

# 2. A conditional PUT whose URL names Doris by id but whose criteria match Bob: the store
# writes over Bob, so the rules must check Bob.
tx() {  # tx URL RESOURCE
  echo '{"resourceType":"Bundle","type":"transaction","entry":[{"resource":'"$2"',"request":{"method":"PUT","url":"'"$1"'"}}]}'
}
r=$(as_nobody POST "$base" "${pas[@]}" -d "$(tx "Patient/$doris?identifier=$nhs_sys|9449306613" "$(patient_json 9434765919 Impostor)")")
expect "a conditional PUT changing the NHS number of the Patient it matches" 409 "$r"
# 3. Criteria percent-encoded: the store matches them as written (nothing), so it would create
# a second Patient with Doris's number.
r=$(as_nobody POST "$base" "${pas[@]}" -d "$(tx "Patient?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919" "$(patient_json 9434765919 Twin)")")
expect "a percent-encoded conditional PUT creating a second Patient with her NHS number" 409 "$r"
# Two entries of one transaction, each new to the store, with one NHS number: two Patients.
r=$(as_nobody POST "$base" "${pas[@]}" -d '{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":'"$(patient_json 4010232137 Carter)"',"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier='$nhs_sys'|4010232137"}},
 {"resource":'"$(patient_json 4010232137 Carter)"',"request":{"method":"PUT","url":"Patient?identifier='$nhs_sys'|4010232137"}}]}')
expect "one new NHS number on two Patient entries of a transaction" 409 "$r"
r=$(as_nobody GET "$base/Patient?identifier=$nhs_sys|9449306613" "${pas[@]}"); expect "Bob is still found" 200 "$r" Brown
r=$(as_nobody GET "$base/Patient?identifier=$nhs_sys|9434765919" "${pas[@]}")
n=$(body_of "$r" | python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin).get("entry",[]) if e.get("search",{}).get("mode")!="outcome"]))')
[ "$n" = 1 ] || fail "Doris's NHS number is on $n Patients"

# 4. A patient's token reads what is about no patient.
r=$(as_nobody POST "$base/Organization" "${pas[@]}" -d '{"resourceType":"Organization","name":"Northshire Sexual Health Clinic"}'); expect "organisation" 201 "$r"
org=$(id_of "$r")
r=$(as_nobody GET "$base/Organization/$org" -H "Authorization: Bearer $(patient_token 9449306613)"); expect "a patient reads an Organization" 403 "$r"
r=$(as_nobody GET "$base/Organization?_id=$org" -H "Authorization: Bearer $(patient_token 9449306613)"); expect "a patient searches Organizations" 200 "$r"
body_of "$r" | grep -q "Sexual Health Clinic" && fail "a patient's search returned an Organization"

# 5. A record about Bob naming him by identifier only: not for an unrelated provider.
obs='{"resourceType":"Observation","status":"final","code":{"text":"HIV test"},"subject":{"identifier":{"system":"'$nhs_sys'","value":"9449306613"}}}'
r=$(as_nobody POST "$base/Observation" "${pas[@]}" -d "$obs"); expect "observation by identifier" 201 "$r"; oid=$(id_of "$r")
r=$(as_org x99 GET "$base/Observation/$oid" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "an unrelated provider reads it" 403 "$r"
obs2='{"resourceType":"Observation","status":"final","code":{"text":"HIV test"},"subject":{"reference":"https://127.0.0.1/fhir/Patient/'$bob'"}}'
r=$(as_nobody POST "$base/Observation" "${pas[@]}" -d "$obs2"); expect "observation by absolute reference" 201 "$r"; oid2=$(id_of "$r")
r=$(as_org x99 GET "$base/Observation?_id=$oid2" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "by _id" 200 "$r"
body_of "$r" | grep -q "HIV test" && fail "an unrelated provider found a record by its absolute patient reference"

prov_bob='{"resourceType":"Provenance","target":[{"reference":"Patient/'$bob'"}],"recorded":"2026-12-02T10:00:00Z","activity":{"text":"HIV clinic referral"},
 "agent":[{"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX"}}}]}'
r=$(as_nobody POST "$base/Provenance" "${pas[@]}" -d "$prov_bob"); expect "a Provenance about Bob" 201 "$r"; pvid=$(id_of "$r")
r=$(as_org x99 GET "$base/Provenance/$pvid" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "an unrelated provider reads a Provenance about Bob" 403 "$r"
task='{"resourceType":"Task","status":"requested","intent":"order","for":{"reference":"Patient/'$bob'"},"description":"HIV clinic follow-up"}'
r=$(as_nobody POST "$base/Task" "${pas[@]}" -d "$task"); expect "a Task for Bob" 201 "$r"; tid=$(id_of "$r")
r=$(as_org x99 GET "$base/Task/$tid" -H "Authorization: Bearer $(person X99 x99 directcare)"); expect "an unrelated provider reads a Task for Bob" 403 "$r"

# 6. An ambulance (a relationship with everyone, for emergency care) lists every patient.
r=$(as_org rx9 GET "$base/Patient" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "a peer's search naming no patient" 403 "$r"
r=$(as_org rx9 GET "$base/Observation?_lastUpdated=gt2020-01-01" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "by date alone" 403 "$r"
r=$(as_org rx9 GET "$base/Patient?identifier=$nhs_sys|9449306613" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); expect "naming the patient" 200 "$r" Brown

# 7. Bob restricts sexual-health information from X77 (his care team); an Observation labelled
# later: its first version must not go round the restriction.
care_team='{"resourceType":"CareTeam","status":"active","subject":{"reference":"Patient/'$bob'"},"participant":[{"member":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X77"}}}]}'
r=$(as_nobody POST "$base/CareTeam" "${pas[@]}" -d "$care_team"); expect "care team" 201 "$r"
restrict='{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$bob'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"}]},
 "provision":{"type":"permit","provision":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
 "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X77"}}}],
 "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}]}]}}'
r=$(as_nobody POST "$base/Consent" -H "Authorization: Bearer $(patient_token 9449306613)" -d "$restrict"); expect "Bob restricts" 201 "$r"
v1='{"resourceType":"Observation","status":"final","code":{"text":"Chlamydia screen"},"subject":{"reference":"Patient/'$bob'"}}'
r=$(as_nobody POST "$base/Observation" "${pas[@]}" -d "$v1"); expect "unlabelled first version" 201 "$r"; sid=$(id_of "$r")
v2='{"resourceType":"Observation","id":"'$sid'","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}]},"status":"final","code":{"text":"Chlamydia screen"},"subject":{"reference":"Patient/'$bob'"}}'
r=$(as_nobody PUT "$base/Observation/$sid" "${pas[@]}" -d "$v2"); expect "labelled SEX" 200 "$r"
r=$(as_org x77 GET "$base/Observation/$sid" -H "Authorization: Bearer $(person X77 x77 directcare)"); expect "the current version" 403 "$r"
r=$(as_org x77 GET "$base/Observation/$sid/_history/1" -H "Authorization: Bearer $(person X77 x77 directcare)"); expect "vread of the unlabelled version" 403 "$r"
r=$(as_org x77 GET "$base/Observation/$sid/_history" -H "Authorization: Bearer $(person X77 x77 directcare)"); expect "history" 200 "$r"
body_of "$r" | grep -q "Chlamydia" && fail "history showed a version of a restricted record"

# 8. A JWT's SDS job role is not a node role: "admin" in it opens neither the admin port nor merges.
epr_admin() {
  "$bin" token make --key "$work/epr-jwt.key" --alg ES256 --iss epr --aud "$aud" --org RXX --practitioner-id G1 \
    --practitioner-name "Sam Clerk" --sds-role admin --purpose directcare
}
r=$(curl -s -w '\n%{http_code}' "$admin/stats" -H "Authorization: Bearer $(epr_admin)"); expect "admin port by a JWT naming the role admin" 403 "$r"
r=$(as_nobody PUT "$base/Patient/$bob" -H "Authorization: Bearer $(epr_admin)" -d "$(patient_json 9876543210 Brown "$bob")")
expect "an NHS number change by a JWT naming the role admin" 409 "$r"

# 10. A Provenance for another organisation through an Organization the same Bundle writes.
x99_org='{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X99"}],"name":"Elsewhere"}'
prov() { echo '{"resourceType":"Provenance","target":[{"reference":"Patient/'$bob'"}],"recorded":"2026-12-02T10:00:00Z","agent":[{"who":{"reference":"'$1'"}}]}'; }
r=$(as_nobody POST "$base" "${pas[@]}" -d '{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:0d5c3a52-1111-4c1e-9d5e-6a1f1f1f1f1f","resource":'"$x99_org"',"request":{"method":"POST","url":"Organization"}},
 {"resource":'"$(prov urn:uuid:0d5c3a52-1111-4c1e-9d5e-6a1f1f1f1f1f)"',"request":{"method":"POST","url":"Provenance"}}]}')
expect "a Provenance naming another organisation by a fullUrl in its Bundle" 403 "$r"
r=$(as_nobody POST "$base" "${pas[@]}" -d '{"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":'"${x99_org/"Organization",/"Organization","id":"elsewhere",}"',"request":{"method":"PUT","url":"Organization/elsewhere"}},
 {"resource":'"$(prov Organization/elsewhere)"',"request":{"method":"POST","url":"Provenance"}}]}')
expect "a Provenance naming another organisation by the id its Bundle gives it" 403 "$r"

# 11. A sensitive patient is not told apart from an unknown one, by NHS number or by id.
hidden='{"resourceType":"Patient","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},
 "identifier":[{"system":"'$nhs_sys'","value":"9000000009"}],"name":[{"family":"Hidden"}],
 "generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]}'
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d "$hidden"); expect "sensitive patient" 201 "$r"; hid=$(id_of "$r")
r=$(as_org rx9 GET "$base/Patient?identifier=$nhs_sys|9000000009" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); sens=$r
r=$(as_org rx9 GET "$base/Patient?identifier=$nhs_sys|9000000017" -H "Authorization: Bearer $(person RX9 rx9 emergency)")
[ "$sens" = "$r" ] || fail "a sensitive patient's NHS number is answered otherwise than an unknown one: $(status_of "$sens") / $(status_of "$r")"
r=$(as_org rx9 GET "$base/Patient/$hid" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); sens=$r
r=$(as_org rx9 GET "$base/Patient/no-such-patient" -H "Authorization: Bearer $(person RX9 rx9 emergency)")
[ "$sens" = "$r" ] || fail "a sensitive patient's id is answered otherwise than an unknown one: $(body_of "$sens") / $(body_of "$r")"
r=$(as_org rx9 GET "$base/Patient/$hid/\$everything" -H "Authorization: Bearer $(person RX9 rx9 emergency)"); sens=$r
r=$(as_org rx9 GET "$base/Patient/no-such-patient/\$everything" -H "Authorization: Bearer $(person RX9 rx9 emergency)")
[ "$sens" = "$r" ] || fail "\$everything tells a sensitive patient from an unknown one"
r=$(as_org a81001 GET "$base/AuditEvent?patient=$hid" -H "Authorization: Bearer $(person A81001 a81001 directcare)")
expect "the practice exports a sensitive patient's access log" 404 "$r" PATIENT_NOT_FOUND
r=$(as_org a81001 GET "$base/AuditEvent?patient=$doris" -H "Authorization: Bearer $(person A81001 a81001 directcare)")
expect "a patient registered elsewhere" 403 "$r"

# 9. The audit log's events edited while the node is down: it does not start on them.
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
sqlite3 "$work/rxx/audit.db" "UPDATE entries SET event_json = replace(event_json, 'RX9', 'X99') WHERE seq = (SELECT MIN(seq) FROM entries WHERE event_json LIKE '%RX9%')"
"$bin" run --config "$work/rxx.json" >"$work/rxx2.log" 2>&1 &
p=$!; pids+=($p)
for _ in $(seq 200); do kill -0 $p 2>/dev/null || break; grep -q running "$work/rxx2.log" && break; sleep 0.05; done
if grep -q running "$work/rxx2.log"; then fail "the node started on an audit log with an edited event"; fi
grep -q "edited" "$work/rxx2.log" || { cat "$work/rxx2.log"; fail "the refusal does not say an entry was edited"; }

# 12. The sources: a sender's Bundle may not give a stored Patient another NHS number, nor a
# second Patient someone's number; a file drop's system writes only its granted types.
secret lab
src_port=$(free_port); api2=$(free_port)
mkdir -p "$work/inbox"
cat >"$work/src.json" <<JSON
{"node": {"name": "Northshire Labs", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/src", "audience": "https://127.0.0.1:$api2"},
 "api": {"listen": "127.0.0.1:$api2"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha256")", "roles": ["clinical"], "write_types": ["*"]},
             {"name": "lab", "token_sha256": "$(cat "$work/lab.sha256")", "write_types": ["Observation"]}],
 "access": {"type": "consent"},
 "sources": [{"name": "senders", "type": "http-fhir", "listen": "127.0.0.1:$src_port"},
             {"name": "drop", "type": "file-drop", "directory": "$work/inbox", "system": "lab", "poll_ms": 100}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start src "$work/src.json"
sp=(-H "Authorization: Bearer $(cat "$work/pas.token")" -H 'Content-Type: application/fhir+json')
post_src() { curl -s -w '\n%{http_code}' -X POST "http://127.0.0.1:$src_port/" "${sp[@]}" -d "$1"; }
one() {  # one METHOD URL RESOURCE [ifNoneExist]
  local ine=""; [ -n "${4:-}" ] && ine=',"ifNoneExist":"'$4'"'
  echo '{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:7f1c1a52-2222-4c1e-9d5e-6a1f1f1f1f1f","resource":'"$3"',"request":{"method":"'$1'","url":"'$2'"'$ine'}}]}'
}
r=$(post_src "$(one PUT "Patient?identifier=$nhs_sys|9434765919" "$(patient_json 9434765919 Atkinson)")"); expect "a Patient keyed by its NHS number" 202 "$r"
r=$(post_src "$(one PUT Patient/p1 "$(patient_json 9449306613 Brown p1)")"); expect "a Patient PUT by id" 409 "$r"
r=$(post_src "$(one POST Patient "$(patient_json 9434765919 Twin)")"); expect "a Patient POSTed with her NHS number, unkeyed" 409 "$r"
r=$(post_src "$(one PUT "Patient?identifier=$nhs_sys|9449306613" "$(patient_json 9434765919 Twin)")"); expect "a Patient keyed by another NHS number than its own" 409 "$r"
r=$(post_src "$(one POST Patient "$(patient_json 9449306613 Brown)" "identifier=$nhs_sys|9449306613")"); expect "a conditional create by its number" 202 "$r"
echo '{"resourceType":"CareTeam","status":"active","subject":{"reference":"Patient/p1"},"participant":[{"member":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X99"}}}]}' >"$work/inbox/careteam.json"
for _ in $(seq 100); do [ -e "$work/inbox/rejected/careteam.json" ] || [ -e "$work/inbox/done/careteam.json" ] && break; sleep 0.05; done
[ -e "$work/inbox/rejected/careteam.json" ] || fail "the lab's file drop wrote a CareTeam (a relationship) it has no grant for"
echo "access attacks: every one refused"
