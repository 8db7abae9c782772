#!/usr/bin/env bash
# One huge message must not hold up the other senders: conversion ran on the only I/O thread, so
# a continuous glucose monitoring download of thousands of OBX stalled every other connection
# until it was converted. Messages over node.inline_convert_bytes are converted off the I/O
# thread. Asserted by the order the ACKs arrive in, not by time:
#  1. a small ADT sent on another source after the large ORU was received is answered first;
#  2. within one channel, a small message sent on a second connection after a large one is
#     journalled (and answered) after it: arrival order is kept.
# Usage: run_large_message.sh HIDEWIRE_BIN [OBX_COUNT]
set -euo pipefail
bin=$1
obx=${2:-5000}
source "$(dirname "$0")/lib.sh"
cat >"$work/node.json" <<JSON
{"node": {"name": "acute", "ods_code": "RR8", "data_dir": "$work/data", "io_threads": 1}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "max_message_bytes": 67108864},
             {"name": "pas", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "export", "type": "file", "directory": "$work/export"}], "unmatched": {"destinations": ["export"]}}
JSON
start acute "$work/node.json"
python3 - "$(port_of acute 'source lab')" "$(port_of acute 'source pas')" "$(port_of acute 'admin on')" "$obx" <<'PY' || fail "see above"
import json, select, socket, sys, urllib.request

lab, pas, admin, obx = (int(a) for a in sys.argv[1:])
VT, END = b"\x0b", b"\x1c\x0d"

def oru(control_id):  # a CGM download: one glucose reading a minute
    segs = ["MSH|^~\\&|WINPATH|RR8^St James University Hospital^ODS|HIDEWIRE|B86010|20261124141500+0000||ORU^R01^ORU_R01|%s|P|2.5.1|||AL|NE|GBR" % control_id,
            "PID|1||9434765919^^^NHS^NH~RR8-0012345^^^RR8^MR||SMITH^MARGARET^ANN^^MRS||19410302|F",
            "ORC|RE|ORD-%s|LAB-%s" % (control_id, control_id),
            "OBR|1|ORD-%s|LAB-%s|CGMS^Continuous glucose monitoring download^LOCAL|||20261110000000|||||||||C1234567^Patel^Anita^^^Dr||||||20261124141000|||F" % (control_id, control_id)]
    for i in range(obx):
        t = "202611%02d%02d%02d00" % (10 + i // 1440, (i // 60) % 24, i % 60)
        segs.append("OBX|%d|NM|2339-0^Glucose [Mass/volume] in Blood^LN||%.1f|mmol/L^millimole per litre^UCUM|3.9-10.0|N|||F|||%s||||CGM-0042^Libre 2^LOCAL"
                    % (i + 1, 4.0 + (i % 60) / 10, t))
    return "\r".join(segs) + "\r"

def adt(control_id):
    return ("MSH|^~\\&|PAS|RR8^St James University Hospital^ODS|HIDEWIRE|B86010|20261124141600+0000||ADT^A01^ADT_A01|%s|P|2.5.1\r"
            "EVN|A01|20261124141600\rPID|1||9450301263^^^NHS^NH||NOWAK^PIOTR^^^MR||19780911|M|||4 Harehills Road^^Leeds^^LS8 5HS^GBR^H\r"
            "PV1|1|I|RR8W12^Bed 3^Ward 12^RR8\r" % control_id)

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(300)
    return s

def received(channel):  # the source has taken the message off the wire (counted as it is submitted)
    with urllib.request.urlopen("http://127.0.0.1:%d/stats" % admin, timeout=300) as r:
        return json.load(r)["channels"].get(channel, {}).get("received", 0)

def wait_received(channel, n):
    while received(channel) < n:
        select.select([], [], [], 0.02)

def acks_in_order(socks):  # {name: socket} -> [(name, MSA-1, MSA-2)] in the order the ACKs arrived
    bufs, order = {name: b"" for name in socks}, []
    while len(order) < len(socks):
        ready, _, _ = select.select([s for n, s in socks.items() if n not in [o[0] for o in order]], [], [], 300)
        if not ready:
            sys.exit("no ACK within 300 s")
        for s in ready:
            name = next(n for n, x in socks.items() if x is s)
            data = s.recv(65536)
            if not data:
                sys.exit("%s: connection closed before its ACK" % name)
            bufs[name] += data
            if END in bufs[name]:
                msa = next(seg for seg in bufs[name].split(END)[0].lstrip(VT).decode().split("\r") if seg.startswith("MSA|")).split("|")
                order.append((name, msa[1], msa[2]))
    return order

def journal_id(control_id):
    with urllib.request.urlopen("http://127.0.0.1:%d/messages?message_id=%s" % (admin, control_id), timeout=300) as r:
        rows = json.load(r)
    assert len(rows) == 1, rows
    return rows[0]["id"]

big = oru("LAB-CGM-1").encode()
print("large message: %d bytes, %d OBX" % (len(big), obx))
# 1. Two sources: the small admission is answered while the large results are still converting.
large = connect(lab)
large.sendall(VT + big + END)
wait_received("lab", 1)
small = connect(pas)
small.sendall(VT + adt("ADM-40021").encode() + END)
order = acks_in_order({"large": large, "small": small})
print("two sources:", order)
assert all(code == "AA" for _, code, _ in order), order
assert [name for name, _, _ in order] == ["small", "large"], "the small message waited for the large one: %s" % order

# 2. One source, two connections: the small one sent after the large one is journalled after it.
first = connect(lab)
first.sendall(VT + oru("LAB-CGM-2").encode() + END)
wait_received("lab", 2)
second = connect(lab)
second.sendall(VT + adt("LAB-ADM-3").encode() + END)
order = acks_in_order({"large": first, "small": second})
print("one source:", order)
assert all(code == "AA" for _, code, _ in order), order
assert [name for name, _, _ in order] == ["large", "small"], "arrival order not kept: %s" % order
big_id, small_id = journal_id("LAB-CGM-2"), journal_id("LAB-ADM-3")
assert big_id < small_id, "journalled out of order: large %d, small %d" % (big_id, small_id)
print("journal ids: large %d, small %d" % (big_id, small_id))
PY
echo "large message: converted off the I/O thread (a small one on another source answered first), arrival order kept within a channel"
