#!/usr/bin/env bash
# NHS 111 Post Event Messages: a 111 provider's node (NWX) takes PEMs from a file drop (format
# `cda`, sent as its `pem` system: bare and in their ITK envelope), converts and stores each
# document, and routes it to the patient's registered GP by the ODS code of the document's
# primary recipient (a FHIRPath route on Patient.generalPractitioner): Beeston Road (C84001) and
# Stockport Heath (P88012) are two GP nodes with HTTP FHIR sources; a third GP's patient stays
# local. A drop with no format takes CDA by its document element. A malformed document, and one
# whose custodian is another 111 service (E3Q), are refused, moved to rejected/ and journalled
# with their reasons.
# Usage: run_cda_pem.sh HIDEWIRE_BIN DATA_DIR
set -euo pipefail
bin=$1
data=$2
source "$(dirname "$0")/lib.sh"
ops_token
beeston_port=$(free_port)
stockport_port=$(free_port)
mkdir -p "$work/pem" "$work/auto"
receiving_node beeston C84001 gp-practice "$beeston_port"
receiving_node stockport P88012 gp-practice "$stockport_port"
route() {  # NAME ODS DESTINATION
  echo "{\"name\": \"$1\", \"match\": {\"resource_types\": [\"Patient\"], \"fhirpath\": \"generalPractitioner.identifier.value = '$2'\"}, \"destinations\": [\"store\", \"$3\"]}"
}
cat >"$work/nhs111.json" <<JSON
{"node": {"name": "north-west-111", "ods_code": "NWX", "kind": "nhs-111", "data_dir": "$work/nhs111"},
 "api": {"listen": "127.0.0.1:0"}, "admin": {"listen": "127.0.0.1:0"},
 "systems": [{"name": "pem", "cert_cn": "pem.nwx.nhs.uk",
              "write_types": ["Patient", "Organization", "Practitioner", "PractitionerRole", "Encounter", "Composition", "Condition",
                              "MedicationStatement", "AllergyIntolerance", "Observation"]},
             {"name": "ops", "token_sha256": "$ops_sha", "roles": ["admin"]}],
 "sources": [{"name": "pem-drop", "type": "file-drop", "directory": "$work/pem", "poll_ms": 50, "system": "pem", "format": "cda"},
             {"name": "any-drop", "type": "file-drop", "directory": "$work/auto", "poll_ms": 50, "system": "pem"}],
 "destinations": [{"name": "store", "type": "fhir-store"}, $(http_destination beeston-gp "$beeston_port"), $(http_destination stockport-gp "$stockport_port")],
 "routes": [$(route to-beeston C84001 beeston-gp), $(route to-stockport P88012 stockport-gp)],
 "unmatched": {"destinations": ["store"]}}
JSON
start beeston "$work/beeston.json"
start stockport "$work/stockport.json"
start nhs111 "$work/nhs111.json"
cp "$data/pem_dx05_gp_2h_envelope.xml" "$data/pem_dx011_ambulance_envelope.xml" "$data/pem_dx75_pharmacy.xml" "$data/pem_malformed.xml" \
   "$data/pem_dx02_ed_coded.xml" "$work/pem/"
# A drop with no format told: a CDA document is known by its document element.
cp "$data/pem_dx13_self_care_envelope.xml" "$work/auto/"
wait_drop "$work/pem"
for f in pem_dx05_gp_2h_envelope.xml pem_dx011_ambulance_envelope.xml pem_dx75_pharmacy.xml; do
  [ -f "$work/pem/done/$f" ] || fail "$f not taken: $(ls -R "$work/pem")"
done
[ -f "$work/pem/rejected/pem_malformed.xml" ] || fail "the malformed document was not set aside"
[ -f "$work/pem/rejected/pem_dx02_ed_coded.xml" ] || fail "East Midlands 111's document was taken from North West 111's system"
for _ in $(seq 100); do [ -f "$work/auto/done/pem_dx13_self_care_envelope.xml" ] && break; sleep 0.1; done
[ -f "$work/auto/done/pem_dx13_self_care_envelope.xml" ] || fail "the format-less drop did not take the CDA document: $(ls -R "$work/auto")"
auth=(-H "Authorization: Bearer $ops_token")
# Stored at the 111 provider: every document's Composition.
comps=$(wait_for nhs111 Composition 'Sore throat' "${auth[@]}")
[ "$(echo "$comps" | grep -o '"resourceType":"Composition"' | wc -l)" -eq 4 ] || fail "the 111 node does not hold four Compositions: $comps"
# Routed: each GP holds its own patients' documents, and only those.
beeston=$(wait_for beeston Patient Whitlock)
echo "$beeston" | grep -q Hollis || fail "Beeston Road did not receive Mrs Hollis's PEM: $beeston"
echo "$beeston" | grep -q Whitlock || fail "Beeston Road did not receive Mr Whitlock's PEM: $beeston"
echo "$beeston" | grep -q Fairclough && fail "Beeston Road received Stockport's patient"
stockport=$(wait_for stockport Patient Fairclough)
echo "$stockport" | grep -q Fairclough || fail "Stockport Heath did not receive Mrs Fairclough's PEM: $stockport"
echo "$stockport" | grep -q 'Hollis\|Whitlock' && fail "Stockport Heath received Beeston Road's patients"
# The GP gets the whole document: the Composition with its narrative, the coded entries, the disposition.
wait_for stockport Composition 'sudden weakness' | grep -q 'sudden weakness' || fail "Stockport Heath has no PEM narrative"
wait_for stockport Observation 2708-6 | grep -q '"value":95' || fail "Stockport Heath has no oxygen saturation of 95"
wait_for stockport Encounter Dx011 | grep -q Dx011 || fail "Stockport Heath has no Dx011 disposition"
curl -sf "http://127.0.0.1:$(port_of beeston 'FHIR API')/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C4434640976" | grep -q Hollis ||
  fail "Beeston Road has no patient keyed by the NHS number"
# The malformed document: journalled as rejected with its reason.
admin=$(port_of nhs111 'admin on')
rejected=$(curl -sf "${auth[@]}" "http://127.0.0.1:$admin/messages?status=rejected")
echo "$rejected" | grep -q 'not well-formed XML' || fail "the malformed document is not listed with its reason: $rejected"
echo "$rejected" | grep -q "custodian is 'E3Q'" || fail "the other 111 service's document is not listed with its reason: $rejected"
echo "NHS 111 PEMs: 4 documents stored (one from a drop with no format), each routed to the patient's registered GP node by ODS code, the malformed one and another 111 service's refused and kept"
