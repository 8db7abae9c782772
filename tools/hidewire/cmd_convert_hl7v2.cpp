// hidewire convert --from hl7v2 [--to json|xml] [--pretty] [-o OUT] FILE: one HL7 v2 message to a
// FHIR R4 transaction Bundle, validated; the fields that were present but not mapped are listed
// on standard error. A batch (FHS / BHS ... BTS / FTS, or messages back to back) gives a
// collection Bundle holding each message's transaction Bundle, in order.
#include <iostream>

#include "hl7v2/batch.hpp"
#include "hl7v2/message.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {

// One message to its transaction Bundle's JSON; nullopt (with the reason on standard error and
// `rc` set) when it cannot be read or converted. `what` names it in messages.
std::optional<std::string> convert_message(std::string_view text, const std::string& what, int& rc) {
  hl7v2::ParseError perr;
  std::optional<hl7v2::Message> msg = hl7v2::parse(text, perr);
  if (!msg) {
    std::cerr << "hidewire convert: " << what << ": not a readable HL7 v2 message: " << perr.message
              << (perr.segment ? " (segment " + std::to_string(perr.segment) + ")" : "") << "\n";
    rc = kUnreadable;
    return std::nullopt;
  }
  mapping::Conversion conv = mapping::convert(*msg);
  for (const std::string& u : conv.unmapped) std::cerr << "unmapped: " << u << "\n";
  for (const fhir::Issue& i : conv.diagnostics.issues())
    std::cerr << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
  if (!conv.ok) {
    std::cerr << "hidewire convert: " << what << ": not converted (" << conv.diagnostics.error_count() << " errors)\n";
    rc = kInvalid;
    return std::nullopt;
  }
  return std::move(conv.bundle_json);
}

}  // namespace

int convert_hl7v2(std::string_view file, std::string_view to, std::string_view out_path, const fhir::WriteOptions& wopts,
                  const fhir::ParseLimits& limits) {
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  std::string json;
  int rc = kOk;
  if (!hl7v2::is_batch(*text)) {
    std::optional<std::string> one = convert_message(*text, std::string(file), rc);
    if (!one) return rc;
    json = std::move(*one);
  } else {
    hl7v2::Batch batch = hl7v2::split_batch(*text);
    json = R"({"resourceType":"Bundle","type":"collection","entry":[)";
    for (std::size_t i = 0; i < batch.messages.size(); ++i) {
      std::optional<std::string> one = convert_message(batch.messages[i], std::string(file) + " message " + std::to_string(i + 1), rc);
      if (!one) return rc;  // every message or none: a partial collection would look complete
      json += (i ? ",{\"resource\":" : "{\"resource\":") + *one + "}";
    }
    json += "]}";
  }
  // The Bundle goes through the same reader and validator as any FHIR input.
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::Node bundle;
  fhir::Diagnostics diags;
  if (!fhir::parse_json(json, schema, bundle, diags)) {
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
