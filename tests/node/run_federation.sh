#!/usr/bin/env bash
# The federated record query (issue 11, docs/FEDERATION.md) across five organisations' nodes over
# loopback with mutual TLS, one CA: a GP practice (A81001) holds the record of Edith Whitfield,
# 85 (COPD, type 2 diabetes, hypertension, furosemide started last week, her daughter as carer);
# a social-care provider (8JF33) holds her care plan; she arrives at A&E (RR8), the ambulance
# crew (RX9) and NHS 111 (NLO) ask for her record too, each through its own node. Then: dissent,
# break-glass (and her access log at her practice), a sensitive record, an invalid NHS number,
# a certificate from an unknown CA, one organisation's token on another's certificate, the audit
# at both ends of each query under one X-Request-ID, a GP node that is down and one that never
# answers (a partial answer, in time), and `hidewire audit verify` at every node.
# Usage: run_federation.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
here="$(cd "$(dirname "$0")" && pwd)"
gen="$here/../../bench/gp_record.py"
source "$here/lib.sh"
source "$here/access/pki.sh"
source "$here/federation/five_nodes.sh"
today=$(date -u +%F)
edith=9434765919      # the 85-year-old woman, registered at A81001
margaret=9449306613   # dissented from sharing
robin=9451234578   # a sensitive (restricted) record
for n in $edith $margaret $robin; do python3 "$gen" --check-nhs "$n" || fail "test data: $n is no valid NHS number"; done
python3 "$gen" --check-nhs 9434765918 && fail "test data: 9434765918 should fail its check digit"

