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

bool looks_like_cda(std::string_view body) {
  // The first element's name, past the XML declaration, comments and processing instructions.
  std::size_t at = 0;
  while ((at = body.find('<', at)) != std::string_view::npos) {
    std::string_view rest = body.substr(at + 1);
    if (rest.starts_with("?") || rest.starts_with("!")) {
      at = body.find('>', at);
      if (at == std::string_view::npos) return false;
      continue;
    }
    std::size_t end = rest.find_first_of(" \t\r\n/>");
    std::string_view name = rest.substr(0, end);
    if (std::size_t colon = name.find(':'); colon != std::string_view::npos) name = name.substr(colon + 1);
    return name == "ClinicalDocument" || name == "DistributionEnvelope";
  }
  return false;
}

}  // namespace hidewire::plugins
