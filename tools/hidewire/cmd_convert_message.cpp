// hidewire convert --from hl7v2|ambulance|cda [--to json|xml] [--pretty] [-o OUT] FILE: one message
// (an HL7 v2 message, an ambulance ePR handover report in any configured vendor's JSON or XML,
// an NHS 111 CDA document bare or in its ITK envelope; with --document, as a FHIR document Bundle)
// to a FHIR R4 transaction Bundle, validated; the parts that were present but not mapped, and
// the conversion's issues, are listed on standard error. An HL7 v2 batch (FHS / BHS ... BTS / FTS,
// or messages back to back) gives a collection Bundle of each message's transaction Bundle.
#include <iostream>

#include "hl7v2/batch.hpp"
#include "hl7v2/message.hpp"
#include "fhir/bundle_builder.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "mapping/engine/converter.hpp"
#include "plugins/converters/cda/cda_converter.hpp"
#include "plugins/registry.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {

struct Converted {
  int code = kOk;  // not kOk: not converted
  std::string bundle_json;
  std::vector<std::string> unmapped;
  fhir::Diagnostics diagnostics;
};

Converted from_hl7v2(std::string_view file, const std::string& text) {
  Converted c;
  hl7v2::ParseError perr;
  std::optional<hl7v2::Message> msg = hl7v2::parse(text, perr);
  if (!msg) {
    std::cerr << "hidewire convert: " << file << ": not a readable HL7 v2 message: " << perr.message
              << (perr.segment ? " (segment " + std::to_string(perr.segment) + ")" : "") << "\n";
    c.code = kUnreadable;
    return c;
  }
  mapping::Conversion conv = mapping::convert(*msg);
  c.code = conv.ok ? kOk : kInvalid;
  c.bundle_json = std::move(conv.bundle_json);
  c.unmapped = std::move(conv.unmapped);
  c.diagnostics = std::move(conv.diagnostics);
  return c;
}

Converted from_plugin(const std::string& format, const std::string& text, bool document) {
  Converted c;
  auto converter = document ? plugins::cda::make(plugins::cda::Settings{false, true}) : plugins::make_converter(format);
  node::Conversion conv = converter->convert(text, node::MessageInfo{"", format, "", "", nullptr});
  c.code = conv.status == node::Conversion::Status::Converted ? kOk
           : conv.status == node::Conversion::Status::Unreadable ? kUnreadable : kInvalid;
  c.bundle_json = std::move(conv.bundle_json);
  c.unmapped = std::move(conv.unmapped);
  c.diagnostics = std::move(conv.diagnostics);
  return c;
}

}  // namespace

int convert_message(std::string_view from, std::string_view file, std::string_view to, std::string_view out_path,
                    const fhir::WriteOptions& wopts, const fhir::ParseLimits& limits, bool document) {
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  auto one = [&](std::string_view message, const std::string& what, std::string& json) {
    Converted conv = from == "hl7v2" ? from_hl7v2(what, std::string(message)) : from_plugin(std::string(from), std::string(message), document);
    print_conversion_issues("", conv.unmapped, conv.diagnostics);
    if (conv.code != kOk)
      std::cerr << "hidewire convert: " << what << ": not converted (" << conv.diagnostics.error_count() << " errors)\n";
    else json = std::move(conv.bundle_json);
    return conv.code;
  };
  std::string json;
  if (from != "hl7v2" || !hl7v2::is_batch(*text)) {
    int rc = one(*text, std::string(file), json);
    return rc == kOk ? emit_bundle(json, to, out_path, wopts) : rc;
  }
  hl7v2::Batch batch = hl7v2::split_batch(*text);
  std::string collection = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (std::size_t i = 0; i < batch.messages.size(); ++i) {
    int rc = one(batch.messages[i], std::string(file) + " message " + std::to_string(i + 1), json);
    if (rc != kOk) return rc;  // every message or none: a partial collection would look complete
    // A collection's entries need their identity: one per message, stable for the same file.
    collection += std::string(i ? "," : "") + R"({"fullUrl":"urn:uuid:)" + fhir::build::stable_uuid(*text, i) + R"(","resource":)" + json + "}";
  }
  collection += "]}";
  return emit_bundle(collection, to, out_path, wopts);
}

void print_conversion_issues(const std::string& prefix, const std::vector<std::string>& unmapped, const fhir::Diagnostics& d) {
  for (const std::string& u : unmapped) std::cerr << prefix << "unmapped: " << u << "\n";
  for (const fhir::Issue& i : d.issues()) std::cerr << prefix << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
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
