#!/usr/bin/env bash
# `hidewire audit` on a log written by the sqlite audit log, then tampered with as an attacker
# would, with the sqlite3 command: verify names the entry, proofs check offline with the public key.
set -euo pipefail
bin="$1"; fill="$2"
work="$(mktemp -d)"
trap 'if [ -n "${KEEP:-}" ]; then echo "work: $work"; else rm -rf "$work"; fi' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed: SKIPPED"; exit 0; }

# A fresh log of 12 entries: one per commit, so every entry has its own signed checkpoint.
fresh() { rm -rf "$work/log"; mkdir -p "$work/log"; "$fill" "$work/log" "${1:-12}" "${2:-1}" >/dev/null; db="$work/log/audit.db"; pub="$work/log/audit-signing.pub"; }
# expect_fail TEXT: verify exits 1 and its report contains TEXT.
expect_fail() {
  set +e; out="$("$bin" audit verify --db "$db" --public-key "$pub" 2>&1)"; rc=$?; set -e
  [ "$rc" = 1 ] || fail "verify exited $rc after tampering, expected 1: $out"
  grep -qF -- "$1" <<<"$out" || fail "verify did not say '$1': $out"
}
# The leaf hash an attacker computes for an edited event: SHA-256(0x00 || event).
leaf_of() { { printf '\x00'; sqlite3 "$db" "SELECT event_json FROM entries WHERE seq = $1" | tr -d '\n'; } | sha256sum | cut -d' ' -f1; }

