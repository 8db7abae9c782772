#!/usr/bin/env bash
# The file-drop source: HL7 v2 and FHIR JSON files left in a folder are taken, journalled and
# stored; each file moves to done/ or, refused, to rejected/ (nothing is lost). A file a crash
# left half-taken (in .inflight/) is taken at start; a burst of files is taken without loss.
# Usage: run_file_drop.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
mkdir -p "$work/inbox/.inflight"
cp "$data/oru_r01_v251.hl7" "$work/inbox/.inflight/leftover.hl7"
cat >"$work/node.json" <<JSON
{"node": {"name": "care-provider", "ods_code": "8JF33", "data_dir": "$work/data"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "case-system", "type": "file-drop", "directory": "$work/inbox", "min_age_ms": 2000}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start node "$work/node.json"
api=$(port_of node "FHIR API")
cp "$data/adt_a01_v251.hl7" "$work/inbox/admission.hl7"
cat >"$work/inbox/careplan.json" <<'JSON'
{"resourceType": "CarePlan", "id": "cp-1", "status": "active", "intent": "plan",
 "subject": {"reference": "Patient/example"}, "description": "Twice-daily visits for medication and mobility support"}
JSON
echo '{"resourceType": "CarePlan", "status": "sometimes"}' >"$work/inbox/broken.json"
for i in $(seq 1 100); do
  printf 'MSH|^~\\&|LAB|RR8|HIDEWIRE|8JF33|20261124100000||ORU^R01^ORU_R01|FILE-%d|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|FORD-%d||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|FILE-%d^Burst %d^LOCAL||%d|mmol/L|||||F\r' \
    "$i" "$i" "$i" "$i" "$i" >"$work/inbox/burst-$i.hl7"
done
# Taken means moved on from the inbox and from .inflight/ (where files wait for their commit).
for _ in $(seq 300); do
  [ -z "$(ls "$work/inbox" | grep -v '^done$\|^rejected$')" ] && [ -z "$(ls "$work/inbox/.inflight")" ] && break
  sleep 0.1
done
[ -f "$work/inbox/done/admission.hl7" ] || fail "admission.hl7 not taken"
[ -f "$work/inbox/done/careplan.json" ] || fail "careplan.json not taken"
[ -f "$work/inbox/rejected/broken.json" ] || fail "broken.json not set aside"
[ -f "$work/inbox/done/leftover.hl7" ] || fail "the file left in .inflight/ was not taken again"
[ "$(ls "$work/inbox/done" | grep -c '^burst-')" = 100 ] || fail "not every burst file was taken: $(ls "$work/inbox/done" | grep -c '^burst-')"
[ -z "$(ls "$work/inbox/.inflight")" ] || fail "files stuck in .inflight: $(ls "$work/inbox/.inflight")"
# A file is moved to done/ once journalled; delivery to the store follows from the journal.
for _ in $(seq 200); do
  obs=$(curl -sf "http://127.0.0.1:$api/Observation?_count=200" | grep -o '"code":"FILE-[0-9]*"' | sort -u | wc -l || true)
  [ "$obs" = 100 ] && break
  sleep 0.05
done
[ "$obs" = 100 ] || fail "$obs of the 100 burst results are in the store"
curl -sf "http://127.0.0.1:$api/CarePlan?_count=5" | grep -q 'Twice-daily visits' || fail "care plan not in the store"
# A file still being written (a slow copy: a segment every 0.2 s over 2 s, past two polls) is left
# until it has not changed for min_age_ms (2000 here, far above the writer's pauses even on a
# loaded machine), then taken whole.
python3 - "$work/inbox/slow.hl7" <<'PY'
import sys, time
segs = ["MSH|^~\\&|LAB|RR8|HIDEWIRE|8JF33|20261124100000||ORU^R01^ORU_R01|SLOW-1|P|2.5.1",
        "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET", "OBR|1|SLOW-1||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F"]
segs += ["OBX|%d|NM|SLOW-%d^Slow %d^LOCAL||%d|mmol/L|||||F" % (i, i, i, i) for i in range(1, 9)]
with open(sys.argv[1], "w") as f:
    for s in segs:
        f.write(s + "\r"); f.flush(); time.sleep(0.2)
PY
for _ in $(seq 100); do [ -f "$work/inbox/done/slow.hl7" ] || [ -f "$work/inbox/rejected/slow.hl7" ] && break; sleep 0.1; done
[ -f "$work/inbox/done/slow.hl7" ] || fail "the slowly written file was not taken whole: $(ls -R "$work/inbox" | head -20)"
for _ in $(seq 100); do
  slow=$(curl -sf "http://127.0.0.1:$api/Observation?_count=200" | grep -o '"code":"SLOW-[0-9]*"' | sort -u | wc -l || true)
  [ "$slow" = 8 ] && break
  sleep 0.1
done
[ "$slow" = 8 ] || fail "$slow of the slowly written file's 8 results are in the store"
curl -sf "http://127.0.0.1:$api/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9434765919" | grep -q '"Patient"' || fail "patient not in the store"
echo "file drop: v2 and FHIR files taken and stored, the invalid one set aside, a crash leftover, a burst of 100 and a slow copy taken"
