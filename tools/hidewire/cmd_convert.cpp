// hidewire convert [--from fhir|hl7v2|fhir-stu3|ambulance|cda [--document]|delimited|prsb-xml] [--map FILE] --to json|xml [--pretty] [-o OUT] [--max-bytes N] [--max-depth N] FILE
// Refuses (exit 1, OperationOutcome on stderr) when the reader found structural problems,
// because then the output could not say the same as the input.
#include <iostream>

#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int run_convert(const Args& args) {
  fhir::ParseLimits limits;
  fhir::WriteOptions wopts;
  std::string_view to, from, out_path, file, map;
  bool document = false;  // --from cda: a FHIR document Bundle instead of the node's transaction
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string error;
    if (take_limit_option(args, i, limits, error)) {
      if (!error.empty()) {
        std::cerr << "hidewire convert: " << error << "\n";
        return kUsage;
      }
    } else if (args[i] == "--to" && i + 1 < args.size()) {
      to = args[++i];
    } else if (args[i] == "--from" && i + 1 < args.size()) {
      from = args[++i];
    } else if (args[i] == "--map" && i + 1 < args.size()) {
      map = args[++i];
    } else if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
      out_path = args[++i];
    } else if (args[i] == "--document") {
      document = true;
    } else if (args[i] == "--pretty") {
      wopts.pretty = true;
    } else if (args[i].size() > 1 && args[i].front() == '-') {
      std::cerr << "hidewire convert: unknown option '" << args[i] << "'\n";
      return kUsage;
    } else if (file.empty()) {
      file = args[i];
    } else {
      std::cerr << "hidewire convert: one input file at a time ('" << args[i] << "' is extra)\n";
      return kUsage;
    }
  }
  if (from == "stu3") from = "fhir-stu3";
  if (from == "prsb") from = "prsb-xml";
  bool social = from == "delimited" || from == "prsb-xml";
  if (!from.empty() && from != "hl7v2" && from != "fhir" && from != "fhir-stu3" && from != "ambulance" && from != "cda" && !social) {
    std::cerr << "hidewire convert: --from must be hl7v2, fhir, fhir-stu3, ambulance, cda, delimited or prsb-xml, not '" << from << "'\n";
    return kUsage;
  }
  if (document && from != "cda") {
    std::cerr << "hidewire convert: --document is for --from cda\n";
    return kUsage;
  }
  if (!map.empty() && !social) {
    std::cerr << "hidewire convert: --map is for --from delimited or prsb-xml\n";
    return kUsage;
  }
  if (from == "hl7v2" || from == "fhir-stu3" || from == "ambulance" || from == "cda" || social) {
    if (to.empty()) to = "json";
    if (to != "json" && to != "xml") {
      std::cerr << "hidewire convert: --to must be json or xml\n";
      return kUsage;
    }
    if (file.empty()) {
      std::cerr << "hidewire convert: no input file (use - for standard input)\n";
      return kUsage;
    }
    if (social) return convert_social(from, map, file, to, out_path, wopts, limits);
    return convert_message(from, file, to, out_path, wopts, limits, document);
  }
  if (to != "json" && to != "xml") {
    std::cerr << "hidewire convert: --to json or --to xml is required\n";
    return kUsage;
  }
  if (file.empty()) {
    std::cerr << "hidewire convert: no input file (use - for standard input)\n";
    return kUsage;
  }
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  const fhir::Schema& schema = fhir::Schema::r4();
  fhir::Diagnostics diags;
  fhir::Node root;
  if (!fhir::parse_any(*text, schema, root, diags, limits)) {
    std::cerr << "hidewire convert: " << file << ": " << diags.issues().front().message << "\n";
    return kUnreadable;
  }
  if (diags.has_errors()) {
    std::cerr << "hidewire convert: " << file << ": " << diags.error_count() << " structural errors; not converted\n"
              << fhir::to_operation_outcome_json(diags, true) << "\n";
    return kInvalid;
  }
  std::string out = to == "json" ? fhir::write_json(root, wopts) : fhir::write_xml(root, wopts);
  if (wopts.pretty || out_path.empty() || out_path == "-") out += '\n';
  if (!write_output(out_path, out, error)) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  return kOk;
}

}  // namespace hidewire::cli
