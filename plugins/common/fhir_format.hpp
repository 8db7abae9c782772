// Which converter a FHIR body is for: "fhir-stu3" when the sender says fhirVersion=3.0 in its
// Content-Type (FHIR's version parameter, http://hl7.org/fhir/versioning.html#mt-version), or
// says no version and the body holds what only STU3 has (mapping/stu3_engine/record.hpp);
// "fhir" (R4) otherwise. Shared by the HTTP FHIR source and the file drop.
#pragma once

#include <string>
#include <string_view>

namespace hidewire::plugins {

std::string fhir_format(std::string_view content_type, std::string_view body);
// Whether an XML body is an NHS CDA document (its document element ClinicalDocument, or an ITK
// DistributionEnvelope): the file drop then takes it as "cda" when no format is configured.
bool looks_like_cda(std::string_view body);

}  // namespace hidewire::plugins
