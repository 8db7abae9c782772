#!/usr/bin/env bash
# The requester's side of federation through `hidewire run` and `hidewire record`: an ambulance
# service's node (RX9) asked by its ePR for a patient's record asks its peers over mutual TLS with
# a JWT it signs for each: a real hidewire node (RXX), which authenticates and audits the request
# under the same X-Request-ID, and a peer that is down, listed in the answer. Audited at both ends.
# (The five-node scenario with the holders' operations is tests/node/run_federation.sh.)
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
source "$here/access/pki.sh"
ca_init
org_cert rx9 RX9
org_cert rxx RXX
jwt_key rx9 ES256
jwt_key epr ES256
secret ops
nhs=9449306613

holder_port=$(free_port)
cat >"$work/rxx.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx"},
 "api": {"listen": "127.0.0.1:$holder_port", "tls": {"cert": "$work/rxx.crt", "key": "$work/rxx.key", "ca": "$work/ca.crt"}},
 "admin": {"listen": "127.0.0.1:0"},
 "peers": [{"ods_code": "RX9", "kind": "ambulance-service", "jwt_keys": ["$work/rx9-jwt.pub"]}],
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start rxx "$work/rxx.json"

req_port=$(free_port)
down_port=$(free_port)
cat >"$work/rx9.json" <<JSON
{"node": {"name": "North West Ambulance Service", "ods_code": "RX9", "kind": "ambulance-service", "data_dir": "$work/rx9"},
 "api": {"listen": "127.0.0.1:$req_port"},
 "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "epr", "jwt_keys": ["$work/epr-jwt.pub"], "roles": ["clinical"]},
             {"name": "ops", "token_sha256": "$(cat "$work/ops.sha256")", "roles": ["viewer"]}],
 "peers": [{"ods_code": "RXX", "kind": "acute-trust", "url": "https://127.0.0.1:$holder_port",
            "tls": {"cert": "$work/rx9.crt", "key": "$work/rx9.key", "ca": "$work/ca.crt"}},
           {"ods_code": "RR8", "kind": "acute-trust", "url": "https://127.0.0.1:$down_port",
            "tls": {"cert": "$work/rx9.crt", "key": "$work/rx9.key", "ca": "$work/ca.crt"}}],
 "federation": {"jwt_key": "$work/rx9-jwt.key", "deadline_ms": 2000},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start rx9 "$work/rx9.json"
grep -q "federation: \$hidewire-federated-record asks 2 peer(s)" "$work/rx9.log" || fail "federation not started"

token() {
  "$bin" token make --key "$work/epr-jwt.key" --alg ES256 --iss epr --aud "http://127.0.0.1:$req_port" --org RX9 "$@"
}
person=(--practitioner-id G1234567 --practitioner-name "Chidi Okafor" --sds-role R8000 --purpose emergency --scope "patient/*.read")

token "${person[@]}" >"$work/token"
start_s=$(date +%s.%N)
"$bin" record --nhs "$nhs" --purpose emergency --token "@$work/token" --url "http://127.0.0.1:$req_port" --request-id fed-e2e-1 \
  >"$work/record.json" || fail "hidewire record failed: $(cat "$work/record.json")"
took=$(python3 -c "print($(date +%s.%N) - $start_s)")
python3 - "$work/record.json" "$took" <<'PY' || fail "the merged record is not as expected: $(head -c 2000 "$work/record.json")"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["resourceType"] == "Bundle" and b["type"] == "collection", b.get("type")
assert b["identifier"]["value"] == "9449306613"
oo = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "OperationOutcome"]
assert len(oo) == 1
diag = [i["diagnostics"] for i in oo[0]["issue"][1:]]
assert any(d.startswith("RR8 (acute-trust): ") and "unreachable" in d for d in diag), diag
assert not any(d.startswith("RXX (acute-trust): ") for d in diag), diag  # answered discovery: holds no record for her
assert float(sys.argv[2]) < 2.0 + 1.5, sys.argv[2]
PY

# The holder authenticated RX9 by its certificate and the JWT signed for it, and audited it under the same id.
sqlite3 "$work/rxx/audit.db" "select agent_ods, count(*) from entries where request_id = 'fed-e2e-1' group by agent_ods" >"$work/holder-audit"
grep -q "^RX9|" "$work/holder-audit" || fail "the holder did not audit RX9's request under its X-Request-ID: $(cat "$work/holder-audit")"
# The requester: the request itself, and one AuditEvent per peer asked.
n=$(sqlite3 "$work/rx9/audit.db" "select count(*) from entries where request_id = 'fed-e2e-1'")
[ "$n" = 3 ] || fail "the requester audited $n entries for the request, expected 3"
sqlite3 "$work/rx9/audit.db" "select count(*) from entries where request_id = 'fed-e2e-1' and patient_nhs = '$nhs'" | grep -q '^3$' ||
  fail "the requester's AuditEvents do not name the patient"
# Nothing kept at the requester.
[ "$(sqlite3 "$work/rx9/fhir.db" "select count(*) from resources" 2>/dev/null || echo 0)" = 0 ] || fail "the requester kept resources"

# The dashboard's federation view: what the federation client saw of each peer.
ui="http://127.0.0.1:$(port_of rx9 'admin on')"
curl -sf -c "$work/jar" -X POST "$ui/ui/api/session" -d "{\"token\":\"$(cat "$work/ops.token")\"}" >/dev/null || fail "dashboard sign-in"
curl -sf -b "$work/jar" "$ui/ui/api/federation" >"$work/fed.json" || fail "dashboard federation view"
python3 - "$work/fed.json" <<'PY' || fail "federation view: $(cat "$work/fed.json")"
import json, sys
d = json.load(open(sys.argv[1]))
p = {x["ods"]: x for x in d["peers"]}
assert d["enabled"] is True and set(p) == {"RXX", "RR8"}, p
assert p["RXX"]["reachable"] is True and p["RXX"]["last_contact"] and len(p["RXX"]["latency_ms"]) >= 1 and p["RXX"]["refusals"] == [], p["RXX"]
assert p["RR8"]["reachable"] is False and p["RR8"]["latency_ms"] == [], p["RR8"]
assert p["RXX"]["kind"] == "acute-trust" and p["RXX"]["url"].startswith("https://127.0.0.1:"), p["RXX"]
PY

# A system's token naming no person: refused before anything is sent.
token --purpose emergency >"$work/nobody"
if "$bin" record --nhs "$nhs" --purpose emergency --token "@$work/nobody" --url "http://127.0.0.1:$req_port" 2>"$work/nobody.err"; then
  fail "a query on behalf of nobody was answered"
fi
grep -q "403" "$work/nobody.err" || fail "no 403 for a query on behalf of nobody: $(cat "$work/nobody.err")"
# A bad NHS number is the CLI's own usage error; the node's refusal is tested with curl.
curl -s -o "$work/bad.json" -w '%{http_code}' -X POST "http://127.0.0.1:$req_port/Patient/\$hidewire-federated-record" \
  -H "Authorization: Bearer $(token "${person[@]}")" -H 'Content-Type: application/fhir+json' \
  -d '{"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9449306614"}}]}' >"$work/bad.status"
grep -q 400 "$work/bad.status" && grep -q INVALID_NHS_NUMBER "$work/bad.json" || fail "bad NHS number: $(cat "$work/bad.status") $(cat "$work/bad.json")"
# No NHS number or token in the logs at info.
! grep -q "$nhs" "$work/rx9.log" "$work/rxx.log" || fail "an NHS number was logged"
! grep -q "eyJ" "$work/rx9.log" "$work/rxx.log" || fail "a token was logged"
echo "PASS: federation requester"