fresh
out="$("$bin" audit verify --db "$db" --public-key "$pub")" || fail "untouched log did not verify: $out"
grep -q "12 entries, 12 signed checkpoints" <<<"$out" || fail "summary: $out"
# The public key beside the database is found by itself.
"$bin" audit verify --db "$db" >/dev/null || fail "verify without --public-key (the key beside the log)"
# Read-only: verifying leaves the file as it was.
sum_before="$(sha256sum "$db" | cut -d' ' -f1)"
"$bin" audit verify --db "$db" >/dev/null
[ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum_before" ] || fail "verify changed the database"

# 1. An entry's event edited (the practitioner's name changed).
sqlite3 "$db" "UPDATE entries SET event_json = replace(event_json, 'Dr Amara Okafor', 'Dr Someone Else') WHERE seq = 7"
expect_fail "entry 7 was edited"

# 2. An entry deleted.
fresh
sqlite3 "$db" "DELETE FROM entries WHERE seq = 5"
expect_fail "entry 5 was removed"

# 3. Two entries' seq swapped.
fresh
sqlite3 "$db" "UPDATE entries SET seq = -3 WHERE seq = 3; UPDATE entries SET seq = 3 WHERE seq = 8; UPDATE entries SET seq = 8 WHERE seq = -3;"
expect_fail "entry 3 was removed or reordered"

# 4. An entry deleted and the later ones renumbered to close the gap.
fresh
sqlite3 "$db" "DELETE FROM entries WHERE seq = 4; UPDATE entries SET seq = seq - 1 WHERE seq > 4;"
expect_fail "entry 4 was removed or reordered"

# 5. An event edited and its leaf hash "fixed up" to match.
fresh
sqlite3 "$db" "UPDATE entries SET event_json = replace(event_json, 'Dr Amara Okafor', 'Dr Someone Else') WHERE seq = 6"
sqlite3 "$db" "UPDATE entries SET leaf_hash = '$(leaf_of 6)' WHERE seq = 6"
expect_fail "entry 6 was edited, removed or reordered (and its leaf hash rewritten to match)"
grep -qF "checkpoint at size 6" <<<"$out" || fail "the failing checkpoint is not named: $out"
# ...and with the event's own id rewritten too, it is still found (by the checkpoint).
fresh
sqlite3 "$db" "UPDATE entries SET event_json = replace(event_json, '\"id\":\"9\"', '\"id\":\"99\"') WHERE seq = 9"
sqlite3 "$db" "UPDATE entries SET leaf_hash = '$(leaf_of 9)' WHERE seq = 9"
expect_fail "entry 9 was"

# 6. A checkpoint's signature altered.
fresh
sig="$(sqlite3 "$db" "SELECT signature FROM checkpoints WHERE tree_size = 10")"
first="${sig:0:12}"; flipped="$(tr 'A-Za-z' 'N-ZA-Mn-za-m' <<<"$first")"
sqlite3 "$db" "UPDATE checkpoints SET signature = '${flipped}${sig:12}' WHERE tree_size = 10"
expect_fail "checkpoint at size 10"
expect_fail "signature does not verify"
# ...and a checkpoint's root replaced with the root of an edited log, without the key: refused.
fresh
sqlite3 "$db" "UPDATE checkpoints SET signed_at = '2026-12-01T00:00:00.000Z' WHERE tree_size = 4"
expect_fail "checkpoint at size 4"

# 7. The newest entries deleted (a checkpoint covers them).
fresh
sqlite3 "$db" "DELETE FROM entries WHERE seq > 10"
expect_fail "entries 11..12 were removed"

# 7b. Every checkpoint deleted: the latest one is also kept beside the log (audit.db.checkpoint).
fresh
[ "$(stat -c %a "$db.checkpoint")" = 600 ] || fail "the checkpoint file is not 0600"
sqlite3 "$db" "DELETE FROM checkpoints"
expect_fail "checkpoints were removed: this node signed a checkpoint at size 12"
fresh
sqlite3 "$db" "DELETE FROM checkpoints WHERE tree_size > 3"
expect_fail "checkpoints were removed"

# 8. Another key: nothing verifies.
fresh
openssl ecparam -name prime256v1 -genkey -noout -out "$work/other.key" 2>/dev/null
openssl ec -in "$work/other.key" -pubout -out "$work/other.pub" 2>/dev/null
set +e; "$bin" audit verify --db "$db" --public-key "$work/other.pub" >/dev/null; rc=$?; set -e
[ "$rc" = 1 ] || fail "a log verified with someone else's key"

# 9. The indexed columns beside an event, which the leaf hash does not cover: each edited, and
# entry_keys rows changed, added or removed. Verify names the entry and the column; who-saw
# refuses to list from such a log (it would miss or invent accesses).
fresh_batch() { rm -rf "$work/log"; mkdir -p "$work/log"; "$fill" "$work/log" 12 1 --batch >/dev/null; db="$work/log/audit.db"; pub="$work/log/audit-signing.pub"; }
fresh_batch
out="$("$bin" audit verify --db "$db" --public-key "$pub")" || fail "untouched log with a batch did not verify: $out"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM entry_keys WHERE seq = 13")" = 5 ] || fail "the batch's entry_keys: $(sqlite3 "$db" "SELECT * FROM entry_keys")"
who_saw_refused() {
  set +e; out="$("$bin" audit who-saw --nhs "$1" --db "$db" 2>&1)"; rc=$?; set -e
  [ "$rc" = 1 ] || fail "who-saw listed from an altered log ($rc): $out"
  grep -qF "who-saw REFUSED" <<<"$out" || fail "who-saw did not say it refused: $out"
  grep -qF "$2" <<<"$out" || fail "who-saw did not name the fault '$2': $out"
}
for edit in "patient_nhs = '9000000009' WHERE seq = 6|6|patient_nhs" "patient_nhs = '' WHERE seq = 3|3|patient_nhs" \
            "patient_id = 'pat-9' WHERE seq = 4|4|patient_id" "request_id = 'req-99' WHERE seq = 2|2|request_id" \
            "agent_ods = 'RXX' WHERE seq = 5|5|agent_ods" "action = 'read' WHERE seq = 3|3|action" \
            "outcome = '4' WHERE seq = 7|7|outcome" "token_id = 'jti-forged' WHERE seq = 8|8|token_id" \
            "journal_id = 9999 WHERE seq = 13|13|journal_id" "recorded = '2020-01-01T00:00:00Z' WHERE seq = 9|9|recorded" \
            "patient_nhs = '9434765919' WHERE seq = 13|13|patient_nhs"; do
  IFS="|" read -r set seq column <<<"$edit"
  fresh_batch
  sqlite3 "$db" "UPDATE entries SET $set"
  expect_fail "entry $seq was edited: its indexed $column no longer match its event"
  who_saw_refused 9434765919 "entry $seq was edited"
