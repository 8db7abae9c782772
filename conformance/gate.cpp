#include "conformance/gate.hpp"

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"

namespace hidewire::conformance {

fhir::Diagnostics check(const std::string& json) {
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::Diagnostics d;
  fhir::Node root;
  if (fhir::parse_json(json, schema, root, d)) check(root, d);
  return d;
}

void check(const fhir::Node& root, fhir::Diagnostics& d) {
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::validate(root, schema, d);
  fhirpath::check_invariants(root, schema, d);
}

}  // namespace hidewire::conformance
