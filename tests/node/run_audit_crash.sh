#!/usr/bin/env bash
# No acknowledged access goes unaudited across a SIGKILL. Eight clients read a patient's record
# as fast as they can, each request with its own X-Request-ID, while HL7 v2 messages arrive over
# MLLP; the node is killed with SIGKILL mid-stream. Every read answered 200 must be in the audit
# log with its request id (the answer waits for the audit's commit); every message acknowledged
# must be audited once the node is back (writes by message are audited from the journal, which
# the log catches up with at start-up). Then the log still verifies.
# Usage: run_audit_crash.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/access/pki.sh"
secret pas
cat >"$work/node.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha256")", "roles": ["clinical"], "write_types": ["*"], "facilities": ["NGH", "RXX01"]}],
 "access": {"type": "consent"},
 "sources": [{"name": "pas-feed", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "system": "pas"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start rxx "$work/node.json"
api="http://127.0.0.1:$(port_of rxx 'FHIR API')"
mllp="127.0.0.1:$(port_of rxx 'source pas-feed')"
token=$(cat "$work/pas.token")
pid=$(curl -sf -X POST "$api/Patient" -H "Authorization: Bearer $token" -H 'Content-Type: application/fhir+json' \
  -d '{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}],"name":[{"family":"Atkinson"}]}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# Readers: each prints "REQUEST_ID STATUS" for every answer it got before the node died.
cat >"$work/readers.py" <<'PY'
import http.client, sys, threading, urllib.parse
api, token, pid, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
u = urllib.parse.urlparse(api)
lines, lock = [], threading.Lock()
def reader(n):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    for i in range(100000):
        rid = f"crash-{n}-{i}"
        try:
            c.request("GET", f"/Patient/{pid}", headers={"Authorization": "Bearer " + token, "X-Request-ID": rid})
            r = c.getresponse(); r.read()
        except Exception:
            return
        with lock:
            lines.append(f"{rid} {r.status}")
ts = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
for t in ts: t.start()
for t in ts: t.join()
open(out, "w").write("\n".join(lines) + "\n")
PY
python3 "$work/readers.py" "$api" "$token" "$pid" "$work/answers.txt" &
readers=$!
# Messages over MLLP meanwhile: ADT A01s with distinct control ids, MSH-4 naming this trust's
# facility as the PAS's credential allows; more than can be sent before the kill.
python3 - "$data/adt_a01_v251.hl7" "$work" <<'PY'
import re, sys
text = open(sys.argv[1], newline="").read()
text = re.sub(r"^(MSH\|[^|]*\|[^|]*\|)[^|]*", r"\1RXX01", text)
for i in range(1, 3001):
    open(f"{sys.argv[2]}/m{i:04d}.hl7", "w", newline="").write(text.replace("MSG00001", f"CRASH{i}"))
PY
( "$bin" send --mllp "$mllp" "$work"/m*.hl7 >"$work/acks.txt" 2>&1 || true ) &
sender=$!
sleep 2
kill -9 "${pids[0]}"
wait "$readers" || true
wait "$sender" || true
ok=$(grep -c ' 200$' "$work/answers.txt" || true)
[ "$ok" -gt 50 ] || { head "$work/answers.txt"; fail "too few reads answered before the kill ($ok)"; }
# Every 200 has its AuditEvent, found by its request id.
grep ' 200$' "$work/answers.txt" | cut -d' ' -f1 >"$work/ok_ids.txt"
sqlite3 "$work/rxx/audit.db" "SELECT request_id FROM entries WHERE request_id LIKE 'crash-%'" | sort -u >"$work/audited_ids.txt"
missing=$(sort -u "$work/ok_ids.txt" | comm -23 - "$work/audited_ids.txt" | wc -l)
[ "$missing" = 0 ] || fail "$missing of $ok answered reads have no AuditEvent after the SIGKILL"
# Restart: the acknowledged messages are all audited from the journal.
pids=()
start rxx "$work/node.json"
acked=$(grep -c ': AA ' "$work/acks.txt" || true)
journalled=$(sqlite3 "$work/rxx/journal.db" "SELECT COUNT(*) FROM journal")
# A submit entry records a whole journal commit (the start-up catch-up writes one for all the
# rows the kill left unaudited), so count the journal ids of its members, not of the entries.
audited=$(sqlite3 "$work/rxx/audit.db" "SELECT COUNT(DISTINCT json_extract(m.value, '\$.j')) FROM entries, json_each(entries.event_json, '\$.messages') AS m WHERE entries.action = 'submit'")
[ "$acked" -le "$journalled" ] || fail "$acked messages acknowledged but $journalled journalled"
[ "$audited" = "$journalled" ] || fail "$journalled journalled messages but $audited audited after the restart"
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
"$bin" audit verify --db "$work/rxx/audit.db" >"$work/verify.txt" || { cat "$work/verify.txt"; fail "the log does not verify after the crash"; }
echo "audit across SIGKILL: $ok answered reads and $acked acknowledged messages, all audited"
