# Sourced by the access-control node tests (after lib.sh): one CA for the test's health
# community, and certificates naming each organisation's ODS code as NHS endpoint certificates
# do (subjectAltName URI urn:nhs:ods:CODE); signing keys for JWTs; a patient identity provider.
ca_init() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=Test Health Community CA" -days 1 \
    -keyout "$work/ca.key" -out "$work/ca.crt" >/dev/null 2>&1 || fail "openssl could not make the CA"
}
# org_cert NAME ODS: $work/NAME.crt/.key, issued by the CA, for 127.0.0.1 and the ODS code.
org_cert() {
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1/OU=$2" -keyout "$work/$1.key" -out "$work/$1.csr" \
    >/dev/null 2>&1 || fail "openssl could not make a key for $1"
  printf 'subjectAltName=IP:127.0.0.1,URI:urn:nhs:ods:%s\n' "$2" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/$1.ext" -out "$work/$1.crt" >/dev/null 2>&1 || fail "openssl could not sign $1"
}
# jwt_key NAME ALG: $work/NAME.key (private) and $work/NAME.pub, made by hidewire itself.
jwt_key() { "$bin" token keygen --alg "$2" --out "$work/$1-jwt" >/dev/null || fail "token keygen failed"; }
# secret NAME: a bearer token in $work/NAME.token and its SHA-256 in $work/NAME.sha256.
secret() {
  "$bin" token secret >"$work/$1.secret" || fail "token secret failed"
  sed -n 's/^token: //p' "$work/$1.secret" >"$work/$1.token"
  sed -n 's/^token_sha256: //p' "$work/$1.secret" >"$work/$1.sha256"
  [ -s "$work/$1.token" ] && [ -s "$work/$1.sha256" ] || { cat "$work/$1.secret"; fail "token secret printed no token"; }
}
# call NAME METHOD URL [BODY] [extra curl args...]: curl as organisation NAME's certificate;
# prints the status on the last line. Use with "Authorization: Bearer ..." headers via -H.
as_org() {
  local who=$1 method=$2 url=$3; shift 3
  curl -s --cacert "$work/ca.crt" --cert "$work/$who.crt" --key "$work/$who.key" -X "$method" -w '\n%{http_code}' \
    -H 'Content-Type: application/fhir+json' "$url" "$@"
}
as_nobody() {
  local method=$1 url=$2; shift 2
  curl -s --cacert "$work/ca.crt" -X "$method" -w '\n%{http_code}' -H 'Content-Type: application/fhir+json' "$url" "$@"
}
status_of() { tail -n1 <<<"$1"; }
body_of() { sed '$d' <<<"$1"; }
expect() {  # expect WHAT STATUS RESPONSE [grep pattern]
  local got; got=$(status_of "$3")
  [ "$got" = "$2" ] || fail "$1: expected $2, got $got: $(body_of "$3" | head -c 600)"
  if [ -n "${4:-}" ]; then body_of "$3" | grep -q -- "$4" || fail "$1: the answer lacks $4: $(body_of "$3" | head -c 600)"; fi
}
