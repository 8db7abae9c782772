// hidewire convert --from delimited|prsb-xml [--map FILE] [--to json|xml] [--pretty] [-o OUT] FILE:
// a council's social-care export through its map (the built-in ones, or FILE alone) to FHIR. A
// delimited file of several people is split as the file drop splits it, one transaction Bundle
// per person in a collection Bundle; a person whose rows are refused is left out and named on
// standard error (exit 3), the others are still written.
#include <iostream>

#include "fhir/bundle_builder.hpp"
#include "plugins/converters/delimited/social_maps.hpp"
#include "plugins/registry.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int convert_social(std::string_view from, std::string_view map, std::string_view file, std::string_view to, std::string_view out_path,
                   const fhir::WriteOptions& wopts, const fhir::ParseLimits& limits) {
  std::string error;
  std::optional<std::string> text = read_input(file, limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire convert: " << error << "\n";
    return kUnreadable;
  }
  std::unique_ptr<node::Converter> conv;
  const std::string channel = "cli";
  try {
    std::string settings = "{}";
    if (!map.empty()) {
      // This map alone, for every file: the JSON strings escaped as the map names them.
      auto escape = [](std::string s) {
        std::string o;
        for (char c : s) o += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        return o;
      };
      std::string name = plugins::social::load_map_file(std::string(map)).name;
      settings = R"({"builtin":false,"map_files":[")" + escape(std::string(map)) + R"("],"source_maps":[{"source":"cli","map":")" +
                 escape(name) + R"("}]})";
    }
    conv = plugins::make_converter(std::string(from), settings);
  } catch (const std::exception& e) {
    std::cerr << "hidewire convert: " << e.what() << "\n";
    return kUsage;
  }
  node::MessageInfo info{channel, std::string(from), "", "", nullptr};
  std::vector<std::string> parts = conv->split(*text, info);
  if (parts.empty()) parts.push_back(*text);
  std::vector<std::string> bundles;
  int refused = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    node::Conversion c = conv->convert(parts[i], info);
    std::string what = parts.size() > 1 ? "message " + std::to_string(i + 1) + ": " : "";
    print_conversion_issues(what, c.unmapped, c.diagnostics);
    if (c.status != node::Conversion::Status::Converted) {
      std::cerr << "hidewire convert: " << file << ": " << what << "not converted (" << c.diagnostics.error_count() << " errors)\n";
      if (parts.size() == 1) return c.status == node::Conversion::Status::Unreadable ? kUnreadable : kInvalid;
      ++refused;
      continue;
    }
    bundles.push_back(std::move(c.bundle_json));
  }
  if (parts.size() == 1) return emit_bundle(bundles.front(), to, out_path, wopts);
  std::string collection = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (std::size_t i = 0; i < bundles.size(); ++i)
    collection += std::string(i ? "," : "") + R"({"fullUrl":"urn:uuid:)" + fhir::build::stable_uuid(*text, i) + R"(","resource":)" + bundles[i] + "}";
  collection += "]}";
  int rc = emit_bundle(collection, to, out_path, wopts);
  return rc == kOk && refused ? kInvalid : rc;
}

}  // namespace hidewire::cli
