// Telling STU3 from R4 without a schema: a cheap scan for what only STU3 writes.
#include <array>

#include "mapping/stu3_engine/record.hpp"

namespace hidewire::mapping::stu3 {

bool looks_like_stu3(std::string_view json) {
  static constexpr std::array<std::string_view, 12> kMarks = {
      R"("ProcedureRequest")", R"("ReferralRequest")", R"("ProcessRequest")", R"("DeviceComponent")",
      R"("EligibilityRequest")", R"("taken":)", R"("notGiven":)", R"("assertedDate":)",
      "/STU3/StructureDefinition/", "/STU3/CodeSystem/", R"("clinicalStatus":")", R"("verificationStatus":")"};
  // Spacing varies ("taken" : "unk"): compare with the blanks after a colon taken out.
  std::string squeezed;
  squeezed.reserve(json.size());
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      squeezed += c;
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    squeezed += c;
  }
  for (std::string_view m : kMarks)
    if (squeezed.find(m) != std::string::npos) return true;
  return false;
}

}  // namespace hidewire::mapping::stu3