done
fresh_batch
sqlite3 "$db" "DELETE FROM entry_keys WHERE key = 'n:9449306613'"  # hides the lab message from who-saw
expect_fail "entry 13 was edited: its indexed entry_keys no longer match its event"
who_saw_refused 9449306613 "entry 13"
fresh_batch
sqlite3 "$db" "UPDATE entry_keys SET key = 'n:9000000009' WHERE key = 'n:9449306613'"
expect_fail "entry 13 was edited: its indexed entry_keys"
fresh_batch
sqlite3 "$db" "INSERT INTO entry_keys(key, seq) VALUES('n:9000000009', 4)"  # another patient's read shown as theirs
expect_fail "entry 4 was edited: its indexed entry_keys"
fresh_batch
sqlite3 "$db" "INSERT INTO entry_keys(key, seq) VALUES('n:9000000009', 40)"  # an index waiting for a future entry
expect_fail "entry_keys indexes entry 40, which is not stored"
# An old log, from before entry_keys: it verifies, and says what to do before who-saw.
fresh
sqlite3 "$db" "DROP TABLE entry_keys"
out="$("$bin" audit verify --db "$db" --public-key "$pub")" || fail "a log without entry_keys did not verify: $out"
grep -qF "no entry_keys table" <<<"$out" && grep -qF "start the node on it once" <<<"$out" || fail "no advice for an old log: $out"
set +e; out="$("$bin" audit who-saw --nhs 9434765919 --db "$db" 2>&1)"; rc=$?; set -e
[ "$rc" != 0 ] && grep -qF "start the node on it once" <<<"$out" || fail "who-saw on an old log: $rc $out"

# Proofs, checked offline with only the public key.
fresh 12 4  # three commits of four: checkpoints at 4, 8, 12
"$bin" audit proof --db "$db" --entry 6 >"$work/incl.json" || fail "proof --entry"
grep -q '"tree_size":12' "$work/incl.json" || fail "inclusion proof not at the latest checkpoint: $(cat "$work/incl.json")"
sqlite3 "$db" "SELECT event_json FROM entries WHERE seq = 6" >"$work/entry6.json"
sqlite3 "$db" "SELECT event_json FROM entries WHERE seq = 7" >"$work/entry7.json"
cp "$pub" "$work/node.pub"
out="$("$bin" audit check-proof --proof "$work/incl.json" --public-key "$work/node.pub" --entry-file "$work/entry6.json")" ||
  fail "inclusion proof did not check: $out"
grep -q "entry 6 is in the audit log of a81001-gp at size 12" <<<"$out" || fail "check-proof said: $out"
"$bin" audit proof --db "$db" --entry 2 --size 4 >"$work/incl4.json" || fail "proof --entry --size"
"$bin" audit check-proof --proof "$work/incl4.json" --public-key "$work/node.pub" >/dev/null || fail "inclusion proof at size 4"
set +e; "$bin" audit proof --db "$db" --entry 2 --size 5 >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "a proof at a size no checkpoint signed"
"$bin" audit proof --db "$db" --from 4 --to 12 >"$work/cons.json" || fail "proof --from --to"
"$bin" audit check-proof --proof "$work/cons.json" --public-key "$work/node.pub" >/dev/null || fail "consistency proof 4..12"
"$bin" audit proof --db "$db" --from 8 >"$work/cons8.json" || fail "proof --from"
"$bin" audit check-proof --proof "$work/cons8.json" --public-key "$work/node.pub" >/dev/null || fail "consistency proof 8..latest"

