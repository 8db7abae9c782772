#!/usr/bin/env bash
# The operator's dashboard's server side (issue 17), on a real node with an admin and a viewer
# token: the embedded static files and their security headers; sign-in and sign-out; no data
# without a session, and the cookie accepted nowhere but /ui/api; CSRF refused without the
# header or from another origin; each endpoint's JSON after real HL7 v2 messages (accepted,
# refused, dead-lettered) and FHIR resources; a viewer cannot replay and an admin can (the dead
# letter delivered once its destination is up); a patient's timeline, access log and recorded
# restriction; secrets hidden in the config and a bad config found; limits; every call audited;
# and the NHS number never in the node's log.
# Usage: run_dashboard.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
nhs=9434765919
dashboard_secrets pas admin viewer
gp_port=$(free_port)
mkdir -p "$work/reports/run-1"
# A report folder as `hidewire conformance run --report DIR` writes it (summary.json, report.html).
cat >"$work/reports/run-1/summary.json" <<'JSON'
{"suite":"hidewire meaningful use","version":"1","pack":"integration-engine","milestone":"M1","run_id":"r1","finished":"2026-12-04T10:00:00Z","passed":false,
 "tests":{"IE-01":"pass","IE-02":"pass","IE-03":"fail","IE-04":"skip"},"messages":{}}
JSON
echo '<!DOCTYPE html><html lang="en-GB"><head><title>Conformance</title><style>body{margin:2em}</style></head><body><h1>IE</h1></body></html>' >"$work/reports/run-1/report.html"
dashboard_node "$work/node.json" "Leeds PAS hub" "$work/node" "$gp_port" "\"dashboard\": {\"conformance_reports\": \"$work/reports\", \"max_sessions\": 8},"
receiving_node gp B86010 gp-practice "$gp_port"
start node "$work/node.json"
ui="http://127.0.0.1:$(port_of node 'admin on')"
api="http://127.0.0.1:$(port_of node 'FHIR API')"
pas=(-H "Authorization: Bearer $(cat "$work/pas.token")")

