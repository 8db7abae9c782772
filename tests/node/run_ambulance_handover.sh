#!/usr/bin/env bash
# Ambulance handover: an ambulance service's node (East Midlands, RX9) takes its ePR's patient
# reports from a file drop (format `ambulance`, sent as its `epr` system), converts and stores
# them, and routes each Bundle to the receiving A&E's node by the conveyance destination's ODS
# code (a FHIRPath route on Encounter.hospitalization.destination): Queen's Medical Centre (RX1)
# and King's Mill (RK5) are two nodes with HTTP FHIR sources. A non-conveyance goes to neither; a
# malformed report is refused, moved to rejected/, journalled and listed for replay.
# Usage: run_ambulance_handover.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
ops_token
qmc_port=$(free_port)
kmh_port=$(free_port)
mkdir -p "$work/epr"
receiving_node qmc RX1 acute-trust "$qmc_port"
receiving_node kmh RK5 acute-trust "$kmh_port"
cat >"$work/ambulance.json" <<JSON
{"node": {"name": "east-midlands-ambulance", "ods_code": "RX9", "kind": "ambulance-service", "data_dir": "$work/ambulance"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "epr", "cert_cn": "epr.rx9.nhs.uk",
              "write_types": ["Patient", "Organization", "Practitioner", "Encounter", "Observation", "MedicationAdministration", "Condition", "Flag"]},
             {"name": "ops", "token_sha256": "$ops_sha", "roles": ["admin"]}],
 "sources": [{"name": "epr-handover", "type": "file-drop", "directory": "$work/epr", "poll_ms": 50, "system": "epr", "format": "ambulance"}],
 "destinations": [{"name": "store", "type": "fhir-store"}, $(http_destination qmc-ed "$qmc_port"), $(http_destination kings-mill-ed "$kmh_port")],
 "routes": [{"name": "to-qmc", "match": {"message_types": ["ePR^handover"], "resource_types": ["Encounter"],
                                          "fhirpath": "hospitalization.destination.identifier.value = 'RX1'"}, "destinations": ["store", "qmc-ed"]},
            {"name": "to-kings-mill", "match": {"message_types": ["ePR^handover"], "resource_types": ["Encounter"],
                                                 "fhirpath": "hospitalization.destination.identifier.value = 'RK5'"}, "destinations": ["store", "kings-mill-ed"]}],
 "unmatched": {"destinations": ["store"]}}
JSON
start qmc "$work/qmc.json"
start kmh "$work/kmh.json"
start ambulance "$work/ambulance.json"
cp "$data/clinix_sepsis_news7.json" "$data/medaxis_cardiac_arrest.xml" "$data/clinix_non_conveyance.json" \
   "$data/clinix_truncated.json" "$work/epr/"
wait_drop "$work/epr"
for f in clinix_sepsis_news7.json medaxis_cardiac_arrest.xml clinix_non_conveyance.json; do
  [ -f "$work/epr/done/$f" ] || fail "$f not taken: $(ls -R "$work/epr")"
done
[ -f "$work/epr/rejected/clinix_truncated.json" ] || fail "the malformed report was not set aside"
# Stored at the ambulance service: every report's Encounter.
amb_api=$(port_of ambulance "FHIR API")
auth=(-H "Authorization: Bearer $ops_token")
# A file moves to done/ once journalled; delivery to the store follows from the journal.
for _ in $(seq 100); do
  encounters=$(curl -sf "${auth[@]}" "http://127.0.0.1:$amb_api/Encounter?_count=10" || true)
  [ "$(grep -o 'EM-261203-00\(42\|17\|75\)' <<<"$encounters" | sort -u | wc -l)" = 3 ] && break
  sleep 0.1
done
for inc in EM-261203-0042 EM-261203-0017 EM-261203-0075; do
  echo "$encounters" | grep -q "$inc" || fail "incident $inc not stored at the ambulance service: $encounters"
done
# Routed: each A&E node holds its own patient's handover, and only that.
qmc_enc=$(wait_for qmc Encounter EM-261203-0042)
echo "$qmc_enc" | grep -q EM-261203-0042 || fail "QMC did not receive the sepsis handover: $qmc_enc"
echo "$qmc_enc" | grep -q EM-261203-0017 && fail "QMC received King's Mill's cardiac arrest"
kmh_enc=$(wait_for kmh Encounter EM-261203-0017)
echo "$kmh_enc" | grep -q EM-261203-0017 || fail "King's Mill did not receive the cardiac arrest handover: $kmh_enc"
echo "$kmh_enc" | grep -q EM-261203-0042 && fail "King's Mill received QMC's sepsis handover"
for n in qmc kmh; do
  curl -sf "http://127.0.0.1:$(port_of $n 'FHIR API')/Encounter?_count=50" | grep -q EM-261203-0075 && fail "$n received the non-conveyance"
done
# What the A&E gets is the whole handover: vital signs with the NEWS2 total, drugs given.
wait_for qmc Observation 1104051000000101 | grep -q '"value":7' || fail "QMC has no NEWS2 total of 7"
wait_for kmh MedicationAdministration 60213007 | grep -q 'Adrenaline' || fail "King's Mill has no adrenaline given"
curl -sf "http://127.0.0.1:$(port_of qmc 'FHIR API')/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C6260181590" | grep -q Hargreaves ||
  fail "QMC has no patient keyed by the NHS number"
# The malformed report: journalled as rejected with its reason, listed for replay.
admin=$(port_of ambulance 'admin on')
rejected=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/messages?status=rejected")
echo "$rejected" | grep -q 'not JSON' || fail "the malformed report is not listed with its reason: $rejected"
id=$(echo "$rejected" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
code=$(curl -s -o "$work/replay.json" -w '%{http_code}' "${auth[@]}" -X POST "http://127.0.0.1:$admin/messages/$id/replay")
[ "$code" = 422 ] || [ "$code" = 400 ] || fail "replay of the still-malformed report answered $code: $(cat "$work/replay.json")"
stats=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/stats")
echo "$stats" | grep -q '"epr-handover":{"received":4' || fail "ambulance counters: $stats"
echo "ambulance handover: 3 ePR reports stored, the two handovers routed to their receiving A&E nodes by ODS code, the non-conveyance kept local, the malformed one refused and kept"
