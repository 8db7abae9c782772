// What the sender area's files share (area_sender.cpp, area_sender_documents.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conformance/suite/suite.hpp"

namespace hidewire::fhir { struct Node; }
namespace hidewire::hl7v2 { class Message; }

namespace hidewire::conformance::suite {

// The NHS number of PID-3 (the message must have a PID): the repetition whose assigning authority
// (CX-4) is NHS or whose identifier type (CX-5) is NH; empty when there is none.
std::string pid_nhs_number(const hl7v2::Message& m);
// Somewhere under `n`, a `code` whose value is `code`.
bool has_code(const fhir::Node& n, std::string_view code);
// Discharge summaries, referrals and their timeliness, as HL7 v2 or FHIR.
void add_sender_document_tests(std::vector<TestCase>& out);

}  // namespace hidewire::conformance::suite
