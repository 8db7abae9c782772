#!/usr/bin/env bash
# HL7 v2 batches end to end: one MLLP frame holding FHS/BHS ... BTS/FTS and a batch file in
# the file drop (with a UTF-8 BOM). Each message is journalled on its own and answered in one
# ACK batch (AA, or AE with an ERR segment for the bad NHS number); the refused message is
# listed and replayable by id (refused again with its reason), an accepted one replays once.
# Usage: run_v2_batches.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
umask 022
mkdir -p "$work/inbox"
cat >"$work/node.json" <<JSON
{"node": {"name": "trust", "ods_code": "RR8", "data_dir": "$work/data"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"},
             {"name": "lab-files", "type": "file-drop", "directory": "$work/inbox"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start node "$work/node.json"
mllp=$(port_of node "source pas")
api=$(port_of node "FHIR API")
admin=$(port_of node "admin on")
msh() { printf 'MSH|^~\\&|%s|RR8|HIDEWIRE|RR8|20261124100000||%s|%s|P|2.4\r' "$1" "$2" "$3"; }
batch() {  # batch ID MESSAGES...: FHS/BHS ... BTS/FTS around the messages
  local id=$1; shift
  printf 'FHS|^~\\&|PAS|RR8|HIDEWIRE|RR8|20261124100000||||%s\rBHS|^~\\&|PAS|RR8|HIDEWIRE|RR8|20261124100000||||%s\r' "$id" "$id"
  printf '%s' "$@"
  printf 'BTS|%d\rFTS|1\r' "$#"
}
adt=$(msh PAS "ADT^A01^ADT_A01" BATCH-ADT; printf 'EVN|A01|20261124100000\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET||19410302|F\rPV1|1|I|RR8W07^Bed 12^Ward 7\r')
oru=$(msh LAB "ORU^R01^ORU_R01" BATCH-ORU; printf 'PID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|B-1||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|BATCH-1^Batch urea^LOCAL||6.1|mmol/L|||||F\r')
bad=$(msh PAS "ADT^A08^ADT_A01" BATCH-BAD; printf 'EVN|A08|20261124100000\rPID|1||9434765918^^^NHS^NH||JONES^PETER\rPV1|1|O\r')
batch MLLP-1 "$adt" "$oru" "$bad" >"$work/frame.hl7"
python3 - "$mllp" "$work/frame.hl7" >"$work/answer.hl7" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x0b" + open(sys.argv[2], "rb").read() + b"\x1c\r")
buf = b""
while not buf.endswith(b"\x1c\r"):
    chunk = s.recv(65536)
    if not chunk: break
    buf += chunk
sys.stdout.write(buf.strip(b"\x0b\x1c\r").decode().replace("\r", "\n"))
PY
grep -q '^FHS' "$work/answer.hl7" && grep -q '^BTS|3' "$work/answer.hl7" || fail "no ACK batch over MLLP: $(cat "$work/answer.hl7")"
grep -q '^MSA|AA|BATCH-ADT' "$work/answer.hl7" || fail "admission not AA: $(cat "$work/answer.hl7")"
grep -q '^MSA|AA|BATCH-ORU' "$work/answer.hl7" || fail "results not AA"
grep -q '^MSA|AE|BATCH-BAD' "$work/answer.hl7" || fail "bad NHS number not AE"
grep -q '^ERR|' "$work/answer.hl7" || fail "the AE carries no ERR segment"
# The batch file: a BOM, CRLF segment ends, two messages, all accepted.
adt2=$(msh PAS "ADT^A08^ADT_A01" FILE-ADT; printf 'EVN|A08|20261124101000\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET||19410302|F|||3 Mill Lane^^Leeds^^LS1 4AP\rPV1|1|I\r')
oru2=$(msh LAB "ORU^R01^ORU_R01" FILE-ORU; printf 'PID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|B-2||FBC^Full blood count^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|NM|BATCH-2^Batch haemoglobin^LOCAL||131|g/L|||||F\r')
{ printf '\xef\xbb\xbf'; batch FILE-1 "$adt2" "$oru2" | sed 's/\r/\r\n/g'; } >"$work/inbox/lab-batch.hl7.part"
mv "$work/inbox/lab-batch.hl7.part" "$work/inbox/lab-batch.hl7"
bad2=$(msh PAS "ADT^A08^ADT_A01" FILE-BAD; printf 'EVN|A08|20261124101000\rPID|1||9434765918^^^NHS^NH||JONES^PETER\rPV1|1|O\r')
batch FILE-2 "$oru2" "$bad2" >"$work/inbox/mixed-batch.hl7"
for _ in $(seq 100); do
  [ -f "$work/inbox/done/lab-batch.hl7" ] && [ -f "$work/inbox/rejected/mixed-batch.hl7" ] && break
  sleep 0.1
done
[ -f "$work/inbox/done/lab-batch.hl7" ] || fail "the batch file was not taken: $(ls -R "$work/inbox")"
acks() { tr '\r' '\n' <"$1"; }
[ "$(acks "$work/inbox/done/lab-batch.hl7.ack" | grep -c '^MSA|AA')" = 2 ] || fail "batch file ACKs: $(cat "$work/inbox/done/lab-batch.hl7.ack")"
for f in "$work/inbox/done/lab-batch.hl7.ack" "$work/inbox/rejected/mixed-batch.hl7.ack"; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$(basename "$f") is $(stat -c %a "$f"), not 0600"
done
[ -f "$work/inbox/rejected/mixed-batch.hl7" ] || fail "a batch with a refused message is not set aside"
acks "$work/inbox/rejected/mixed-batch.hl7.ack" | grep -q '^MSA|AE|FILE-BAD' || fail "mixed batch ACKs: $(cat "$work/inbox/rejected/mixed-batch.hl7.ack")"
# Every message journalled on its own.
listing=$(curl -sf "http://127.0.0.1:$admin/messages?limit=100")
for id in BATCH-ADT BATCH-ORU BATCH-BAD FILE-ADT FILE-ORU FILE-BAD; do
  echo "$listing" | grep -q "$id" || fail "$id is not in the journal: $listing"
done
rejected=$(curl -sf "http://127.0.0.1:$admin/messages?status=rejected")
echo "$rejected" | grep -q BATCH-BAD && echo "$rejected" | grep -q FILE-BAD || fail "refused messages not listed as rejected: $rejected"
for _ in $(seq 100); do
  obs=$(curl -sf "http://127.0.0.1:$api/Observation?_count=50" || true)
  echo "$obs" | grep -q BATCH-1 && echo "$obs" | grep -q BATCH-2 && break
  sleep 0.05
done
echo "$obs" | grep -q BATCH-1 && echo "$obs" | grep -q BATCH-2 || fail "batch results not in the store"
# Replay by id: the refused one is refused again with its reason; an accepted one lands once.
bad_id=$(echo "$rejected" | grep -o '{[^{}]*BATCH-BAD[^{}]*}' | grep -o '"id":[0-9.]*' | head -1 | cut -d: -f2)
[ -n "$bad_id" ] || fail "no journal id for BATCH-BAD: $rejected"
if "$bin" replay --admin "127.0.0.1:$admin" "$bad_id" >"$work/replay-bad.txt" 2>&1; then fail "replaying the bad NHS number succeeded"; fi
grep -qi 'nhs' "$work/replay-bad.txt" || fail "replay refusal without its reason: $(cat "$work/replay-bad.txt")"
oru_id=$(echo "$listing" | grep -o '{[^{}]*BATCH-ORU[^{}]*}' | grep -o '"id":[0-9.]*' | head -1 | cut -d: -f2)
"$bin" replay --admin "127.0.0.1:$admin" "$oru_id" >"$work/replay-ok.txt" 2>&1 || fail "replay of an accepted batch message: $(cat "$work/replay-ok.txt")"
sleep 0.3
n=$(curl -sf "http://127.0.0.1:$api/Observation?_count=50" | grep -o '"code":"BATCH-1"' | wc -l)
[ "$n" = 1 ] || fail "the replayed result is stored $n times"
echo "v2 batches: MLLP frame and file drop split, each message journalled, answered, replayable"
