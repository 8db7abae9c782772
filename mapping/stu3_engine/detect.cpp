// Telling STU3 from R4 without a schema or a copy: a scan for what only STU3 writes. A name
// inside a JSON string is written \"taken\", so quoted marks only match JSON's own names and values.
#include <array>

#include "mapping/stu3_engine/record.hpp"

namespace hidewire::mapping::stu3 {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// `"name"`, then (blanks allowed) a colon, then, when `string_value`, a string.
bool has_member(std::string_view json, std::string_view quoted_name, bool string_value) {
  for (std::size_t at = json.find(quoted_name); at != std::string_view::npos; at = json.find(quoted_name, at + 1)) {
    std::size_t i = at + quoted_name.size();
    while (i < json.size() && blank(json[i])) ++i;
    if (i >= json.size() || json[i] != ':') continue;
    if (!string_value) return true;
    for (++i; i < json.size() && blank(json[i]);) ++i;
    if (i < json.size() && json[i] == '"') return true;
  }
  return false;
}

}  // namespace

bool looks_like_stu3(std::string_view json) {
  // Resource types R4 dropped, and CareConnect's STU3 profiles, extensions and code systems.
  static constexpr std::array<std::string_view, 7> kText = {
      R"("ProcedureRequest")", R"("ReferralRequest")", R"("ProcessRequest")", R"("DeviceComponent")",
      R"("EligibilityRequest")", "/STU3/StructureDefinition/", "/STU3/CodeSystem/"};
  for (std::string_view m : kText)
    if (json.find(m) != std::string_view::npos) return true;
  // Elements only STU3 has, and statuses that were codes before R4 made them CodeableConcepts.
  return has_member(json, R"("taken")", false) || has_member(json, R"("notGiven")", false) ||
         has_member(json, R"("assertedDate")", false) || has_member(json, R"("clinicalStatus")", true) ||
         has_member(json, R"("verificationStatus")", true);
}

}  // namespace hidewire::mapping::stu3
