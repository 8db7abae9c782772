#!/usr/bin/env bash
# Health data on disk is the node's user's alone, whatever the umask: data_dir 0700, the journal
# and store (with their -wal and -shm) 0600, and each file a file destination writes 0600. They
# were created 0644/0755 under the usual umask 022, readable by every account on the machine.
# A node started over files left readable by an older version narrows them.
# Usage: run_private_files.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
umask 022
cat >"$work/node.json" <<JSON
{"node": {"name": "gp", "ods_code": "B86010", "data_dir": "$work/data"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "lab", "type": "mllp-hl7v2", "listen": "127.0.0.1:0"}],
 "destinations": [{"name": "store", "type": "fhir-store"}, {"name": "export", "type": "file", "directory": "$work/export"}],
 "unmatched": {"destinations": ["store", "export"]}}
JSON
mode() { stat -c %a "$1"; }
check_modes() {  # WHEN
  [ "$(mode "$work/data")" = 700 ] || fail "$1: data_dir is $(mode "$work/data")"
  for db in journal.db fhir.db; do
    for f in "$db" "$db-wal" "$db-shm"; do
      [ -e "$work/data/$f" ] || fail "$1: no $f (the journal and store run in WAL mode)"
      [ "$(mode "$work/data/$f")" = 600 ] || fail "$1: $f is $(mode "$work/data/$f")"
    done
  done
}
send_and_wait() {  # FILE N: sends FILE, waits for the Nth exported file
  "$bin" send --mllp "127.0.0.1:$(port_of gp 'source lab')" "$1" | grep -q ": AA" || fail "$1 not accepted"
  for _ in $(seq 100); do [ "$(ls "$work/export" 2>/dev/null | grep -c '^message-.*\.json$')" -ge "$2" ] && break; sleep 0.05; done
  [ "$(ls "$work/export" | grep -c '^message-.*\.json$')" -ge "$2" ] || fail "nothing exported"
}

start gp "$work/node.json"
send_and_wait "$data/oru_r01_v251.hl7" 1
check_modes "new node"
for f in "$work"/export/message-*.json; do [ "$(mode "$f")" = 600 ] || fail "exported $(basename "$f") is $(mode "$f")"; done

# Restarted over a folder and files left readable (as an older version made them); killed, so
# the -wal and -shm files stay and must be narrowed too, not only new ones made private.
kill -9 "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
[ -e "$work/data/journal.db-wal" ] || fail "no -wal left after the kill"
chmod 755 "$work/data"
chmod 644 "$work/data"/*
start gp "$work/node.json"
send_and_wait "$data/adt_a01_v251.hl7" 2
check_modes "restarted over readable files"
for f in "$work"/export/message-*.json; do [ "$(mode "$f")" = 600 ] || fail "exported $(basename "$f") is $(mode "$f")"; done
echo "private files: data_dir 0700, journal and store with -wal and -shm 0600, exported files 0600, under umask 022 and after a restart"
