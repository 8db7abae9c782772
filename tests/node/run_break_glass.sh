#!/usr/bin/env bash
# Break-glass across two nodes: a patient who dissented from sharing is reached by an ambulance
# clinician in an emergency, with a reason. The holder (an acute trust) answers, writes a
# privacy-alert AuditEvent, and tells her registered practice's node (A81001), which receives a
# Communication naming the clinician and the reason. Without a reason, or for direct care, the
# same request is refused with NO_PATIENT_CONSENT.
# Usage: run_break_glass.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/access/pki.sh"
ca_init
org_cert rxx RXX; org_cert rx9 RX9; org_cert a81001 A81001
jwt_key rx9 ES256
secret pas; secret gpops
api_port=$(free_port); gp_port=$(free_port)
aud="https://127.0.0.1:$api_port"
cat >"$work/gp.json" <<JSON
{"node": {"name": "Riverside Surgery", "ods_code": "A81001", "kind": "gp-practice", "data_dir": "$work/gp"},
 "api": {"listen": "127.0.0.1:$gp_port", "tls": {"cert": "$work/a81001.crt", "key": "$work/a81001.key", "ca": "$work/ca.crt", "client_cert": "optional"}},
 "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "gp-ops", "token_sha256": "$(cat "$work/gpops.sha256")", "roles": ["clinical", "admin"], "write_types": ["*"]}],
 "peers": [{"ods_code": "RXX", "kind": "acute-trust", "write_types": ["Communication"]}],
 "access": {"type": "consent"},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
cat >"$work/rxx.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx", "audience": "$aud"},
 "api": {"listen": "127.0.0.1:$api_port", "tls": {"cert": "$work/rxx.crt", "key": "$work/rxx.key", "ca": "$work/ca.crt", "client_cert": "optional"}},
 "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha256")", "roles": ["clinical"], "write_types": ["*"]}],
 "peers": [{"ods_code": "RX9", "kind": "ambulance-service", "jwt_keys": ["$work/rx9-jwt.pub"]},
           {"ods_code": "A81001", "kind": "gp-practice", "url": "https://127.0.0.1:$gp_port",
            "tls": {"cert": "$work/rxx.crt", "key": "$work/rxx.key", "ca": "$work/ca.crt"}}],
 "access": {"type": "consent"},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start gp "$work/gp.json"
start rxx "$work/rxx.json"
base="https://127.0.0.1:$api_port"
pas=(-H "Authorization: Bearer $(cat "$work/pas.token")")
r=$(as_nobody POST "$base/Patient" "${pas[@]}" -d '{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],
 "name":[{"family":"Atkinson","given":["Doris"]}],"generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}]}')
expect "patient" 201 "$r"
pid=$(body_of "$r" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
r=$(as_nobody POST "$base/Consent" "${pas[@]}" -d '{"resourceType":"Consent","status":"active",
 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$pid'"},"dateTime":"2026-11-30",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTOUT"}]},"provision":{"type":"deny"}}')
expect "dissent recorded at the PAS" 201 "$r"
person() {
  "$bin" token make --key "$work/rx9-jwt.key" --alg ES256 --iss https://rx9.example/hidewire --aud "$aud" --org RX9 \
    --practitioner-id G8812345 --practitioner-name "Jo Paramedic" --sds-role R1450 --purpose "$@"
}
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person directcare)"); expect "direct care after dissent" 403 "$r" NO_PATIENT_CONSENT
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person emergency)"); expect "emergency without a reason" 403 "$r" NO_PATIENT_CONSENT
r=$(as_org rx9 GET "$base/Patient/$pid" -H "Authorization: Bearer $(person emergency --break-glass 'Collapsed in the street, unresponsive')")
expect "break-glass with a reason" 200 "$r" Atkinson
# The practice hears of it: a Communication on its node, from RXX, with the reason.
gp="https://127.0.0.1:$gp_port"
for _ in $(seq 100); do
  r=$(as_nobody GET "$gp/Communication" -H "Authorization: Bearer $(cat "$work/gpops.token")")
  body_of "$r" | grep -q unresponsive && break
  sleep 0.1
done
expect "the practice's node holds the alert" 200 "$r" "Collapsed in the street"
body_of "$r" | grep -q '"value":"RXX"' || fail "the alert does not name the holder"
body_of "$r" | grep -q 'Jo Paramedic' || fail "the alert does not name the clinician"
kill -TERM "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
"$bin" audit who-saw --nhs 9434765919 --db "$work/rxx/audit.db" --format json >"$work/who.json" || fail "who-saw failed"
grep -q BTG "$work/who.json" || fail "the break-glass access is not marked BTG in the audit"
grep -q unresponsive "$work/who.json" || fail "the audit lacks the break-glass reason"
echo "break-glass: refused without a reason, answered with one, audited and the practice told"
