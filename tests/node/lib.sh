# Shared by the node test scripts (sourced after `bin` is set): a work folder removed at exit
# (kept with KEEP=1), nodes started by name and killed at exit, ports read from their logs.
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; if [ -n "${KEEP:-}" ]; then echo "work: $work"; else rm -rf "$work"; fi' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# A command that ends the script under `set -e` (a poll's grep finding nothing, a curl refused)
# says where, instead of leaving CI an empty test output.
trap 's=$?; echo "FAIL: $(basename "$0") line $LINENO: \"$BASH_COMMAND\" returned $s"' ERR
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# start NAME CONFIG: runs a node, its output in $work/NAME.log, and waits until it is running.
start() {
  "$bin" run --config "$2" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 400); do grep -q running "$work/$1.log" && return; sleep 0.05; done
  cat "$work/$1.log"; fail "$1 did not start"
}
# port_of NAME TEXT: the port on the log line of node NAME that contains TEXT (the line ends
# with it, or with it and `"}` in JSON lines).
port_of() { grep "$2" "$work/$1.log" | grep -o ':[0-9]*"\?}\?$' | tr -d ':"}'; }
# wait_port PORT: waits until something listens on 127.0.0.1:PORT (a helper started in the background).
wait_port() {
  for _ in $(seq 200); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null && return
    sleep 0.05
  done
  fail "nothing listens on port $1"
}
# make_certs NAME...: a self-signed certificate for each (its own CA) in $work/NAME.crt and .key.
make_certs() {
  for n in "$@"; do
    openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=$n" -addext subjectAltName=IP:127.0.0.1 -days 1 \
      -keyout "$work/$n.key" -out "$work/$n.crt" >/dev/null 2>&1 || fail "openssl could not make a certificate"
  done
}
# receiving_node NAME ODS KIND PORT: writes $work/NAME.json, a node that takes FHIR over HTTP on
# PORT (anonymous, for tests) into its store: another organisation's node a route delivers to.
receiving_node() {
  cat >"$work/$1.json" <<JSON
{"node": {"name": "$1", "ods_code": "$2", "kind": "$3", "data_dir": "$work/$1"}, "development": {"allow_anonymous": true},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "sources": [{"name": "inbound", "type": "http-fhir", "listen": "127.0.0.1:$4"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
}
# http_destination NAME PORT: an http-fhir destination (JSON) to 127.0.0.1:PORT, retried quickly.
http_destination() {
  echo "{\"name\": \"$1\", \"type\": \"http-fhir\", \"url\": \"http://127.0.0.1:$2/\", \"timeout_ms\": 2000, \"retry\": {\"max_attempts\": 40, \"initial_backoff_ms\": 50, \"max_backoff_ms\": 400}}"
}
# wait_drop DIR: waits until a file drop has taken every file put in DIR (none left, none in flight).
wait_drop() {
  for _ in $(seq 300); do
    [ -z "$(ls "$1" | grep -v '^done$\|^rejected$')" ] && [ -z "$(ls -A "$1/.inflight" 2>/dev/null)" ] && return
    sleep 0.1
  done
}
# wait_for NODE TYPE TEXT [CURL ARGS...]: the node's search for TYPE once it holds TEXT (or as it
# is after 10 s), on standard output.
wait_for() {
  local node=$1 type=$2 text=$3 api out
  shift 3
  api=$(port_of "$node" "FHIR API")
  for _ in $(seq 100); do
    out=$(curl -sf "$@" "http://127.0.0.1:$api/$type?_count=50" || true)
    echo "$out" | grep -q "$text" && { echo "$out"; return; }
    sleep 0.1
  done
  echo "$out"
}
# ops_token: a new operator token, its value in $ops_token and its SHA-256 (for systems[]) in $ops_sha.
ops_token() {
  "$bin" token secret >"$work/ops.secret"
  ops_token=$(sed -n 's/^token: //p' "$work/ops.secret")
  ops_sha=$(sed -n 's/^token_sha256: //p' "$work/ops.secret")
}
# dashboard_secrets NAME...: a bearer token for each in $work/NAME.token, its SHA-256 in $work/NAME.sha.
dashboard_secrets() {
  for who in "$@"; do
    "$bin" token secret >"$work/$who.secret" || fail "token secret failed"
    sed -n 's/^token: //p' "$work/$who.secret" >"$work/$who.token"
    sed -n 's/^token_sha256: //p' "$work/$who.secret" >"$work/$who.sha"
  done
}
# dashboard_node FILE NAME DATA_DIR GP_PORT EXTRA [SYSTEMS]: the dashboard tests' acute trust (RR8,
# JWT audience https://rr8.test/fhir), as JSON in FILE: the systems pas (clinical), ops-admin and
# ops-viewer (their tokens from dashboard_secrets pas admin viewer), the consent policy, an MLLP
# source pas-adt, the store and a GP's node at GP_PORT that results are routed to (two quick
# tries, then dead-lettered). EXTRA: more top-level members, each followed by a comma
# ("dashboard": {...}, "peers": [...],); SYSTEMS: more systems[], each preceded by a comma.
dashboard_node() {
  cat >"$1" <<JSON
{"node": {"name": "$2", "ods_code": "RR8", "kind": "acute-trust", "data_dir": "$3", "audience": "https://rr8.test/fhir"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "access": {"type": "consent"}, $5
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha")", "roles": ["clinical"], "write_types": ["*"], "facilities": ["RR8", "HWCONF"]},
             {"name": "ops-admin", "token_sha256": "$(cat "$work/admin.sha")", "roles": ["admin"]},
             {"name": "ops-viewer", "token_sha256": "$(cat "$work/viewer.sha")", "roles": ["viewer"]}${6:-}],
 "sources": [{"name": "pas-adt", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "system": "pas"}],
 "destinations": [{"name": "store", "type": "fhir-store"},
                  {"name": "gp", "type": "http-fhir", "url": "http://127.0.0.1:$4/", "timeout_ms": 1000,
                   "retry": {"max_attempts": 2, "initial_backoff_ms": 20, "max_backoff_ms": 40}}],
 "routes": [{"name": "results-to-gp", "match": {"message_types": ["ORU^R01"]}, "destinations": ["store", "gp"]}],
 "unmatched": {"destinations": ["store"]}}
JSON
}