for n in "${nodes[@]}"; do start_node "$n"; done
python3 "$gen" --nhs $edith --today "$today" >"$work/edith.json"
python3 "$gen" --nhs $margaret --family Ashworth --given Margaret --age 79 --dissent --today "$today" >"$work/margaret.json"
python3 "$gen" --nhs $robin --family Hale --given Robin --age 41 --sensitive --sizes 2,1,2,1 --today "$today" >"$work/robin.json"
for f in edith margaret robin; do load gp "$work/$f.json"; done
# The social-care provider's own record of her: her Patient and her care plan.
cat >"$work/careplan.json" <<JSON
{"resourceType": "Bundle", "type": "transaction", "entry": [
 {"fullUrl": "urn:uuid:0b0e6c1a-4d1e-4a57-9f00-8a2d5e6c0001",
  "resource": {"resourceType": "Patient", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "$edith"}],
               "name": [{"family": "Whitfield", "given": ["Edith"]}], "gender": "female",
               "generalPractitioner": [{"identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "A81001"}}]},
  "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=https://fhir.nhs.uk/Id/nhs-number|$edith"}},
 {"fullUrl": "urn:uuid:0b0e6c1a-4d1e-4a57-9f00-8a2d5e6c0002",
  "resource": {"resourceType": "CarePlan", "status": "active", "intent": "plan",
               "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "734163000", "display": "Care plan"}]}],
               "title": "Home care and reablement plan",
               "description": "Two carer visits a day (morning and evening) for personal care and medicines prompting; key safe at the front door; daughter Carol Bennett is the main carer",
               "subject": {"reference": "urn:uuid:0b0e6c1a-4d1e-4a57-9f00-8a2d5e6c0001"},
               "period": {"start": "$(date -u -d '-90 days' +%F)"},
               "author": {"identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "8JF33"}}},
  "request": {"method": "POST", "url": "CarePlan"}}]}
JSON
load social "$work/careplan.json"

# --- A&E: the clinician's query on the hospital's own node returns the diuretic and the care plan.
r=$(federated aande "$(clinician aande emergency)" $edith -H "X-Request-ID: ae-edith-0001")
expect "A&E asks for her record" 200 "$r" '"type":"collection"'
body_of "$r" >"$work/aande.json"; [ -n "${DUMP:-}" ] && cp "$work/aande.json" "$DUMP"
python3 - "$work/aande.json" <<'PY' || fail "the merged record at A&E is not what the contract says"
import json, sys
b = json.load(open(sys.argv[1]))
res = [e["resource"] for e in b["entry"]]
def of(t): return [r for r in res if r["resourceType"] == t]
meds = json.dumps(of("MedicationStatement") + of("MedicationRequest") + of("Medication"))
assert "317971007" in meds and "Furosemide" in meds, "no furosemide"
codes = json.dumps(of("Condition"))
for c in ("13645005", "44054006", "38341003"): assert c in codes, "problem %s missing" % c
assert "Bennett" in json.dumps(of("Patient") + of("RelatedPerson")), "no carer"
plans = of("CarePlan"); assert plans and "reablement" in plans[0]["title"], "no care plan from social care"
prov = {p["agent"][0]["who"]["identifier"]["value"]: p for p in of("Provenance")}
assert {"A81001", "8JF33"} <= set(prov), "Provenance per source: %s" % sorted(prov)
urls = [e["fullUrl"] for e in b["entry"]]
assert len(urls) == len(set(urls)), "fullUrls collide"
PY
# The requester keeps nothing of it.
[ "$(sqlite3 "$work/aande/fhir.db" "SELECT COUNT(*) FROM resources WHERE type IN ('MedicationStatement','CarePlan')" 2>/dev/null || echo 0)" = 0 ] ||
  fail "the hospital's node kept part of the merged record"

# --- The ambulance crew and NHS 111, each through its own node: the same record.
same_record() {  # same_record WHO FILE: the clinical content of FILE is the A&E's
  python3 - "$work/aande.json" "$2" <<'PY' || fail "$1 did not get the same record as A&E"
import json, sys
def content(path):
  b = json.load(open(path))
  # what the sources hold (not what each answer makes for itself: Provenance, List, OperationOutcome)
  kept = ("Patient", "RelatedPerson", "AllergyIntolerance", "Condition", "Medication", "MedicationStatement",
          "MedicationRequest", "Observation", "Encounter", "CarePlan")
  return sorted(e["fullUrl"] + json.dumps({k: v for k, v in e["resource"].items() if k != "meta"}, sort_keys=True)
                for e in b["entry"] if e["resource"]["resourceType"] in kept)
a, b = content(sys.argv[1]), content(sys.argv[2])
assert a and a == b, "%d resources against %d" % (len(a), len(b))
PY
}
# The CapabilityStatement says the node answers the federated record (what /metadata shows a peer
# or the conformance suite).
r=$(as_nobody GET "${base[amb]}/metadata")
expect "the ambulance node's CapabilityStatement" 200 "$r" '"name":"hidewire-federated-record"'
r=$(federated amb "$(clinician amb emergency)" $edith -H "X-Request-ID: amb-edith-0001")
expect "the ambulance crew asks" 200 "$r" 317971007
body_of "$r" >"$work/amb.json"; same_record "the ambulance crew" "$work/amb.json"
# NHS 111's clinical assessment service asks through the command line: hidewire record.
clinician nhs111 emergency >"$work/111.token"
"$bin" record --nhs $edith --purpose emergency --token @"$work/111.token" --url "${base[nhs111]}" --cacert "$work/ca.crt" \
  --request-id 111-edith-0001 >"$work/111.json" 2>"$work/111.err" || { cat "$work/111.err"; fail "hidewire record at NHS 111 failed"; }
grep -q 317971007 "$work/111.json" || fail "hidewire record at NHS 111: no furosemide"
same_record "NHS 111" "$work/111.json"

# --- Dissent: refused at her practice, NO_PATIENT_CONSENT, as the contract says.
r=$(federated aande "$(clinician aande emergency)" $margaret -H "X-Request-ID: ae-margaret-0001")
[ -n "${DUMP:-}" ] && body_of "$r" >"$DUMP.dissent"
case "$(status_of "$r")" in
  403) expect "dissent" 403 "$r" NO_PATIENT_CONSENT ;;
  200) expect "dissent (partial answer)" 200 "$r" NO_PATIENT_CONSENT
       body_of "$r" | grep -q 'MedicationStatement' && fail "dissent: her medicines were shared"
       body_of "$r" | grep -q '"value":"A81001"' || body_of "$r" | grep -q 'A81001' || fail "dissent: the refusing practice is not named" ;;
  *) fail "dissent: answered $(status_of "$r"): $(body_of "$r" | head -c 400)" ;;
esac
# Break-glass by the A&E clinician, with a reason: granted, and a privacy alert at her practice.
r=$(federated aande "$(clinician aande emergency --break-glass 'Unconscious in resus, no history available')" $margaret \
  -H "X-Request-ID: ae-margaret-btg-1")
