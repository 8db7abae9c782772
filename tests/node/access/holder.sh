# Sourced by the access-control node tests (after lib.sh and pki.sh): one data holder, an acute
# trust (RXX) with its PAS (bearer token), an operator (admin) and an EPR whose clinicians sign
# their own JWTs; peers: an ambulance service (RX9), a voluntary-sector care coordinator (X77), an
# unrelated community provider (X99) and a GP practice (A81001), each by mutual TLS with its own
# JWT key; a patients' identity provider. Starts it and sets base, admin, pas, aud; person and
# patient_token make fresh tokens.
ca_init
org_cert rxx RXX; org_cert rx9 RX9; org_cert x77 X77; org_cert x99 X99; org_cert a81001 A81001
for k in rx9 x77 x99 a81001 login epr; do jwt_key $k ES256; done
secret pas; secret ops
api_port=$(free_port)
aud="https://127.0.0.1:$api_port"
cat >"$work/rxx.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx", "audience": "$aud"},
 "api": {"listen": "127.0.0.1:$api_port", "tls": {"cert": "$work/rxx.crt", "key": "$work/rxx.key", "ca": "$work/ca.crt", "client_cert": "optional"}},
 "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha256")", "roles": ["clinical"], "write_types": ["*"]},
             {"name": "ops", "token_sha256": "$(cat "$work/ops.sha256")", "roles": ["admin"]},
             {"name": "epr", "jwt_keys": ["$work/epr-jwt.pub"], "roles": ["clinical"], "write_types": ["*"]}],
 "peers": [{"ods_code": "RX9", "kind": "ambulance-service", "jwt_keys": ["$work/rx9-jwt.pub"]},
           {"ods_code": "X77", "kind": "community", "jwt_keys": ["$work/x77-jwt.pub"]},
           {"ods_code": "X99", "kind": "community", "jwt_keys": ["$work/x99-jwt.pub"]},
           {"ods_code": "A81001", "kind": "gp-practice", "jwt_keys": ["$work/a81001-jwt.pub"]}],
 "identity_providers": [{"issuer": "https://login.northshire.example", "keys": ["$work/login-jwt.pub"]}],
 "access": {"type": "consent"},
 "sources": [], "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start rxx "$work/rxx.json"
base="https://127.0.0.1:$api_port"
admin="http://127.0.0.1:$(port_of rxx admin)"
pas=(-H "Authorization: Bearer $(cat "$work/pas.token")")
# person ORG KEY PURPOSE [more token make args]: a fresh JWT (its own jti) for a clinician of ORG.
person() {
  "$bin" token make --key "$work/$2-jwt.key" --alg ES256 --iss "https://$2.example/hidewire" --aud "$aud" --org "$1" \
    --practitioner-id "G$RANDOM$RANDOM" --practitioner-name "Sam Clinician" --sds-role R8000 --purpose "$3" \
    --scope "patient/*.read" "${@:4}"
}
patient_token() {
  "$bin" token make --key "$work/login-jwt.key" --alg ES256 --iss https://login.northshire.example --aud "$aud" \
    --sub "nhs-login-$1" --nhs-number "$1" --purpose patient-access
}

