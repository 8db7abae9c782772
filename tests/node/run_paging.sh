#!/usr/bin/env bash
# Paging over a journal and a store larger than one page: after thousands of messages the admin
# listing still finds the first and the last by message id, and walking the FHIR search's
# `next` links reaches every Provenance (one per message) exactly once.
# Usage: run_paging.sh HIDEWIRE_BIN [MESSAGES]
set -euo pipefail
bin=$1
count=${2:-5001}
source "$(dirname "$0")/lib.sh"
cat >"$work/node.json" <<JSON
{"node": {"name": "paging", "ods_code": "RR8", "data_dir": "$work/data"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lims", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start node "$work/node.json"
api="http://127.0.0.1:$(port_of node 'FHIR API')"
admin="http://127.0.0.1:$(port_of node 'admin on')"
for i in $(seq 1 "$count"); do
  printf 'MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124100000||ORU^R01^ORU_R01|PAGE-%d|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|ORD-%d||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|PAGE-%d^Paging %d^LOCAL||%d|mmol/L|||||F\r' "$i" "$i" "$i" "$i" "$i"
done >"$work/load.hl7"
"$bin" send --mllp "127.0.0.1:$(port_of node 'source lims')" "$work/load.hl7" >"$work/acks.txt" || fail "not every message was accepted"
for id in "PAGE-1" "PAGE-$count"; do
  curl -sf "$admin/messages?message_id=$id" | grep -q "\"message_id\":\"$id\"" || fail "admin: message_id=$id not found"
done
[ "$(curl -sf "$admin/messages?message_id=PAGE-$count" | grep -o '"id":' | wc -l)" = 1 ] || fail "admin: message_id matched more than one"
[ "$(curl -sf "$admin/messages?message_id=PAGE-0")" = "[]" ] || fail "admin: an unknown message_id matched"

# The store is written behind the ACK: wait until it has them all.
for _ in $(seq 300); do
  total=$(curl -sf "$api/Provenance?_count=0" | grep -o '"total":[0-9]*' | cut -d: -f2 || true)
  [ "${total:-0}" -ge "$count" ] && break
  sleep 0.1
done
[ "${total:-0}" = "$count" ] || fail "store has ${total:-none} Provenance, expected $count"
python3 - "$api/Provenance?_count=500" "$count" <<'PY' || fail "walking the next links"
import json, sys, urllib.request
url, want, seen, pages = sys.argv[1], int(sys.argv[2]), [], 0
while url:
    page = json.load(urllib.request.urlopen(url))
    seen += [e["resource"]["id"] for e in page.get("entry", []) if e["resource"]["resourceType"] == "Provenance"]
    url = next((l["url"] for l in page.get("link", []) if l["relation"] == "next"), None)
    pages += 1
    if pages > want: sys.exit("the next links do not end")
if len(seen) != want or len(set(seen)) != want:
    sys.exit(f"reached {len(set(seen))} distinct of {want} ({len(seen)} entries)")
print(f"walked {pages} pages, {want} Provenance each once")
PY
echo "paging passed"