# req METHOD PATH [curl args]: "STATUS\nHEADERS\n\nBODY" of a dashboard call.
req() {
  local m=$1 p=$2
  shift 2
  curl -s -X "$m" -D "$work/h" -o "$work/b" -w '%{http_code}' "$@" "$ui$p" >"$work/s" || true
  cat "$work/s"
}
body() { cat "$work/b"; }
header() { grep -i "^$1:" "$work/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
expect() {  # expect WHAT STATUS GOT [TEXT]
  [ "$3" = "$2" ] || fail "$1: HTTP $3, expected $2: $(body)"
  [ -z "${4:-}" ] || body | grep -q -- "$4" || fail "$1: no '$4' in $(body)"
}
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$work/b" "$1"; }

# Static files: no session needed, the strict CSP and friends on every /ui answer.
s=$(req GET /ui/); expect "index.html" 200 "$s" "<html"
header Content-Security-Policy | grep -q "default-src 'none'; script-src 'self'; style-src 'self'" || fail "CSP: $(header Content-Security-Policy)"
header Content-Security-Policy | grep -q "frame-ancestors 'none'; base-uri 'none'" || fail "CSP: $(header Content-Security-Policy)"
[ "$(header X-Content-Type-Options)" = nosniff ] || fail "nosniff missing"
[ "$(header X-Frame-Options)" = DENY ] || fail "X-Frame-Options missing"
[ "$(header Referrer-Policy)" = no-referrer ] || fail "Referrer-Policy missing"
header Content-Type | grep -q text/html || fail "index.html type: $(header Content-Type)"
s=$(req GET /ui); expect "/ui redirects to /ui/" 308 "$s"
s=$(req GET /ui/no-such.js); expect "unknown file" 404 "$s"
s=$(req GET /ui/../stats); [ "$s" != 200 ] || fail "a path with .. was served"

# No session: 401 (with no-store); bad credentials: 401; a credential with neither role: 403.
s=$(req GET /ui/api/channels); expect "channels without a session" 401 "$s" error
[ "$(header Cache-Control)" = no-store ] || fail "API answer without Cache-Control: no-store"
header Content-Security-Policy | grep -q "default-src 'none'" || fail "API answer without the CSP"
s=$(req POST /ui/api/session -d '{"token":"not-a-token"}'); expect "bad token" 401 "$s" error
s=$(req POST /ui/api/session -d "{\"token\":\"$(cat "$work/pas.token")\"}"); expect "a clinical system signs in" 403 "$s" "admin or viewer"
s=$(req POST /ui/api/session -H "Origin: https://evil.example" -d "{\"token\":\"$(cat "$work/viewer.token")\"}"); expect "sign-in from another origin" 403 "$s" CSRF

# Sign in as viewer and as admin.
sign_in() {  # sign_in NAME: cookie in $work/NAME.cookie, csrf in $work/NAME.csrf
  s=$(req POST /ui/api/session -H "Origin: $ui" -d "{\"token\":\"$(cat "$work/$1.token")\"}"); expect "$1 signs in" 200 "$s" '"csrf"'
  local c; c=$(header Set-Cookie)
  echo "$c" | grep -q "^hw_session=[0-9a-f]\{64\}; HttpOnly; SameSite=Strict; Path=/ui$" || fail "cookie: $c"
  echo "$c" | cut -d';' -f1 >"$work/$1.cookie"
  jq_ 'd["csrf"]' >"$work/$1.csrf"
}
sign_in viewer
[ "$(jq_ 'd["role"]')" = viewer ] || fail "viewer role: $(body)"
[ "$(jq_ 'd["node"]')" = "Leeds PAS hub" ] || fail "node name: $(body)"
sign_in admin
[ "$(jq_ 'd["role"]')" = admin ] || fail "admin role: $(body)"
V=(-H "Cookie: $(cat "$work/viewer.cookie")")
Vw=("${V[@]}" -H "X-CSRF-Token: $(cat "$work/viewer.csrf")" -H "Origin: $ui")
A=(-H "Cookie: $(cat "$work/admin.cookie")")
Aw=("${A[@]}" -H "X-CSRF-Token: $(cat "$work/admin.csrf")" -H "Origin: $ui")
s=$(req GET /ui/api/session "${V[@]}"); expect "session read back" 200 "$s" '"role":"viewer"'

# The cookie is the dashboard's alone: the admin API and the FHIR API refuse it.
code=$(curl -s -o /dev/null -w '%{http_code}' "${A[@]}" "$ui/stats"); [ "$code" = 401 ] || fail "the admin API took a dashboard cookie: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "${A[@]}" "$api/Patient"); [ "$code" = 401 ] || fail "the FHIR API took a dashboard cookie: $code"

# CSRF: a non-GET without the header, with a wrong one, or from another origin is refused.
s=$(req POST /ui/api/messages/search "${V[@]}" -d '{}'); expect "search without the CSRF header" 403 "$s" "CSRF check failed"
s=$(req POST /ui/api/messages/search "${V[@]}" -H "X-CSRF-Token: $(cat "$work/admin.csrf")" -d '{}'); expect "another session's CSRF token" 403 "$s" "CSRF"
s=$(req POST /ui/api/messages/search "${V[@]}" -H "X-CSRF-Token: $(cat "$work/viewer.csrf")" -H "Origin: https://evil.example" -d '{}')
expect "search from another origin" 403 "$s" "CSRF"

# Real traffic: an admission (accepted, stored), results (accepted, then dead-lettered: the GP's
# node is down), an admission with a bad NHS number (refused, AE).
"$bin" send --mllp "127.0.0.1:$(port_of node 'source pas-adt')" "$data/adt_a01_v251.hl7" "$data/oru_r01_v251.hl7" "$data/adt_a01_bad_nhs.hl7" >"$work/acks.txt" || true
grep -q "adt_a01_v251.hl7: AA" "$work/acks.txt" || fail "admission not accepted: $(cat "$work/acks.txt")"
grep -q "adt_a01_bad_nhs.hl7: A[ER]" "$work/acks.txt" || fail "bad NHS number not refused: $(cat "$work/acks.txt")"
for _ in $(seq 100); do
  s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"status":"failed"}')
  body | grep -q LAB-77731 && break
  sleep 0.1
done
body | grep -q LAB-77731 || fail "the results were not dead-lettered: $(body)"