# Forged proofs are refused: another entry's content, a path element changed, another leaf,
# another size, a root that is not the signed one, someone else's key.
refused() {
  set +e; out="$("$bin" audit check-proof "$@" 2>&1)"; rc=$?; set -e
  [ "$rc" = 1 ] || fail "a forged proof was accepted ($rc): $out"
  grep -q "REFUSED" <<<"$out" || fail "no refusal: $out"
}
refused --proof "$work/incl.json" --public-key "$work/node.pub" --entry-file "$work/entry7.json"
python3 - "$work" <<'PY'
import json, sys, hashlib
w = sys.argv[1]
p = json.load(open(w + "/incl.json"))
def save(name, doc): json.dump(doc, open(w + "/" + name, "w"))
q = json.loads(json.dumps(p)); q["path"][0] = q["path"][0][:-1] + ("0" if q["path"][0][-1] != "0" else "1"); save("forged-path.json", q)
q = json.loads(json.dumps(p)); q["leaf_hash"] = hashlib.sha256(b"\x00forged").hexdigest(); save("forged-leaf.json", q)
q = json.loads(json.dumps(p)); q["leaf_index"] = 6; save("forged-index.json", q)
q = json.loads(json.dumps(p)); q["checkpoint"]["tree_size"] = 13; save("forged-size.json", q)
import base64
q = json.loads(json.dumps(p)); q["checkpoint"]["root_hash"] = base64.b64encode(hashlib.sha256(b"x").digest()).decode(); save("forged-root.json", q)
c = json.load(open(w + "/cons.json")); c["path"].pop(); save("forged-cons.json", c)
c = json.load(open(w + "/cons.json")); c["from"], c["to"] = c["to"], c["from"]; save("forged-cons-swap.json", c)
PY
for f in forged-path forged-leaf forged-index forged-size forged-root forged-cons forged-cons-swap; do
  refused --proof "$work/$f.json" --public-key "$work/node.pub"
done
refused --proof "$work/incl.json" --public-key "$work/other.pub"

# Who saw the record: text for the patient, a FHIR searchset Bundle for the GP's export.
out="$("$bin" audit who-saw --nhs 9000000009 --db "$db")" || fail "who-saw"
grep -q "^4 accesses to the record of NHS number 9000000009" <<<"$out" || fail "who-saw count: $out"
grep -q "Paramedic Sam Jones \[role R8003\]  organisation RX9  read MedicationStatement/med-" <<<"$out" || fail "who-saw line: $out"
grep -q "purpose ETREAT+BTG  success  BREAK-GLASS: Patient unconscious at scene" <<<"$out" || fail "who-saw break-glass: $out"
! grep -q "search-type" <<<"$out" || fail "who-saw shows another patient's accesses: $out"
out="$("$bin" audit who-saw --nhs 9434765919 --db "$db")" || fail "who-saw"
grep -q "Dr Amara Okafor \[role R8000\]  organisation RXX  search-type search MedicationStatement  purpose TREAT  success" <<<"$out" ||
  fail "who-saw search: $out"
"$bin" audit who-saw --nhs 9000000009 --db "$db" --format json >"$work/bundle.json" || fail "who-saw json"
python3 - "$work/bundle.json" <<'PY' || fail "who-saw bundle"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["resourceType"] == "Bundle" and b["type"] == "searchset" and b["total"] == 4, b
for e in b["entry"]:
    r = e["resource"]
    assert r["resourceType"] == "AuditEvent"
    assert any(x.get("what", {}).get("identifier", {}).get("value") == "9000000009" for x in r["entity"])
PY
"$bin" validate "$work/bundle.json" >/dev/null || fail "the exported Bundle is not valid FHIR R4: $("$bin" validate "$work/bundle.json")"
set +e; "$bin" audit who-saw --nhs 9434765918 --db "$db" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || fail "an invalid NHS number was accepted"
set +e; "$bin" audit verify --db "$work/nothing.db" --public-key "$pub" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 3 ] || fail "a missing database: exit $rc"
echo "audit CLI: ok"
