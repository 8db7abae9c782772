#!/usr/bin/env bash
# NHS number tracing end to end (docs/MATCHING.md): a hospital node whose PAS sends admissions
# without an NHS number. One that matches one known patient (her name written without its accent
# and hyphen, day and month of birth transposed) is keyed to her NHS number at once, verification
# status 02. Twins at one address are ambiguous: the admission is held (acknowledged, journalled,
# not stored), listed on the admin port and by `hidewire match`, refused to a caller without the
# admin role (403), resolved by an admin to one twin, then stored under her NHS number (and her
# next message, by the same hospital number, keyed to her at once); the resolution is in the audit log under her NHS number. A person with no identifier and no fixed
# abode is held too, and recorded as a new patient under a local identifier.
# Usage: run_matching.sh HIDEWIRE_BIN
set -euo pipefail
bin=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/access/pki.sh"
secret pas; secret ops
cat >"$work/node.json" <<JSON
{"node": {"name": "Northshire General", "ods_code": "RXX", "kind": "acute-trust", "data_dir": "$work/rxx"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pas", "token_sha256": "$(cat "$work/pas.sha256")", "roles": ["clinical"], "write_types": ["*"], "facilities": ["RXX01"]},
             {"name": "ops", "token_sha256": "$(cat "$work/ops.sha256")", "roles": ["admin"]}],
 "access": {"type": "consent"},
 "matching": {"indexes": [{"type": "sqlite-store"}]},
 "sources": [{"name": "pas-feed", "type": "mllp-hl7v2", "listen": "127.0.0.1:0", "system": "pas"}],
 "destinations": [{"name": "store", "type": "fhir-store"}], "unmatched": {"destinations": ["store"]}}
JSON
start rxx "$work/node.json"
api="http://127.0.0.1:$(port_of rxx 'FHIR API')"
admin="127.0.0.1:$(port_of rxx 'admin on')"
mllp="127.0.0.1:$(port_of rxx 'source pas-feed')"
pas=(-H "Authorization: Bearer $(cat "$work/pas.token")" -H 'Content-Type: application/fhir+json')
ops=(-H "Authorization: Bearer $(cat "$work/ops.token")")
nhs=https://fhir.nhs.uk/Id/nhs-number
# The people the node already knows.
seed() {  # NHS FAMILY GIVEN BIRTH POSTCODE GENDER
  curl -sf -X POST "$api/Patient" "${pas[@]}" -d '{"resourceType":"Patient","identifier":[{"system":"'$nhs'","value":"'$1'"}],
    "name":[{"family":"'"$2"'","given":["'"$3"'"]}],"birthDate":"'$4'","gender":"'$6'","address":[{"postalCode":"'"$5"'"}]}' >/dev/null ||
    fail "could not seed patient $1"
}
seed 7477127823 "O'Neill-Brown" "Siobhán" 1984-04-03 "LS1 4AP" female
seed 4518471563 Patel Amelia 2015-09-12 "LE1 5WW" female
seed 4777778681 Patel Amelie 2015-09-12 "LE1 5WW" female
adt() {  # FILE CONTROL_ID PID-3 NAME BIRTH SEX ADDRESS
  printf 'MSH|^~\\&|PAS|RXX01|HIDEWIRE|RXX|20261203091502||ADT^A01^ADT_A01|%s|P|2.5.1\rEVN|A01|20261203091500\rPID|1||%s||%s||%s|%s|||%s\rPV1|1|E|RXXAE^Cubicle 3^A and E^RXX\r' \
    "$2" "$3" "$4" "$5" "$6" "$7" >"$work/$1"
}
patients_with() { curl -sf "$api/Patient?identifier=$1" "${pas[@]}" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(b.get("entry",[])))'; }
wait_grep() {  # URL TEXT WHY: until the answer to URL holds TEXT (the store is written behind the ACK)
  for _ in $(seq 100); do curl -sf "$1" "${pas[@]}" | grep -q "$2" && return; sleep 0.05; done
  fail "$3"
}

