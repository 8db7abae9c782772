// hidewire convert --from hl7v2 [--to json|xml] [--pretty] [-o OUT] FILE: one HL7 v2 message to a
// FHIR R4 transaction Bundle, validated; the fields that were present but not mapped are listed
// on standard error.
#include <iostream>

#include "hl7v2/message.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int convert_hl7v2(std::string_view file, std::string_view to, std::string_view out_path, const fhir::WriteOptions& wopts,
                  const fhir::ParseLimits& limits) {
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  hl7v2::ParseError perr;
  std::optional<hl7v2::Message> msg = hl7v2::parse(*text, perr);
  if (!msg) {
    std::cerr << "hidewire convert: " << file << ": not a readable HL7 v2 message: " << perr.message
              << (perr.segment ? " (segment " + std::to_string(perr.segment) + ")" : "") << "\n";
    return kUnreadable;
  }
  mapping::Conversion conv = mapping::convert(*msg);
  for (const std::string& u : conv.unmapped) std::cerr << "unmapped: " << u << "\n";
  for (const fhir::Issue& i : conv.diagnostics.issues())
    std::cerr << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
  if (!conv.ok) {
    std::cerr << "hidewire convert: " << file << ": not converted (" << conv.diagnostics.error_count() << " errors)\n";
    return kInvalid;
  }
  return emit_bundle(conv.bundle_json, to, out_path, wopts);
}

// A converter's Bundle through the same reader and validator as any FHIR input, then written out.
int emit_bundle(const std::string& bundle_json, std::string_view to, std::string_view out_path, const fhir::WriteOptions& wopts) {
  std::string error;
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::Node bundle;
  fhir::Diagnostics diags;
  if (!fhir::parse_json(bundle_json, schema, bundle, diags)) {
    std::cerr << "hidewire convert: internal error: the Bundle is not readable: " << diags.issues().front().message << "\n";
    return 70;
  }
  fhir::validate(bundle, schema, diags);
  fhirpath::check_invariants(bundle, schema, diags);
  for (const fhir::Issue& i : diags.issues())
    if (i.severity != fhir::Severity::Information)
      std::cerr << "bundle " << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
  std::string out = to == "xml" ? fhir::write_xml(bundle, wopts) : fhir::write_json(bundle, wopts);
  out += '\n';
  if (!write_output(out_path, out, error)) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  return diags.has_errors() ? kInvalid : kOk;
}

}  // namespace hidewire::cli
