// Who may write what, for the FHIR API's create and update and each transaction entry (and the
// HTTP FHIR source's resource types). The sending organisation comes from the credential, and
// the NHS number is a patient's key, so:
//   - the caller may write the resource type (Caller::may_write), else 403;
//   - a Provenance whose agent (who / onBehalfOf) names another organisation (its ODS
//     identifier, or a reference to a stored Organization that carries one) is refused, 403;
//   - a Patient created with an NHS number another stored Patient has is refused, 409: a
//     conditional create or update (identifier=https://fhir.nhs.uk/Id/nhs-number|N) is the way;
//   - an update of a Patient that removes or changes its NHS number is refused, 409, unless the
//     caller has the `admin` role (a merge is an admin action), and an NHS number that belongs
//     to another stored Patient is refused, 409, whoever asks.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "node/caller.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::api {

struct WriteRefusal {
  int status = 403;
  std::string code;     // OperationOutcome issue code: forbidden, duplicate, conflict
  std::string message;  // for the diagnostics: names the rule, never an NHS number
};

// `resource_json`: the resource to write (FHIR JSON). `existing_id`: the id being updated (an
// update, a PUT Type/id, or the id a conditional PUT matched); empty for a create. Reads the
// store (no lock held across the write: the API calls it just before writing).
// `bundle_orgs`: for an entry of a transaction or batch, the ODS code of each Organization the
// same Bundle writes, by its fullUrl and by "Organization/<id>" (a Provenance naming one of them
// names that organisation once the store has rewritten the reference).
using BundleOrgs = std::map<std::string, std::string>;
std::optional<WriteRefusal> check_write(const node::Caller& caller, std::string_view resource_json, node::FhirStore& store,
                                        std::string_view existing_id, const BundleOrgs* bundle_orgs = nullptr);

// The ODS code among an identifier (or an array of them), or empty.
std::string ods_of_identifier(const rapidjson::Value& ids);

// Whether the caller may write every resource type a body holds (one resource, or each entry
// of a Bundle; JSON or XML): the first it may not, as a 403. A body that cannot be read passes
// (the intake refuses it as unreadable, and says why).
std::optional<WriteRefusal> check_types(const node::Caller& caller, std::string_view body);

// What a source (HTTP FHIR, file drop) may send without the store at hand: a Bundle's Patients
// are keyed by their NHS number, so a Bundle cannot give a stored Patient another NHS number
// (PUT Patient/<id>) or a second Patient someone's NHS number (POST without ifNoneExist). A
// Patient with an NHS number goes as PUT Patient?identifier=<nhs-system>|N or POST with
// ifNoneExist identifier=<nhs-system>|N, N its one NHS number, at most once a Bundle; a PUT by id
// of any Patient is refused (409). Single resources pass: the converter keys them itself.
std::optional<WriteRefusal> check_source_patients(std::string_view body);

}  // namespace hidewire::api