first_held() {  # the id of the first held message, once there is one
  local id
  for _ in $(seq 100); do
    id=$(curl -sf "http://$admin/match" "${ops[@]}" | python3 -c 'import json,sys; l=json.load(sys.stdin); print(l[0]["id"] if l else "")' || true)
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.05
  done
  return 1
}

# One match: keyed at once, status 02 (the node's own index, not PDS).
adt siobhan.hl7 ADM001 "RXX-1001^^^RXX^MR" "ONEILL BROWN^SIOBHAN" 19840304 F "1 Park Row^^Leeds^^LS1 4AP^GBR^H"
"$bin" send --mllp "$mllp" "$work/siobhan.hl7" >"$work/ack1.txt" || fail "admission refused: $(cat "$work/ack1.txt")"
wait_grep "$api/Patient?identifier=$nhs|7477127823" RXX-1001 "the admission was not keyed to Siobhán's NHS number"
keyed=$(curl -sf "$api/Patient?identifier=$nhs|7477127823" "${pas[@]}")
[ "$(patients_with "$nhs|7477127823")" = 1 ] || fail "a second Patient was made for Siobhán"
echo "$keyed" | grep -q '"code":"02"' || fail "no verification status 02 on the traced NHS number: $keyed"

# Twins: held, not stored, listed.
adt amelia.hl7 ADM002 "RXX-2002^^^RXX^MR" "PATEL^AMELIA" 20150912 F "9 Oak Street^^Leicester^^LE1 5WW^GBR^H"
"$bin" send --mllp "$mllp" "$work/amelia.hl7" >"$work/ack2.txt" || fail "held admission not acknowledged AA: $(cat "$work/ack2.txt")"
held=$(first_held) || fail "the twins' admission is not held"
curl -sf "http://$admin/messages?status=held" "${ops[@]}" | grep -q '"status":"held"' || fail "the journal does not say held"
curl -sf "$api/Patient?_count=100" "${pas[@]}" | grep -q RXX-2002 && fail "a held admission reached the store"
"$bin" match list --admin "$admin" --token "@$work/ops.token" >"$work/list.txt" || fail "match list: $(cat "$work/list.txt")"
grep -q "^$held .*ambiguous" "$work/list.txt" && grep -q "1 held" "$work/list.txt" || fail "match list: $(cat "$work/list.txt")"
"$bin" match show "$held" --admin "$admin" --token "@$work/ops.token" >"$work/show.txt" || fail "match show: $(cat "$work/show.txt")"
[ "$(grep -c '^candidate:' "$work/show.txt")" = 2 ] && grep -q 4777778681 "$work/show.txt" || fail "match show: $(cat "$work/show.txt")"

# Only an admin resolves: the PAS's clinical credential is refused with an OperationOutcome.
r=$(curl -s -w '\n%{http_code}' -X POST "http://$admin/match/$held/resolve" -H "Authorization: Bearer $(cat "$work/pas.token")" -d '{"nhs_number":"4777778681"}')
[ "$(echo "$r" | tail -1)" = 403 ] && echo "$r" | grep -q OperationOutcome || fail "resolve without the admin role: $r"
if "$bin" match resolve "$held" --nhs 4777778681 --admin "$admin" --token "@$work/pas.token" 2>"$work/refused.txt"; then fail "the CLI resolved as a clinical system"; fi
grep -q "HTTP 403" "$work/refused.txt" || fail "refusal not reported: $(cat "$work/refused.txt")"
r=$(curl -s -w '\n%{http_code}' -X POST "http://$admin/match/$held/resolve" "${ops[@]}" -d '{"nhs_number":"4777778682"}')
[ "$(echo "$r" | tail -1)" = 400 ] && echo "$r" | grep -q "Modulus 11" || fail "an invalid NHS number was taken: $r"
r=$(curl -s -w '\n%{http_code}' -X POST "http://$admin/messages/$held/replay" "${ops[@]}")
[ "$(echo "$r" | tail -1)" = 409 ] || fail "a held message was replayed around matching: $r"

