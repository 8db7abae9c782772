#!/usr/bin/env bash
# The HTTP FHIR source decides before it answers: an XML transaction Bundle is accepted (202, an
# OperationOutcome of severity information) and its resources reach the store; a collection
# Bundle, which the store cannot apply, is refused at once (422) and journalled as rejected,
# instead of a 202 followed by a dead letter. `hidewire replay ID` of a message whose delivery
# fails again (its peer is down) exits non-zero and prints that outcome, not "replayed".
# Usage: run_http_fhir_bundles.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
down_port=$(free_port)  # nothing listens here: the community care team's server is down
cat >"$work/node.json" <<JSON
{"node": {"name": "gp", "ods_code": "B86010", "data_dir": "$work/gp"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "peers", "type": "http-fhir", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"},
                  {"name": "community", "type": "http-fhir", "url": "http://127.0.0.1:$down_port/", "timeout_ms": 1000,
                   "retry": {"max_attempts": 1, "initial_backoff_ms": 10, "max_backoff_ms": 10}}],
 "routes": [{"name": "care-plans", "match": {"resource_types": ["CarePlan"]}, "destinations": ["store", "community"]}],
 "unmatched": {"destinations": ["store"]}}
JSON
start gp "$work/node.json"
src="http://127.0.0.1:$(port_of gp 'source peers')"
api="http://127.0.0.1:$(port_of gp 'FHIR API')"
admin="127.0.0.1:$(port_of gp 'admin on')"
post() { curl -s -o "$work/body.txt" -w '%{http_code}' -H "Content-Type: $1" --data-binary "@$2" "$src/"; }

cat >"$work/transaction.xml" <<'XML'
<Bundle xmlns="http://hl7.org/fhir">
  <type value="transaction"/>
  <entry>
    <fullUrl value="urn:uuid:5d8e1f0a-3b7c-4a2e-9f61-0c4b2a7d9e13"/>
    <resource>
      <Patient>
        <id value="nhs-9434765919"/>
        <identifier>
          <system value="https://fhir.nhs.uk/Id/nhs-number"/>
          <value value="9434765919"/>
        </identifier>
        <name><family value="Smith"/><given value="Margaret"/></name>
        <gender value="female"/>
        <birthDate value="1941-03-02"/>
        <generalPractitioner>
          <identifier><system value="https://fhir.nhs.uk/Id/ods-organization-code"/><value value="B86010"/></identifier>
        </generalPractitioner>
      </Patient>
    </resource>
    <request><method value="PUT"/><url value="Patient/nhs-9434765919"/></request>
  </entry>
  <entry>
    <resource>
      <Observation>
        <id value="bp-20261124-b86010"/>
        <status value="final"/>
        <code><coding><system value="http://snomed.info/sct"/><code value="163020007"/><display value="On examination - blood pressure reading"/></coding></code>
        <subject><reference value="urn:uuid:5d8e1f0a-3b7c-4a2e-9f61-0c4b2a7d9e13"/></subject>
        <effectiveDateTime value="2026-11-24T10:20:00Z"/>
        <valueQuantity><value value="142"/><unit value="mmHg"/><system value="http://unitsofmeasure.org"/><code value="mm[Hg]"/></valueQuantity>
      </Observation>
    </resource>
    <request><method value="PUT"/><url value="Observation/bp-20261124-b86010"/></request>
  </entry>
</Bundle>
XML
code=$(post application/fhir+xml "$work/transaction.xml")
[ "$code" = 202 ] || fail "XML transaction Bundle answered $code: $(cat "$work/body.txt")"
grep -q '"severity":"information"' "$work/body.txt" || fail "202 outcome is not information: $(cat "$work/body.txt")"
grep -q '"severity":"error"' "$work/body.txt" && fail "202 outcome says error: $(cat "$work/body.txt")"
for _ in $(seq 100); do curl -sf "$api/Observation/bp-20261124-b86010" >/dev/null && break; sleep 0.05; done
curl -sf "$api/Patient/nhs-9434765919" | grep -q '"value":"9434765919"' || fail "the XML Bundle's patient is not in the store"
curl -sf "$api/Observation/bp-20261124-b86010" | grep -q '"reference":"Patient/nhs-9434765919"' ||
  fail "the XML Bundle's observation is not in the store (or its reference not resolved)"
# The same body again (a retry after a timeout): 200, also information.
code=$(post application/fhir+xml "$work/transaction.xml")
[ "$code" = 200 ] || fail "resent XML Bundle answered $code: $(cat "$work/body.txt")"
grep -q '"severity":"information"' "$work/body.txt" || fail "200 outcome is not information: $(cat "$work/body.txt")"

cat >"$work/collection.json" <<'JSON'
{"resourceType": "Bundle", "type": "collection",
 "entry": [{"resource": {"resourceType": "Patient", "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
                         "name": [{"family": "Smith", "given": ["Margaret"]}]}}]}
JSON
code=$(post application/fhir+json "$work/collection.json")
[ "$code" = 422 ] || fail "collection Bundle answered $code: $(cat "$work/body.txt")"
grep -q '"resourceType":"OperationOutcome"' "$work/body.txt" || fail "no OperationOutcome for the collection: $(cat "$work/body.txt")"
grep -q '"severity":"error"' "$work/body.txt" || fail "the refusal is not an error: $(cat "$work/body.txt")"
rejected=$(curl -sf "http://$admin/messages?status=rejected")
echo "$rejected" | grep -q "'collection' Bundle is not applied" || fail "collection not journalled as rejected with its reason: $rejected"
failed=$(curl -sf "http://$admin/messages?status=failed" || true)
[ "$failed" = "[]" ] || fail "dead letters where there should be none: $failed"

# A care plan for the community team: delivered to the store, dead-lettered for the peer that is down.
cat >"$work/careplan.json" <<'JSON'
{"resourceType": "CarePlan", "id": "cp-b86010-1", "status": "active", "intent": "plan",
 "subject": {"reference": "Patient/nhs-9434765919"}, "description": "Weekly district nurse visits for leg ulcer dressing"}
JSON
code=$(post application/fhir+json "$work/careplan.json")
[ "$code" = 202 ] || fail "care plan answered $code: $(cat "$work/body.txt")"
for _ in $(seq 100); do
  failed=$(curl -sf "http://$admin/messages?status=failed" || true)
  [ "$failed" != "[]" ] && break
  sleep 0.05
done
id=$(echo "$failed" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$id" ] || fail "the care plan was not dead-lettered: $failed"
if "$bin" replay --admin "$admin" "$id" >"$work/replay.txt" 2>&1; then fail "replay to a peer that is down exited 0: $(cat "$work/replay.txt")"; fi
grep -q "replayed and delivered" "$work/replay.txt" && fail "replay claims delivery: $(cat "$work/replay.txt")"
grep -q "^$id: refused (HTTP 409).*\"outcome\":\"failed\".*127.0.0.1:$down_port" "$work/replay.txt" ||
  fail "replay does not print the real outcome: $(cat "$work/replay.txt")"
grep -q "0 replayed, 1 refused" "$work/replay.txt" || fail "replay summary: $(cat "$work/replay.txt")"
curl -sf "http://$admin/messages?status=failed" | grep -q "\"id\":$id,.*\"status\":\"failed\",\"reason\":\"community: HTTP delivery" ||
  fail "after the failed replay the message is not a dead letter again: $(curl -sf "http://$admin/messages?status=failed")"
echo "http fhir bundles: XML transaction accepted and stored, collection refused 422 and journalled, success outcomes are information, failed replay exits non-zero"
