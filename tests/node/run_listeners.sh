#!/usr/bin/env bash
# Listeners as a user meets them: a port already taken is reported with the listener's name and
# address; the admin port's / lists its endpoints; `hidewire send --tls` checks the listener's
# certificate and its name (--insecure skips that).
# Usage: run_listeners.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"

# A port held by another process for as long as the test runs.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(120)' >"$work/taken" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/taken" ] && break; sleep 0.1; done
taken=$(cat "$work/taken")
[ -n "$taken" ] || fail "could not hold a port"

node_config() {  # node_config FILE ADMIN_LISTEN MLLP_LISTEN
  cat >"$1" <<JSON
{"node": {"name": "gp", "ods_code": "B86010", "data_dir": "$work/$(basename "$1" .json)"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "$2"},
 "sources": [{"name": "pas-mllp", "type": "mllp-hl7v2", "listen": "$3"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
}

node_config "$work/admin-taken.json" "127.0.0.1:$taken" "127.0.0.1:0"
if "$bin" run --config "$work/admin-taken.json" >"$work/admin-taken.log" 2>&1; then fail "a node started on a port already taken"; fi
grep -q "admin: cannot listen on 127.0.0.1:$taken: Address already in use" "$work/admin-taken.log" ||
  fail "the bind failure does not name the admin listener: $(cat "$work/admin-taken.log")"
node_config "$work/mllp-taken.json" "127.0.0.1:0" "127.0.0.1:$taken"
if "$bin" run --config "$work/mllp-taken.json" >"$work/mllp-taken.log" 2>&1; then fail "a node started on a port already taken"; fi
grep -q "source pas-mllp: cannot listen on 127.0.0.1:$taken: Address already in use" "$work/mllp-taken.log" ||
  fail "the bind failure does not name the MLLP source: $(cat "$work/mllp-taken.log")"

# The admin port's / lists its endpoints.
node_config "$work/gp.json" "127.0.0.1:0" "127.0.0.1:0"
start gp "$work/gp.json"
index=$(curl -sf "http://127.0.0.1:$(port_of gp 'admin on')/") || fail "admin / did not answer 200"
for endpoint in '"path":"/health"' '"path":"/stats"' '"path":"/metrics"' '"path":"/messages"' '"path":"/messages/{id}/replay","method":"POST"'; do
  echo "$index" | grep -qF "$endpoint" || fail "admin / does not list $endpoint: $index"
done
echo "$index" | python3 -c 'import json, sys; json.load(sys.stdin)' || fail "admin / is not JSON: $index"

# hidewire send --tls: the listener's certificate must be trusted and carry the address used.
make_certs good
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=other.example" -addext subjectAltName=DNS:other.example -days 1 \
  -keyout "$work/other.key" -out "$work/other.crt" >/dev/null 2>&1 || fail "openssl could not make a certificate"
listen() {  # listen NAME CERT: a TLS MLLP listener; its port in $work/NAME.port
  "$bin" listen --mllp 127.0.0.1:0 --journal "$work/$1.db" --tls-cert "$work/$2.crt" --tls-key "$work/$2.key" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q listening "$work/$1.log" && break; sleep 0.05; done
  grep listening "$work/$1.log" | grep -o ':[0-9]*,' | tr -d :, >"$work/$1.port"
}
listen right good
listen wrong other
msg="$data/adt_a01_v251.hl7"
"$bin" send --mllp "127.0.0.1:$(cat "$work/right.port")" --tls --ca "$work/good.crt" "$msg" >"$work/send-right.txt" 2>&1 ||
  fail "send --tls --ca to a listener with the right certificate: $(cat "$work/send-right.txt")"
grep -q ": AA MSG00001" "$work/send-right.txt" || fail "no AA over TLS: $(cat "$work/send-right.txt")"
if "$bin" send --mllp "127.0.0.1:$(cat "$work/wrong.port")" --tls --ca "$work/other.crt" "$msg" >"$work/send-wrong.txt" 2>&1; then
  fail "send --tls accepted a certificate for another name: $(cat "$work/send-wrong.txt")"
fi
grep -q "mismatch" "$work/send-wrong.txt" || fail "the refusal does not say why: $(cat "$work/send-wrong.txt")"
"$bin" send --mllp "127.0.0.1:$(cat "$work/wrong.port")" --tls --insecure "$msg" >"$work/send-insecure.txt" 2>&1 ||
  fail "send --tls --insecure: $(cat "$work/send-insecure.txt")"
echo "listeners: bind failures name the listener, admin / lists its endpoints, send --tls checks the certificate's name"