# The admin resolves it to Amelie: stored under her NHS number, no longer held.
"$bin" match resolve "$held" --nhs 4777778681 --admin "$admin" --token "@$work/ops.token" >"$work/resolved.txt" || fail "resolve: $(cat "$work/resolved.txt")"
grep -q "resolved and delivered" "$work/resolved.txt" || fail "resolve: $(cat "$work/resolved.txt")"
wait_grep "$api/Patient?identifier=$nhs|4777778681" RXX-2002 "the resolved admission is not under Amelie's NHS number"
curl -sf "$api/Patient?identifier=$nhs|4518471563" "${pas[@]}" | grep -q RXX-2002 && fail "the resolved admission reached her twin"
[ "$(curl -sf "http://$admin/match" "${ops[@]}")" = "[]" ] || fail "still held after resolution"
r=$(curl -s -w '\n%{http_code}' -X POST "http://$admin/match/$held/resolve" "${ops[@]}" -d '{"nhs_number":"4777778681"}')
[ "$(echo "$r" | tail -1)" = 409 ] || fail "a resolved message was resolved again: $r"
# Her next message, with the same hospital number and still no NHS number, is keyed to her at once.
adt amelie2.hl7 ADM004 "RXX-2002^^^RXX^MR" "PATEL^AMELIA" 20150912 F "9 Oak Street^^Leicester^^LE1 5WW^GBR^H"
"$bin" send --mllp "$mllp" "$work/amelie2.hl7" >"$work/ack4.txt" || fail "second admission refused: $(cat "$work/ack4.txt")"
amelie=$(curl -sf "$api/Patient?identifier=$nhs|4777778681" "${pas[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entry"][0]["resource"]["id"])')
encounters() { curl -sf "$api/Encounter?patient=$amelie" "${pas[@]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("entry",[])))'; }
for _ in $(seq 100); do [ "$(encounters)" = 2 ] && break; sleep 0.05; done
[ "$(encounters)" = 2 ] || fail "the second admission was not keyed by her hospital number: $(encounters) encounters under Amelie"
[ "$(curl -sf "http://$admin/match" "${ops[@]}")" = "[]" ] || fail "the second admission was held"

# No identifier, no fixed abode: held, then recorded as a new patient under a local identifier.
adt nfa.hl7 ADM003 "" "UNKNOWN^MALE" "" M "No fixed abode^^^^ZZ99 3VZ^GBR^H"
"$bin" send --mllp "$mllp" "$work/nfa.hl7" >"$work/ack3.txt" || fail "NFA admission refused: $(cat "$work/ack3.txt")"
nfa=$(first_held) || fail "the NFA admission is not held"
"$bin" match resolve "$nfa" --new-patient --admin "$admin" --token "@$work/ops.token" >"$work/nfa.txt" || fail "new-patient: $(cat "$work/nfa.txt")"
wait_grep "$api/Patient?identifier=urn:hidewire:local-patient:RXX|journal-$nfa" '"resourceType":"Patient"' "the NFA patient is not recorded under a local identifier"

# The resolution is audited, found under the patient it keyed.
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
"$bin" audit who-saw --nhs 4777778681 --db "$work/rxx/audit.db" --format json >"$work/who.json" 2>"$work/who.err" || fail "who-saw failed: $(cat "$work/who.err")"
grep -q "match-resolve" "$work/who.json" || fail "the resolution is not in the audit log: $(head -c 2000 "$work/who.json")"
grep -q '"ops"\|ops' "$work/who.json" || fail "the audit does not name who resolved it"
"$bin" audit verify --db "$work/rxx/audit.db" >/dev/null || fail "the audit log does not verify"
echo "matching: one match keyed (02), twins held and resolved by an admin only, NFA recorded, resolution audited"
