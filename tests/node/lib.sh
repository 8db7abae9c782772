# Shared by the node test scripts (sourced after `bin` is set): a work folder removed at exit
# (kept with KEEP=1), nodes started by name and killed at exit, ports read from their logs.
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; if [ -n "${KEEP:-}" ]; then echo "work: $work"; else rm -rf "$work"; fi' EXIT
fail() { echo "FAIL: $*"; exit 1; }
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
