// hidewire convert --from fhir-stu3 [--to json|xml] [--pretty] [-o OUT] FILE: a GP Connect
// structured record (FHIR STU3 Bundle) to a FHIR R4 transaction Bundle, validated; the STU3
// elements that could not be carried are listed on standard error.
#include <iostream>

#include "node/converter.hpp"
#include "plugins/registry.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int convert_stu3(const std::string& text, std::string_view file, std::string_view to, std::string_view out_path,
                 const fhir::WriteOptions& wopts) {
  std::unique_ptr<node::Converter> conv = plugins::make_converter("fhir-stu3");
  node::Conversion c = conv->convert(text, node::MessageInfo{});
  for (const std::string& u : c.unmapped) std::cerr << "unmapped: " << u << "\n";
  for (const fhir::Issue& i : c.diagnostics.issues())
    std::cerr << fhir::severity_name(i.severity) << " " << i.location << ": " << i.message << "\n";
  if (c.status == node::Conversion::Status::Unreadable) {
    std::cerr << "hidewire convert: " << file << ": not a FHIR STU3 resource in JSON\n";
    return kUnreadable;
  }
  if (c.status != node::Conversion::Status::Converted) {
    std::cerr << "hidewire convert: " << file << ": not converted (" << c.diagnostics.error_count() << " errors)\n";
    return kInvalid;
  }
  return write_converted(c.bundle_json, to, out_path, wopts);
}

}  // namespace hidewire::cli
