// FHIRPath over a converted Bundle, each result as display text, and a conversion's errors as
// text: shared by the HL7 v2 mapping tests.
#pragma once

#include <string>
#include <vector>

#include "fhir/validator.hpp"
#include "fhirpath/fhirpath.hpp"

namespace hw_test {

using Strings = std::vector<std::string>;

inline Strings eval(const hidewire::fhir::Node& root, const std::string& expr) {
  using namespace hidewire;
  fhirpath::EvalContext ctx;
  ctx.resource = &root;
  Strings out;
  for (const fhirpath::Value& v : fhirpath::Expression::compile(expr).evaluate(ctx)) {
    auto s = fhirpath::to_system(v);
    out.push_back(s ? fhirpath::to_display(*s) : "<" + fhirpath::type_name(v) + ">");
  }
  return out;
}

inline std::string errors_text(const hidewire::fhir::Diagnostics& d) {
  using hidewire::fhir::Severity;
  std::string out;
  for (const hidewire::fhir::Issue& i : d.issues())
    if (i.severity == Severity::Error || i.severity == Severity::Fatal) out += i.location + ": " + i.message + "\n";
  return out;
}

}  // namespace hw_test
