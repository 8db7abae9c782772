#!/usr/bin/env bash
# A field value beyond an int (SCH-9 = 99999999999 in an SIU^S12, which reached std::stoi) ended
# the process; through the file drop it came back from .inflight/ and ended it again at every
# restart. Now it is one refused message: AE over MLLP, the file moved to rejected/, journalled as
# rejected with the field named, and the node stays up, across a restart too.
# Usage: run_field_overflow.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
# A clinic booking from the hospital PAS for a GP practice's patient, with a duration of 99999999999 minutes.
siu() {  # CONTROL_ID
  printf '%s\r' \
    "MSH|^~\\&|CAREFLOW|RR8^St James University Hospital^ODS|HIDEWIRE|B86010|20261125090000+0000||SIU^S12^SIU_S12|$1|P|2.5.1|||AL|NE|GBR" \
    "SCH|$1^CAREFLOW|$1^CAREFLOW|||||ROUTINE^Routine^HL70276|FOLLOWUP^Follow-up^HL70277|99999999999|MIN|^^20^20261209141500^20261209143500|||||C3456789^Khan^Imran^^^Dr||||||||||BOOKED" \
    "PID|1||9434765919^^^NHS^NH~RR8-0012345^^^RR8^MR||SMITH^MARGARET^ANN^^MRS||19410302|F|||12 Mill Lane^^Leeds^West Yorkshire^LS1 4AP^GBR^H" \
    "RGS|1|A" \
    "AIS|1|A|DIAB-FU^Diabetes follow-up clinic^LOCAL|20261209141500|||20|MIN" \
    "AIL|1|A|RR8CL3^^^RR8^^^^Diabetes Clinic 3" \
    "AIP|1|A|C3456789^Khan^Imran^^^Dr|CONS^Consultant^HL70286"
}
# What a crash during the old conversion left half-taken: taken again at start.
mkdir -p "$work/inbox/.inflight"
siu APT-88231 >"$work/inbox/.inflight/booking-88231.hl7"
cat >"$work/node.json" <<JSON
{"node": {"name": "acute", "ods_code": "RR8", "data_dir": "$work/data"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"},
             {"name": "clinic-drop", "type": "file-drop", "directory": "$work/inbox"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
journal() { sqlite3 "$work/data/journal.db" "$1"; }
up() { curl -sf "http://$admin/health" | grep -q '"status":"ok"' || fail "the node is down ($1): $(tail -5 "$work/acute.log")"; }

start acute "$work/node.json"
admin="127.0.0.1:$(port_of acute 'admin on')"
siu APT-88232 >"$work/booking-88232.hl7"
"$bin" send --mllp "127.0.0.1:$(port_of acute 'source pas')" "$work/booking-88232.hl7" >"$work/ack.txt" || true
grep -q "booking-88232.hl7: AE APT-88232" "$work/ack.txt" || fail "MLLP answer: $(cat "$work/ack.txt")"
journal "SELECT ack FROM journal WHERE message_id = 'APT-88232'" | tr '\r' '\n' | grep -q '^ERR||SCH^1^9|' ||
  fail "the AE does not locate SCH-9: $(journal "SELECT ack FROM journal WHERE message_id = 'APT-88232'" | tr '\r' '\n')"
up "after the MLLP message"
siu APT-88233 >"$work/inbox/.booking-88233.hl7"
mv "$work/inbox/.booking-88233.hl7" "$work/inbox/booking-88233.hl7"
for _ in $(seq 200); do
  [ -f "$work/inbox/rejected/booking-88233.hl7" ] && [ -f "$work/inbox/rejected/booking-88231.hl7" ] && break
  sleep 0.05
done
[ -f "$work/inbox/rejected/booking-88231.hl7" ] || fail "the file left in .inflight/ was not set aside: $(ls -R "$work/inbox")"
[ -f "$work/inbox/rejected/booking-88233.hl7" ] || fail "the dropped file was not set aside: $(ls -R "$work/inbox")"
up "after the dropped files"
for id in APT-88231 APT-88232 APT-88233; do
  row=$(journal "SELECT status || ' ' || reason FROM journal WHERE message_id = '$id'")
  echo "$row" | grep -q "^rejected .*SCH-9" || fail "$id in the journal: '$row'"
done

# Restarted: the node comes up, and the refused file stays where it is (not taken again).
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
start acute "$work/node.json"
admin="127.0.0.1:$(port_of acute 'admin on')"
up "after the restart"
# A good file dropped after the restart: once it is done, a poll has passed over the folder.
printf '%s\r' "MSH|^~\\&|CAREFLOW|RR8|HIDEWIRE|B86010|20261125091000+0000||ADT^A04^ADT_A01|ADM-30417|P|2.5.1" \
  "EVN|A04|20261125091000" "PID|1||9434765919^^^NHS^NH||SMITH^MARGARET^ANN^^MRS||19410302|F" "PV1|1|O|RR8CL3^^^RR8" \
  >"$work/inbox/.registration.hl7"
mv "$work/inbox/.registration.hl7" "$work/inbox/registration.hl7"
for _ in $(seq 200); do [ -f "$work/inbox/done/registration.hl7" ] && break; sleep 0.05; done
[ -f "$work/inbox/done/registration.hl7" ] || fail "the node did not take files after the restart: $(ls -R "$work/inbox")"
up "after the restart and a poll"
[ "$(journal "SELECT COUNT(*) FROM journal WHERE message_id LIKE 'APT-%'")" = 3 ] || fail "a refused booking was taken again"
[ -f "$work/inbox/rejected/booking-88231.hl7" ] && [ -f "$work/inbox/rejected/booking-88233.hl7" ] || fail "rejected files moved"
echo "field overflow: SCH-9 beyond an int refused (AE, rejected/), journalled with the field, the node up across a restart"