# Channels: counters, queue depth, last error, 60 one-minute points with latency.
s=$(req GET /ui/api/channels "${V[@]}"); expect "channels" 200 "$s" '"pas-adt"'
python3 - "$work/b" "$(port_of node 'source pas-adt')" <<'PY' || fail "channels JSON: $(body)"
import json, sys
d = json.load(open(sys.argv[1]))
ch = {c["name"]: c for c in d["channels"]}
src, gp, store = ch["pas-adt"], ch["gp"], ch["store"]
assert src["kind"] == "source" and src["type"] == "mllp-hl7v2" and src["state"] == "listening", src
assert src["endpoint"] == "127.0.0.1:" + sys.argv[2], (src["endpoint"], sys.argv[2])  # as bound, not the configured :0
c = src["counters"]
assert (c["received"], c["accepted"], c["rejected"], c["duplicates"]) == (3, 2, 1, 0), c
assert c["routed"] == 2 and c["dead_lettered"] == 1, c
assert src["last_error"] and "NHS" in src["last_error"]["text"], src["last_error"]
pts = src["series"]["points"]
assert src["series"]["interval_s"] == 60 and len(pts) == 60, len(pts)
assert sum(p["received"] for p in pts) == 3 and sum(p["rejected"] for p in pts) == 1
assert any(p["latency_ms_p95"] is not None for p in pts)
assert gp["kind"] == "destination" and gp["counters"]["dead_lettered"] == 1 and gp["queue_depth"] == 0, gp
assert gp["last_error"] and "HTTP delivery" in gp["last_error"]["text"], gp["last_error"]
assert gp["endpoint"] == "http://127.0.0.1:%s/" % gp["endpoint"].split(":")[2].rstrip("/"), gp["endpoint"]
assert store["counters"]["delivered"] == 2, store["counters"]
assert sum(p["delivered"] for p in store["series"]["points"]) == 2
PY

# Message search: by NHS number, control id, type, status; paging; limits.
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d "{\"nhs_number\":\"$nhs\"}"); expect "search by NHS number" 200 "$s" MSG00001
[ "$(jq_ 'len(d["messages"])')" = 2 ] || fail "two messages for the patient: $(body)"
[ "$(jq_ 'd["messages"][0]["control_id"]')" = LAB-77731 ] || fail "newest first: $(body)"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"type":"ADT^A01","status":"rejected"}'); expect "search by type and status" 200 "$s" MSG00099
[ "$(jq_ 'len(d["messages"])')" = 1 ] || fail "one refused admission: $(body)"
bad_id=$(jq_ 'd["messages"][0]["id"]')
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"control_id":"MSG00001","source":"pas-adt","from":"2020-01-01T00:00:00Z"}'); expect "search by control id" 200 "$s" MSG00001
adt_id=$(jq_ 'd["messages"][0]["id"]')
today=$(date -u +%Y-%m-%d)
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d "{\"from\":\"$today\",\"to\":\"$today\"}"); expect "search by day" 200 "$s"
[ "$(jq_ 'len(d["messages"])')" = 3 ] || fail "today's messages: $(body)"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"to":"2020-01-01T10:00+01:00"}'); expect "search before 2020" 200 "$s" '"messages":\[\]'
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"from":"yesterday"}'); expect "unreadable from" 400 "$s" "ISO 8601"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"limit":1}'); expect "a page of one" 200 "$s"
next=$(jq_ 'd["next_after"]'); [ "$next" != None ] || fail "no next page: $(body)"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d "{\"limit\":5,\"after\":$next}"); expect "the next page" 200 "$s"
[ "$(jq_ 'len(d["messages"])')" = 2 ] && [ "$(jq_ 'd["next_after"]')" = None ] || fail "second page: $(body)"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"limit":501}'); expect "limit over 500" 400 "$s" "limit"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d '{"nhs_number":"9434765918"}'); expect "search by an invalid NHS number" 400 "$s" "NHS number"
s=$(req POST /ui/api/messages/search "${Vw[@]}" -d "{\"x\":\"$(head -c 70000 /dev/zero | tr '\0' a)\"}"); expect "body over 64 kB" 413 "$s" "limit"

