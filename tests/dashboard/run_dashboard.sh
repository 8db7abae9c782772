#!/usr/bin/env bash
# The operator's dashboard (issue 17) in a real browser: a node with an admin and a viewer token,
# an MLLP source, the FHIR store, a GP's node that is down (so a result's delivery fails and is
# replayed from the dashboard once it is up), a peer and a conformance report; then
# dashboard_test.mjs drives Debian's chromium through every view. Skipped (77) only when node or
# chromium is absent. With SCREENSHOTS=DIR the views' 1280x800 PNGs are written there.
# Usage: run_dashboard.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
here="$(cd "$(dirname "$0")" && pwd)"
chromium=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
[ -x "$chromium" ] || { echo "SKIP: $chromium is not installed (scripts/setup.sh installs it)"; exit 77; }
source "$here/../node/lib.sh"
export PUPPETEER_SKIP_DOWNLOAD=1
if [ ! -f "$here/node_modules/puppeteer-core/package.json" ] || [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent) || fail "npm ci in tests/dashboard failed"
fi

dashboard_secrets admin viewer pas
# An ambulance service's ePR, a system of this node whose people sign their own JWTs: it has no
# relationship with the patient, so its clinician reads her record by breaking glass.
"$bin" token keygen --alg ES256 --out "$work/rx9-jwt" >/dev/null || fail "token keygen failed"
gp_port=$(free_port)
mkdir -p "$work/reports"
dashboard_node "$work/acute.json" st-james "$work/acute" "$gp_port" \
  "\"peers\": [{\"ods_code\": \"B86010\", \"kind\": \"gp-practice\", \"url\": \"http://127.0.0.1:$gp_port/\"}], \"dashboard\": {\"conformance_reports\": \"$work/reports\"}," \
  ", {\"name\": \"ambulance-epr\", \"ods_code\": \"RX9\", \"kind\": \"ambulance-service\", \"roles\": [\"clinical\"], \"jwt_keys\": [\"$work/rx9-jwt.pub\"]}"
receiving_node gp B86010 gp-practice "$gp_port"  # the GP practice node (lib.sh), started later
start acute "$work/acute.json"
admin_port=$(port_of acute 'admin on')
mllp="127.0.0.1:$(port_of acute 'source pas-adt')"
api="http://127.0.0.1:$(port_of acute 'FHIR API')"

# One admission accepted, one refused (its NHS number fails Modulus 11), a result whose delivery
# to the GP fails, and the patient's discharge.
"$bin" send --mllp "$mllp" "$data/adt_a01_v251.hl7" "$data/adt_a01_bad_nhs.hl7" "$data/oru_r01_v251.hl7" \
  "$data/mdm_t02_discharge.hl7" >"$work/acks.txt" 2>&1 || true
grep -q "adt_a01_v251.hl7: AA" "$work/acks.txt" || fail "admission not accepted: $(cat "$work/acks.txt")"
grep -q "adt_a01_bad_nhs.hl7: A[ER]" "$work/acks.txt" || fail "bad NHS number not refused: $(cat "$work/acks.txt")"
for _ in $(seq 200); do
  curl -sf "http://127.0.0.1:$admin_port/messages?status=failed" -H "Authorization: Bearer $(cat "$work/admin.token")" | grep -q '"status":"failed"' && break
  sleep 0.1
done
# The patient's GP contact, written by the PAS through the FHIR API: another organisation's event.
# (The store is written behind the ACK: wait for the patient.)
pid=""
for _ in $(seq 100); do
  pid=$(curl -sf "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919" -H "Authorization: Bearer $(cat "$work/pas.token")" |
    python3 -c 'import json,sys; e=json.load(sys.stdin).get("entry") or [{}]; print(e[0].get("resource",{}).get("id",""))' || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || fail "the admitted patient is not in the store"
curl -sf -X POST "$api/Encounter" -H "Authorization: Bearer $(cat "$work/pas.token")" -H 'Content-Type: application/fhir+json' \
  -d '{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"text":"GP consultation: chest review"}],"subject":{"reference":"Patient/'"$pid"'"},"period":{"start":"2026-11-20T10:10:00Z","end":"2026-11-20T10:25:00Z"},"serviceProvider":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B86010"},"display":"Beeston Village Surgery"}}' \
  >"$work/encounter.json" || fail "could not write the GP encounter"
# Her restriction, recorded at the hospital: sexual-health information withheld from a care coordinator (X77).
curl -sf -X POST "$api/Consent" -H "Authorization: Bearer $(cat "$work/pas.token")" -H 'Content-Type: application/fhir+json' \
  -d '{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'"$pid"'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"}]},
 "provision":{"type":"permit","provision":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
 "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"X77"}}}],
 "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}]}]}}' \
  >"$work/consent.json" || fail "could not record the patient's restriction"
# A paramedic breaks glass (an emergency, with a reason) to read her record: a highlighted row in her access log.
bg=$("$bin" token make --key "$work/rx9-jwt.key" --alg ES256 --iss ambulance-epr --aud https://rr8.test/fhir --org RX9 \
  --practitioner-id G8812345 --practitioner-name "Jo Paramedic" --sds-role R1450 --purpose emergency --break-glass "Collapsed at home, unresponsive") ||
  fail "token make failed"
code=$(curl -s -o "$work/bg.json" -w '%{http_code}' "$api/Patient/$pid" -H "Authorization: Bearer $bg")
[ "$code" = 200 ] || fail "the break-glass read was refused: $code $(cat "$work/bg.json")"
# A conformance run against the node's MLLP source: a report for the conformance view.
"$bin" conformance run --pack integration-engine --target "mllp://$mllp" --target "$api" --token "@$work/pas.token" --report "$work/reports/st-james-v2" >"$work/conformance.txt" 2>&1 || true
[ -s "$work/reports/st-james-v2/report.html" ] || fail "no conformance report: $(cat "$work/conformance.txt")"
# The GP's node comes up: the failed result can now be replayed from the dashboard.
start gp "$work/gp.json"

if [ -n "${SCREENSHOTS:-}" ]; then mkdir -p "$SCREENSHOTS"; fi
BASE="http://127.0.0.1:$admin_port" ADMIN_TOKEN="$(cat "$work/admin.token")" VIEWER_TOKEN="$(cat "$work/viewer.token")" \
  NHS=9434765919 BREAK_GLASS_REASON="Collapsed at home, unresponsive" ADMISSION=MSG00001 PEER=B86010 CHROMIUM="$chromium" SCREENSHOTS="${SCREENSHOTS:-}" \
  node "$here/dashboard_test.mjs"
