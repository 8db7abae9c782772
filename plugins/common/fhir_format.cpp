#include "plugins/common/fhir_format.hpp"

#include <cctype>

#include "mapping/stu3_engine/record.hpp"

namespace hidewire::plugins {

std::string fhir_format(std::string_view content_type, std::string_view body) {
  std::string ct;
  for (char c : content_type)
    if (c != ' ' && c != '"') ct += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (std::size_t v = ct.find("fhirversion="); v != std::string::npos) {
    std::string_view version = std::string_view(ct).substr(v + 12);
    if (version.rfind("3.0", 0) == 0) return "fhir-stu3";
    return "fhir";
  }
  return mapping::stu3::looks_like_stu3(body) ? "fhir-stu3" : "fhir";
}

}  // namespace hidewire::plugins
