#!/usr/bin/env bash
# A full disk: with its data_dir on a small tmpfs that fills up, the node refuses new messages
# (the audit log is kept on another disk, so reads go on being served: each is audited; a read
# that could not be audited would be refused)
# (AR with ERR; API writes 503) instead of ending, keeps serving reads, and takes messages again
# by itself once there is space; every message it acknowledged AA reaches the store exactly once (the resent
# refused ones too) and none is dead-lettered. Needs root (mount), curl and python3.
# Usage: run_disk_full.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
disk="$work/disk"
mkdir -p "$disk"
if ! mount -t tmpfs -o size=24m tmpfs "$disk" 2>"$work/mount.txt"; then
  echo "SKIPPED: cannot mount a tmpfs here ($(cat "$work/mount.txt")); needs root"
  exit 0
fi
# Unmounted before lib.sh's trap removes the work folder; the node is killed first.
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; sleep 0.2; umount -l "$disk" 2>/dev/null || true
      if [ -n "${KEEP:-}" ]; then echo "work: $work"; else rm -rf "$work"; fi' EXIT
cat >"$work/node.json" <<JSON
{"node": {"name": "full", "ods_code": "RR8", "data_dir": "$disk/data"}, "development": {"allow_anonymous": true},
 "audit": {"path": "$work/audit.db"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lims", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start node "$work/node.json"
pid=${pids[-1]}
api="http://127.0.0.1:$(port_of node 'FHIR API')"
admin="http://127.0.0.1:$(port_of node 'admin on')"
mllp="127.0.0.1:$(port_of node 'source lims')"
# msg N [BYTES]: one result message, control id DF-N, report ORD-N (a Provenance, a report, an
# Observation), its text BYTES long: large ones make the store's batches spill to disk mid-way.
msg() {
  local text
  text=$(head -c "${2:-8}" /dev/zero | tr '\0' x)
  printf 'MSH|^~\\&|LAB|RR8|HIDEWIRE|LTHT|20261124100000||ORU^R01^ORU_R01|DF-%d|P|2.5.1\rPID|1||9434765919^^^NHS^NH||SMITH^MARGARET\rOBR|1|ORD-%d||U&E^Urea^LOCAL|||20261124100000||||||||||||||||||F\rOBX|1|TX|DF-%d^Disk %d^LOCAL||%s|||||F\r' "$1" "$1" "$1" "$1" "$text"
}
# send_one N [BYTES]: sends message N alone and prints its ACK line ("FILE: CODE DF-N [ERR-8]").
send_one() {
  msg "$1" "${2:-8}" >"$work/m$1.hl7"
  "$bin" send --mllp "$mllp" --timeout 30000 "$work/m$1.hl7" 2>&1 || true
}
# sender S: a file of 30 large messages, S*1000+1 on, sent on one connection (send goes on after
# a refusal, as a busy sender's queue would); prints each answer.
sender() {
  local n
  for n in $(seq $(($1 * 1000 + 1)) $(($1 * 1000 + 30))); do msg "$n" 300000; done >"$work/s$1.hl7"
  "$bin" send --mllp "$mllp" --timeout 30000 "$work/s$1.hl7" >"$work/acks$1.txt" 2>&1 || true
}
report_of() { curl -sf "$api/DiagnosticReport?identifier=urn:hidewire:identifier:OBR%7CORD-$1" | python3 -c \
  'import json,sys; print(next((e["resource"]["id"] for e in json.load(sys.stdin).get("entry", [])), ""))'; }

send_one 1 | grep -q ": AA DF-1" || fail "the first message was not accepted"
echo 1 >"$work/aa.txt"
for _ in $(seq 200); do first=$(report_of 1); [ -n "$first" ] && break; sleep 0.05; done
[ -n "$first" ] || fail "the first message did not reach the store"

# Most of the disk is taken by a file (given back later); four senders fill the rest (4 x 30
# messages of 300 KB: far more than it holds), then the last bytes are filled too, and large
# messages are sent until one is refused.
dd if=/dev/zero of="$disk/filler1" bs=1M count=16 2>/dev/null || fail "could not write the filler"
senders=()
for s in 1 2 3 4; do sender "$s" & senders+=($!); done
wait "${senders[@]}"
dd if=/dev/zero of="$disk/filler2" bs=4k 2>/dev/null || true
for n in $(seq 9001 9020); do
  msg "$n" 300000 >"$work/m$n.hl7"
  "$bin" send --mllp "$mllp" --timeout 30000 "$work/m$n.hl7" >>"$work/acks9.txt" 2>&1 || true
  grep -q ": AR DF-$n" "$work/acks9.txt" && break
done
kill -0 "$pid" 2>/dev/null || fail "the node ended when its disk filled: $(tail -5 "$work/node.log")"
cat "$work"/acks*.txt | grep -v ': A[AR] DF-[0-9]*' && fail "unexpected answers (above)"
cat "$work"/acks*.txt | grep ': AA DF-' | grep -o 'DF-[0-9]*' | cut -d- -f2 >>"$work/aa.txt"
cat "$work"/acks*.txt | grep ': AR DF-' >"$work/ar_acks.txt" || fail "the node never refused, though its disk is full ($(df -h "$disk" | tail -1))"
grep -q ": AR DF-$n message could not be stored" "$work/acks9.txt" || fail "no AR with an ERR saying why on a full disk: $(tail -1 "$work/acks9.txt")"
grep -v "could not be stored" "$work/ar_acks.txt" && fail "AR without an ERR saying why (above)"
# Still running on a full disk; reads are still served.
kill -0 "$pid" 2>/dev/null || fail "the node ended on a full disk: $(tail -5 "$work/node.log")"
curl -sf "$api/DiagnosticReport/$first" | grep -q '"resourceType":"DiagnosticReport"' || fail "a stored resource cannot be read while the disk is full"
curl -sf "$admin/health" >/dev/null || fail "admin does not answer while the disk is full"
grep -q "journal: cannot write" "$work/node.log" || fail "no log line saying the node refuses for lack of space"
# Writes through the FHIR API are refused with 503 and an OperationOutcome (large ones, so that
# no space SQLite freed inside its files can take them; bounded).
python3 -c 'print("{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"" + "x" * 300000 + "\"}]}")' >"$work/patient.json"
for _ in $(seq 20); do
  code=$(curl -s -o "$work/put.txt" -w '%{http_code}' -H 'Content-Type: application/fhir+json' --data-binary @"$work/patient.json" "$api/Patient")
  [ "$code" = 503 ] && break
done
[ "$code" = 503 ] && grep -q '"OperationOutcome".*"transient"' "$work/put.txt" || fail "an API write on a full disk answered $code: $(head -c 300 "$work/put.txt")"

# Space returns: the node takes messages again by itself; the refused ones are sent again.
rm -f "$disk/filler1" "$disk/filler2"
ack=$("$bin" send --mllp "$mllp" --timeout 30000 "$work/m$n.hl7" 2>&1 || true)
echo "$ack" | grep -q ": AA DF-$n" || fail "the refused message $n sent again after space returned: $ack"
echo "$n" >>"$work/aa.txt"
for m in 9901 9902; do
  ack=$(send_one "$m")
  echo "$ack" | grep -q ": AA DF-$m" || fail "new message $m after space returned: $ack"
  echo "$m" >>"$work/aa.txt"
done
kill -0 "$pid" 2>/dev/null || fail "the node ended"
grep -q "journal: writing again" "$work/node.log" || fail "no log line saying the node resumed"

# Every AA-acknowledged message is in the store exactly once: one Provenance each, each report
# once and at version 1 (applied once), and no dead letters. The store is written behind the ACK
# (and its retries back off up to 10 s), so wait for it.
want=$(sort -un "$work/aa.txt" | wc -l)
for _ in $(seq 600); do
  total=$(curl -sf "$api/Provenance?_count=0" | grep -o '"total":[0-9]*' | cut -d: -f2 || true)
  [ "${total:-0}" -ge "$want" ] && break
  sleep 0.1
done
[ "${total:-0}" = "$want" ] || fail "store has ${total:-no} Provenance for $want accepted messages"
python3 - "$api/DiagnosticReport?_count=1000" "$work/aa.txt" <<'PY' || fail "reports in the store"
import json, sys, urllib.request
page = json.load(urllib.request.urlopen(sys.argv[1]))
want = sorted({int(l) for l in open(sys.argv[2]) if l.strip()})
got = {}
for e in page.get("entry", []):
    r = e["resource"]
    for i in r.get("identifier", []):
        if i.get("system") == "urn:hidewire:identifier:OBR":
            got.setdefault(i["value"], []).append(r["meta"]["versionId"])
for n in want:
    v = got.get(f"ORD-{n}")
    if v != ["1"]:
        sys.exit(f"ORD-{n}: stored as {v} (want once, version 1)")
if len(got) != len(want):
    sys.exit(f"{len(got)} reports for {len(want)} accepted messages")
PY
failed=$(curl -sf "$admin/messages?status=failed")
[ "$failed" = "[]" ] || fail "dead letters after a full disk: $failed"
echo "disk full: $(wc -l <"$work/ar_acks.txt") refused with AR and API writes with 503 while full, node kept running and serving reads; resumed by itself; $want accepted messages stored once each, none failed"