# Message detail: raw, the ACK sent, the Bundle, unmapped parts, deliveries; the refused one's diagnostics.
s=$(req GET "/ui/api/messages/$adt_id" "${V[@]}"); expect "admission detail" 200 "$s" MSG00001
python3 - "$work/b" <<'PY' || fail "detail JSON: $(body)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["raw"]["format"] == "hl7v2" and d["raw"]["text"].startswith("MSH|"), d["raw"]
assert d["answer"]["kind"] == "ack" and d["answer"]["status"] == "AA" and "MSA|AA" in d["answer"]["text"], d["answer"]
assert d["bundle"]["resourceType"] == "Bundle", d["bundle"]
assert d["nhs_number"] == "9434765919" and d["type"] == "ADT^A01" and d["status"] == "accepted", d
assert any(u["location"].startswith("ZU1") for u in d["unmapped"]), d["unmapped"]
assert [x["outcome"] for x in d["deliveries"]] == ["delivered"] and d["deliveries"][0]["destination"] == "store", d["deliveries"]
PY
s=$(req GET "/ui/api/messages/$bad_id" "${V[@]}"); expect "refused detail" 200 "$s" MSG00099
python3 - "$work/b" <<'PY' || fail "refused detail JSON: $(body)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "rejected" and d["bundle"] is None and d["answer"]["status"] in ("AE", "AR"), d
assert any(x["severity"] == "error" and "PID" in x["location"] for x in d["diagnostics"]), d["diagnostics"]
PY
s=$(req GET /ui/api/messages/999999 "${V[@]}"); expect "unknown message" 404 "$s" error

# Replay: the viewer is refused; the admin replays the dead letter once the GP's node is up.
failed_id=$(python3 -c 'import json,sys; print([m["id"] for m in json.load(open(sys.argv[1]))["messages"] if m["control_id"]=="LAB-77731"][0])' \
  <(req POST /ui/api/messages/search "${Vw[@]}" -d '{"status":"dead_lettered"}' >/dev/null; cat "$work/b"))
s=$(req POST /ui/api/messages/replay "${Vw[@]}" -d "{\"ids\":[$failed_id]}"); expect "viewer replays" 403 "$s" "replay needs the admin role"
ids=$(python3 -c 'print(",".join(str(i) for i in range(1, 102)))')
s=$(req POST /ui/api/messages/replay "${Aw[@]}" -d "{\"ids\":[$ids]}"); expect "101 ids" 400 "$s" "100"
start gp "$work/gp.json"
s=$(req POST /ui/api/messages/replay "${Aw[@]}" -d "{\"ids\":[$failed_id,$bad_id]}"); expect "admin replays" 200 "$s" results
[ "$(jq_ 'd["results"][0]["outcome"]')" = delivered ] || fail "the dead letter was not delivered: $(body)"
[ "$(jq_ 'd["results"][1]["outcome"]')" = failed ] && body | grep -q "still not convertible" || fail "the refused one: $(body)"
s=$(req GET "/ui/api/messages/$failed_id" "${V[@]}"); expect "replayed detail" 200 "$s" '"status":"accepted"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=[(x["destination"],x["outcome"]) for x in d["deliveries"]]; assert ("gp","dead_lettered") in o and ("gp","delivered") in o, o' "$work/b" \
  || fail "delivery attempts: $(body)"
wait_for gp Observation '"resourceType":"Observation"' | grep -q Observation || fail "the replayed results did not reach the GP"