expect "break-glass" 200 "$r" 317971007
r=$(as_nobody GET "${base[gp]}/AuditEvent" -H "Authorization: Bearer $(patient_token $margaret "${aud[gp]}")")
expect "her access log at her practice" 200 "$r" BTG
body_of "$r" | grep -q "no history available" || fail "her access log lacks the break-glass reason"
body_of "$r" | grep -q RR8 || fail "her access log does not name the hospital"
# One privacy alert for the one break-glass query (discovery, which shows nothing of the record, adds none).
alerts=$(body_of "$r" | grep -o 'privacy alert: break-glass' | wc -l)
[ "$alerts" = 1 ] || fail "break-glass wrote $alerts privacy alerts at her practice, not one"

# --- A sensitive record: not found. An invalid NHS number: 400.
# A sensitive record is answered exactly as a patient nobody holds: 404 PATIENT_NOT_FOUND, or (as the
# requester answers when no peer holds a record) an empty collection; never a word of her.
nobody=$(python3 "$gen" --make-nhs 945278130)
not_found() {  # not_found WHAT NHS: the answer, with what varies per query (ids, times, the NHS number) blanked
  local r; r=$(federated aande "$(clinician aande emergency)" "$2")
  case "$(status_of "$r")" in
    404) expect "$1" 404 "$r" PATIENT_NOT_FOUND; echo 404 ;;
    200) body_of "$r" | python3 -c '
import json, re, sys
b = json.load(sys.stdin)
kinds = [e["resource"]["resourceType"] for e in b.get("entry", [])]
assert kinds == ["OperationOutcome"], "the answer holds %s" % kinds
print(re.sub(r"[0-9a-f-]{36}|\d{4}-\d\d-\d\dT[0-9:.]+Z|\d{10}", "_", json.dumps(b, sort_keys=True)))' || fail "$1: $(body_of "$r" | head -c 400)" ;;
    *) fail "$1: answered $(status_of "$r"): $(body_of "$r" | head -c 400)" ;;
  esac
}
a=$(not_found "sensitive record" $robin); b=$(not_found "a patient nobody holds" $nobody)
[ "$a" = "$b" ] || fail "a sensitive record is answered otherwise than an unknown patient: $a / $b"
[ "$a" = 404 ] || fail "a sensitive record: expected 404 PATIENT_NOT_FOUND from the requester, got $a"
r=$(federated aande "$(clinician aande emergency)" 9434765918); expect "invalid NHS number" 400 "$r" INVALID_NHS_NUMBER

# --- Peers are who their certificates say, and only that.
holds='{"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"'$edith'"}}]}'
node_jwt() {  # node_jwt SIGNER ORG AUD: a JWT as node SIGNER signs it for a peer, naming ORG
  "$bin" token make --key "$work/$1-node-jwt.key" --alg ES256 --iss "${ods[$1]}" --aud "$3" --org "$2" \
    --practitioner-id G1234567 --practitioner-name "Priya Shah" --sds-role R8000 --purpose emergency --scope "patient/*.read"
}
code=$(curl -s -o "$work/rogue.out" -w '%{http_code}' --cacert "$work/ca.crt" --cert "$work/rogue.crt" --key "$work/rogue.key" \
  -H 'Content-Type: application/fhir+json' -H "Authorization: Bearer $(node_jwt aande RR8 "${aud[gp]}")" \
  -X POST "${base[gp]}/Patient/\$hidewire-patient-record" -d "$holds" || true)
[ "$code" = 000 ] || fail "a certificate from an unknown CA got through the TLS handshake (answered $code)"
[ -s "$work/rogue.out" ] && fail "a certificate from an unknown CA got an answer"
r=$(as_org amb POST "${base[gp]}/Patient/\$hidewire-patient-record" -H "Authorization: Bearer $(node_jwt aande RR8 "${aud[gp]}")" -d "$holds")
case "$(status_of "$r")" in 401|403) ;; *) fail "RR8's token on RX9's certificate was answered $(status_of "$r")" ;; esac
body_of "$r" | grep -q 317971007 && fail "RR8's token on RX9's certificate got her record"
# ... and at the requester: its own system's JWT naming another organisation.
r=$(federated aande "$("$bin" token make --key "$work/aande-epr-jwt.key" --alg ES256 --iss epr --aud "${aud[aande]}" --org RX9 \
  --practitioner-id G1 --practitioner-name "Priya Shah" --sds-role R8000 --purpose emergency)" $edith)
expect "the hospital's system naming RX9" 403 "$r"

