# Sourced by the federation node test and benchmark (after lib.sh and access/pki.sh): five
# organisations' nodes over loopback, one CA for the health community, each certificate naming
# its ODS code; every node lists the other four as peers (url, mutual TLS, the JWT key its node
# signs with), has a local clinical system ("epr", clinicians' JWTs) and a loader (bearer token),
# and trusts the patients' identity provider. Set `deadline_ms` before sourcing to change the
# federation deadline (default 3000). Sets port, base, aud (by name); starts nothing: call
# start_node NAME (stop_node NAME).
nodes=(gp aande amb nhs111 social)
declare -A ods=([gp]=A81001 [aande]=RR8 [amb]=RX9 [nhs111]=NLO [social]=8JF33)
declare -A kind=([gp]=gp-practice [aande]=acute-trust [amb]=ambulance-service [nhs111]=nhs-111 [social]=social-care)
declare -A title=([gp]="Riverside Surgery" [aande]="Leeds Teaching Hospitals A&E" [amb]="East Midlands Ambulance Service"
                  [nhs111]="Northshire NHS 111" [social]="Leeds Adult Social Care")
declare -A port base aud
deadline_ms=${deadline_ms:-3000}
ca_init
for n in "${nodes[@]}"; do
  org_cert "$n" "${ods[$n]}"
  jwt_key "$n-node" ES256   # the node's own key: the JWT it signs for the person it asks a peer for
  jwt_key "$n-epr" ES256    # the local clinical system's key: its clinicians' JWTs to their own node
  port[$n]=$(free_port)
  base[$n]="https://127.0.0.1:${port[$n]}"
  aud[$n]="${base[$n]}"
done
jwt_key login ES256
secret loader
# A second CA nobody trusts, and a certificate from it that claims to be the GP practice.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Rogue CA" -days 1 \
  -keyout "$work/rogue-ca.key" -out "$work/rogue-ca.crt" >/dev/null 2>&1 || fail "openssl could not make the rogue CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=rogue/OU=A81001" -keyout "$work/rogue.key" -out "$work/rogue.csr" \
  >/dev/null 2>&1 || fail "openssl could not make the rogue key"
printf 'subjectAltName=IP:127.0.0.1,URI:urn:nhs:ods:A81001\n' >"$work/rogue.ext"
openssl x509 -req -in "$work/rogue.csr" -CA "$work/rogue-ca.crt" -CAkey "$work/rogue-ca.key" -CAcreateserial -days 1 \
  -extfile "$work/rogue.ext" -out "$work/rogue.crt" >/dev/null 2>&1 || fail "openssl could not sign the rogue certificate"

# node_config NAME: the node's configuration, on standard output.
node_config() {
  local n=$1 peers="" sep=""
  for p in "${nodes[@]}"; do
    [ "$p" = "$n" ] && continue
    peers+="$sep{\"ods_code\": \"${ods[$p]}\", \"kind\": \"${kind[$p]}\", \"url\": \"${base[$p]}\", \"jwt_keys\": [\"$work/$p-node-jwt.pub\"],
      \"tls\": {\"cert\": \"$work/$n.crt\", \"key\": \"$work/$n.key\", \"ca\": \"$work/ca.crt\"}}"
    sep=", "
  done
  cat <<JSON
{"node": {"name": "${title[$n]}", "ods_code": "${ods[$n]}", "kind": "${kind[$n]}", "data_dir": "$work/$n", "audience": "${aud[$n]}"},
 "log": {"level": "${log_level:-info}"},
 "api": {"listen": "127.0.0.1:${port[$n]}", "tls": {"cert": "$work/$n.crt", "key": "$work/$n.key", "ca": "$work/ca.crt", "client_cert": "optional"}},
 "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "epr", "jwt_keys": ["$work/$n-epr-jwt.pub"], "roles": ["clinical"]},
             {"name": "loader", "token_sha256": "$(cat "$work/loader.sha256")", "roles": ["clinical"], "write_types": ["*"]}],
 "peers": [$peers],
 "identity_providers": [{"issuer": "https://login.nhs.example", "keys": ["$work/login-jwt.pub"]}],
 $(federation_config "$n")
 "access": {"type": "consent"},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
}
# The node's federation section and the comma after it (docs/CONFIG.md "federation").
federation_config() {
  echo "\"federation\": {\"deadline_ms\": $deadline_ms, \"jwt_key\": \"$work/$1-node-jwt.key\"},"
}
declare -A pid_of
start_node() {  # start_node NAME: (re)writes its config, starts it; its pid in pid_of[NAME]
  node_config "$1" >"$work/$1.json"
  start "$1" "$work/$1.json"
  pid_of[$1]=${pids[-1]}
}
stop_node() {  # stop_node NAME: SIGTERM, and wait until it is gone
  kill -TERM "${pid_of[$1]}" 2>/dev/null || true
  wait "${pid_of[$1]}" 2>/dev/null || true
}
# load NAME FILE: a transaction Bundle into node NAME's store, by its loader.
load() {
  local r
  r=$(curl -s --cacert "$work/ca.crt" -w '\n%{http_code}' -H 'Content-Type: application/fhir+json' \
    -H "Authorization: Bearer $(cat "$work/loader.token")" --data-binary @"$2" "${base[$1]}/")
  [ "$(tail -n1 <<<"$r")" = 200 ] || fail "loading $2 into $1: $(sed '$d' <<<"$r" | head -c 600)"
}
# clinician NAME PURPOSE [token make args]: a fresh JWT of a clinician at organisation NAME for
# its own node, as its local system (epr) signs it.
clinician() {
  local n=$1 purpose=$2; shift 2
  "$bin" token make --key "$work/$n-epr-jwt.key" --alg ES256 --iss epr --aud "${aud[$n]}" --org "${ods[$n]}" \
    --practitioner-id "G$RANDOM$RANDOM" --practitioner-name "${clinician_name[$n]:-Sam Clinician}" --sds-role R8000 \
    --purpose "$purpose" --scope "patient/*.read" "$@"
}
declare -A clinician_name=([aande]="Priya Shah" [amb]="Jo Paramedic" [nhs111]="Alex Clinical-Advisor" [social]="Chris Social-Worker" [gp]="Amara Okafor")
patient_token() {
  "$bin" token make --key "$work/login-jwt.key" --alg ES256 --iss https://login.nhs.example --aud "$2" \
    --sub "nhs-login-$1" --nhs-number "$1" --purpose patient-access
}
# federated NAME TOKEN NHS [curl args]: POST $hidewire-federated-record on node NAME as its epr.
federated() {
  local n=$1 tok=$2 nhs=$3; shift 3
  curl -s --cacert "$work/ca.crt" -X POST -w '\n%{http_code}' -H 'Content-Type: application/fhir+json' \
    -H "Authorization: Bearer $tok" "${base[$n]}/Patient/\$hidewire-federated-record" "$@" \
    -d '{"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"'"$nhs"'"}}]}'
}
