// hidewire convert --from ambulance [--to json|xml] [--pretty] [-o OUT] FILE: one ambulance ePR
// handover report (any configured vendor's JSON or XML) to a FHIR R4 transaction Bundle,
// validated; its issues and the items present but not mapped are listed on standard error.
#include <iostream>

#include "plugins/registry.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int convert_ambulance(std::string_view file, std::string_view to, std::string_view out_path, const fhir::WriteOptions& wopts,
                      const fhir::ParseLimits& limits) {
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  auto converter = plugins::make_converter("ambulance");
  node::Conversion conv = converter->convert(*text, node::MessageInfo{"", "ambulance", "", "", nullptr});
  for (const std::string& u : conv.unmapped) std::cerr << "unmapped: " << u << "\n";
  for (const fhir::Issue& i : conv.diagnostics.issues())
    std::cerr << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
  if (conv.status != node::Conversion::Status::Converted) {
    std::cerr << "hidewire convert: " << file << ": not converted ("
              << (conv.status == node::Conversion::Status::Unreadable ? "unreadable" : "refused") << ")\n";
    return conv.status == node::Conversion::Status::Unreadable ? kUnreadable : kInvalid;
  }
  return emit_bundle(conv.bundle_json, to, out_path, wopts);
}

}  // namespace hidewire::cli