# FHIR resources through the API: the PAS reads her record (an access in her log) and records her restriction.
curl -sf "${pas[@]}" "$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|$nhs" >"$work/pat.json" || fail "the PAS cannot read the patient"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entry"][0]["resource"]["id"])' "$work/pat.json")
restrict='{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/'$pid'"},"dateTime":"2026-12-02",
 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTINR"}]},
 "provision":{"type":"permit","provision":[{"type":"deny","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
 "reference":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RX9"}}}],
 "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"SEX"}]}]}}'
code=$(curl -s -o "$work/consent.json" -w '%{http_code}' "${pas[@]}" -H 'Content-Type: application/fhir+json' -d "$restrict" "$api/Consent")
[ "$code" = 201 ] || fail "the PAS could not record the restriction: $code $(cat "$work/consent.json")"

# The patient view: who she is, her timeline, her access log, the restriction in force.
s=$(req POST /ui/api/patient "${Vw[@]}" -d '{"nhs_number":"9434765918"}'); expect "patient: Modulus 11" 400 "$s" "NHS number"
s=$(req POST /ui/api/patient "${Vw[@]}" -d '{"nhs_number":"9449306613"}'); expect "patient: unknown" 404 "$s" "no patient with that NHS number"
s=$(req POST /ui/api/patient "${Vw[@]}" -d "{\"nhs_number\":\"$nhs\"}"); expect "patient view" 200 "$s" MARGARET
python3 - "$work/b" <<'PY' || fail "patient JSON: $(body)"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["patient"]
assert p["nhs_number"] == "9434765919" and "SMITH" in p["name"] and p["birth_date"] == "1941-03-02" and p["gender"] == "female", p
tl = d["timeline"]
kinds = [e["kind"] for e in tl]
assert "admission" in kinds and "result" in kinds, kinds
# One entry for the stay (the results' PV1 made an Encounter of its own for the same ward), at
# the admission's time, in words, with the organisation the messages came from (their Provenance).
adm = [e for e in tl if e["kind"] == "admission"]
assert len(adm) == 1, adm
assert adm[0]["title"].startswith("Admitted to Ward 7") and adm[0]["at"].startswith("2026-11-24T08:50"), adm
assert adm[0]["organisation"] == {"ods": "RR8", "name": ""}, adm
assert all(e["organisation"] and e["organisation"]["ods"] == "RR8" for e in tl), [e for e in tl if not e["organisation"] or e["organisation"]["ods"] != "RR8"]
res = [e for e in tl if e["kind"] == "result"]
assert all(e["title"].startswith("Result: ") for e in res) and "Result: Potassium: 5.9 mmol/L" in [e["title"] for e in res], res
assert all(a >= b for a, b in zip([e["at"] for e in d["timeline"]], [e["at"] for e in d["timeline"]][1:])), "timeline not newest first"
log = d["access_log"]
assert any(a["who"] == "pas" or "pas" in json.dumps(a) for a in log), log
assert any(a["action"] == "search" and a["outcome"] == "granted" for a in log), log
r = d["consent"]["restrictions"]
assert len(r) == 1 and "SEX" in r[0]["data_class"] and "RX9" in r[0]["recipient"], d["consent"]
assert d["consent"]["dissent"] is False and d["consent"]["national_opt_out"] is False
PY

# Federation (no peers on this node), conformance reports and the report page under the strict CSP.
s=$(req GET /ui/api/federation "${V[@]}"); expect "federation" 200 "$s" '"peers":\[\]'
s=$(req GET /ui/api/conformance "${V[@]}"); expect "conformance" 200 "$s" run-1
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["reports"][0]; assert (r["pack"],r["passed"],r["failed"],r["skipped"],r["errors"])==("integration-engine",2,1,1,0) and r["html"]=="/ui/api/conformance/run-1/report.html", r' "$work/b" \
  || fail "conformance JSON: $(body)"
s=$(req GET /ui/api/conformance/run-1/report.html "${V[@]}"); expect "report page" 200 "$s" "<h1>IE</h1>"
header Content-Security-Policy | grep -q "style-src 'self' 'sha256-" || fail "report CSP: $(header Content-Security-Policy)"
header Content-Security-Policy | grep -q "unsafe" && fail "report CSP allows unsafe-*"
s=$(req GET /ui/api/conformance/..%2F..%2Fetc/report.html "${V[@]}"); expect "report outside the folder" 404 "$s"

# Configuration: secrets hidden; a bad file is found by the reader `hidewire run` uses; nothing applied.
s=$(req GET /ui/api/config "${V[@]}"); expect "config" 200 "$s" '"token_sha256":"\*\*\*"'
body | grep -q "$(cat "$work/admin.sha")" && fail "a token hash is in the config view"
body | grep -q "$work/node.json" || fail "config path missing: $(body)"
bad=$(python3 -c 'import json; print(json.dumps({"text": json.dumps({"node":{"name":"x","ods_code":"RR8"},"sources":[{"name":"a","type":"no-such-source"}],"destinations":[],"unmatched":{"destinations":["nowhere"]},"colour":"blue"})}))')
s=$(req POST /ui/api/config/check "${Vw[@]}" -d "$bad"); expect "config check of a bad file" 200 "$s" '"ok":false'
body | grep -q 'no-such-source' && body | grep -q 'colour' && body | grep -q 'nowhere' || fail "config check errors: $(body)"
good=$(python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read()}))' "$work/node.json")
s=$(req POST /ui/api/config/check "${Vw[@]}" -d "$good"); expect "config check of the running file" 200 "$s" '"ok":true'
s=$(req POST /ui/api/config/check "${Vw[@]}" -d '{"text":1}'); expect "config check without text" 400 "$s" text

# At most dashboard.max_sessions (8) at once: the 9th sign-in is refused, nobody is signed out.
for i in 3 4 5 6 7 8; do
  s=$(req POST /ui/api/session -d "{\"token\":\"$(cat "$work/viewer.token")\"}"); expect "sign-in $i" 200 "$s" csrf
done
s=$(req POST /ui/api/session -d "{\"token\":\"$(cat "$work/viewer.token")\"}"); expect "sign-in over the cap" 503 "$s" "too many"
s=$(req GET /ui/api/session "${A[@]}"); expect "the admin's session survives the cap" 200 "$s" admin

# Sign-out needs the CSRF header; afterwards the cookie is worthless.
s=$(req DELETE /ui/api/session "${V[@]}"); expect "sign-out without CSRF" 403 "$s" CSRF
s=$(req DELETE /ui/api/session "${Vw[@]}"); expect "sign-out" 204 "$s"
s=$(req GET /ui/api/channels "${V[@]}"); expect "after sign-out" 401 "$s"

# Every /ui/api call is audited; the patient lookup with the patient as its entity (who-saw lists it).
n=$(sqlite3 "$work/node/audit.db" "SELECT COUNT(*) FROM entries WHERE action LIKE 'dashboard%' OR (action = 'replay' AND event_json LIKE '%/ui/api/%')")
[ "$n" -ge 40 ] || fail "only $n dashboard calls audited"
sqlite3 "$work/node/audit.db" "SELECT COUNT(*) FROM entries WHERE action = 'dashboard' AND outcome = '4' AND event_json LIKE '%CSRF%' OR (action='dashboard' AND outcome='4')" | grep -qv '^0$' || fail "refused calls not audited"
"$bin" audit who-saw --nhs "$nhs" --db "$work/node/audit.db" --public-key "$work/node/audit-signing.pub" >"$work/who.txt" || fail "who-saw: $(cat "$work/who.txt")"
grep -q "ops-viewer.*dashboard" "$work/who.txt" || fail "the dashboard's patient lookup is not in who-saw: $(cat "$work/who.txt")"

# Nothing of the patient in the node's log at info level.
grep -q "$nhs" "$work/node.log" && fail "the NHS number is in the node's log: $(grep "$nhs" "$work/node.log" | head -3)"
grep -q "$(cat "$work/admin.token")" "$work/node.log" && fail "a token is in the node's log"
# Under TLS the cookie is Secure, and the Origin expected is the https one.
make_certs admin-tls
python3 - "$work/node.json" "$work/tls.json" "$work/admin-tls" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["node"]["data_dir"] += "-tls"
c["admin"]["tls"] = {"cert": sys.argv[3] + ".crt", "key": sys.argv[3] + ".key"}
c["sources"], c["destinations"], c["routes"] = [], [{"name": "store", "type": "fhir-store"}], []
json.dump(c, open(sys.argv[2], "w"))
PY
start tls "$work/tls.json"
tls_ui="https://127.0.0.1:$(port_of tls 'admin on')"
curl -s --cacert "$work/admin-tls.crt" -D "$work/tls.h" -o "$work/tls.b" -H "Origin: $tls_ui" -d "{\"token\":\"$(cat "$work/viewer.token")\"}" "$tls_ui/ui/api/session"
grep -i '^set-cookie:' "$work/tls.h" | grep -q 'HttpOnly; SameSite=Strict; Path=/ui; Secure' || fail "cookie under TLS: $(cat "$work/tls.h")"
code=$(curl -s --cacert "$work/admin-tls.crt" -o /dev/null -w '%{http_code}' -H "Origin: http://127.0.0.1:${tls_ui##*:}" \
  -d "{\"token\":\"$(cat "$work/viewer.token")\"}" "$tls_ui/ui/api/session")
[ "$code" = 403 ] || fail "a plain-http Origin signed in over TLS: $code"
echo "PASS: dashboard server side"