# --- Each query is in the audit at both ends, under the same X-Request-ID.
audited() {  # audited NODE REQUEST_ID AGENT_ODS
  local n
  for _ in $(seq 50); do
    n=$(sqlite3 "$work/$1/audit.db" "SELECT COUNT(*) FROM entries WHERE request_id = '$2' AND agent_ods = '$3'")
    [ "$n" -gt 0 ] && return
    sleep 0.1
  done
  fail "$1's audit has no entry for request $2 by $3"
}
for pair in "ae-edith-0001 aande RR8" "amb-edith-0001 amb RX9" "111-edith-0001 nhs111 NLO" "ae-margaret-btg-1 aande RR8"; do
  set -- $pair
  audited "$2" "$1" "$3"      # the requester: its own clinician's request
  audited gp "$1" "$3"        # the GP practice: the peer that asked
done
audited social ae-edith-0001 RR8

# --- Her practice's node is down: a partial answer with a warning, quickly. The ambulance
# service's node restarted with a deadline of 1 s for what follows.
stop_node gp
stop_node amb
deadline_ms=1000 start_node amb
t0=$(date +%s%N)
r=$(federated amb "$(clinician amb emergency)" $edith)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "GP node down" 200 "$r" reablement
peer_issue() {  # peer_issue RESPONSE ODS CODE: the merged answer's OperationOutcome names the peer with that issue code
  body_of "$1" | python3 -c 'import json,sys
b=json.load(sys.stdin); oo=[e["resource"] for e in b["entry"] if e["resource"]["resourceType"]=="OperationOutcome"]
sys.exit(0 if any(sys.argv[1] in json.dumps(i) and i.get("code") == sys.argv[2] for o in oo for i in o["issue"]) else 1)' "$2" "$3"
}
peer_issue "$r" A81001 transient || fail "GP node down: the answer does not name A81001 as unreachable: $(body_of "$r" | head -c 600)"
[ "$ms" -lt 2500 ] || fail "GP node down: answered after $ms ms (deadline 1000 ms, margin 1500 ms)"
body_of "$r" | grep -q 317971007 && fail "GP node down: furosemide from nowhere"
echo "GP node down: partial answer in $ms ms"
# ... and now slower than the deadline: a listener on its port that accepts and never answers.
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
held=[]
while True: held.append(s.accept()[0])' "${port[gp]}" &
pids+=($!)
wait_port "${port[gp]}"
t0=$(date +%s%N)
r=$(federated amb "$(clinician amb emergency)" $edith)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "GP node silent" 200 "$r" reablement
peer_issue "$r" A81001 timeout || fail "GP node silent: the answer does not name A81001 as past the deadline: $(body_of "$r" | head -c 600)"
[ "$ms" -ge 950 ] || fail "GP node silent: answered after $ms ms, before the deadline (1000 ms)"
[ "$ms" -lt 2500 ] || fail "GP node silent: answered after $ms ms (deadline 1000 ms, margin 1500 ms)"
echo "silent GP node: partial answer in $ms ms (deadline 1000 ms)"
kill -9 "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
# ... and answering with a certificate from an unknown CA: refused at TLS, said so, and the rest still given.
python3 -c 'import socket,ssl,sys
c=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[2], sys.argv[3])
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
while True:
  a=s.accept()[0]
  try: c.wrap_socket(a, server_side=True).recv(1)
  except Exception: pass
  a.close()' "${port[gp]}" "$work/rogue.crt" "$work/rogue.key" &
pids+=($!)
wait_port "${port[gp]}"
r=$(federated amb "$(clinician amb emergency)" $edith)
expect "GP node with an unknown CA's certificate" 200 "$r" reablement
body_of "$r" | grep -q 317971007 && fail "the requester took a record from a server with an unknown CA's certificate"
peer_issue "$r" A81001 security || fail "the unknown CA's server is not named as refused at TLS: $(body_of "$r" | head -c 600)"

# --- Every node's audit log verifies.
for n in aande amb nhs111 social; do stop_node $n; done
for n in "${nodes[@]}"; do
  "$bin" audit verify --db "$work/$n/audit.db" --public-key "$work/$n/audit-signing.pub" >"$work/verify-$n.txt" 2>&1 ||
    { cat "$work/verify-$n.txt"; fail "$n's audit log does not verify"; }
done
# Nothing in any node's log at info names a patient or quotes a token.
for n in "${nodes[@]}"; do
  grep -l -e $edith -e $margaret -e $robin -e 'eyJ' "$work/$n.log" && fail "$n logged an NHS number or a token at info"
done
echo "federation: five nodes, the merged record, dissent, break-glass, sensitive, invalid, impostors, deadlines and the audits all as the contract says"
