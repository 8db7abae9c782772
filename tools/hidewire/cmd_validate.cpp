// hidewire validate [--format text|json] [--no-bindings] [--no-invariants] [--max-bytes N] [--max-depth N]
//                   [--ig DIR|PACKAGE ...] [--profile URL ...] [--must-support]
//                   [--unknown-extensions information|warning|error] FILE...
#include <iostream>

#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "profiles/profile_validator.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int run_validate(const Args& args) {
  fhir::ParseLimits limits;
  fhir::ValidationOptions opts;
  bool json = false;
  bool invariants = true;
  std::vector<std::string_view> files;
  std::vector<std::string> igs, profile_urls;
  profiles::ProfileOptions popts;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string error;
    if (take_limit_option(args, i, limits, error)) {
      if (!error.empty()) {
        std::cerr << "hidewire validate: " << error << "\n";
        return kUsage;
      }
    } else if (args[i] == "--format" && i + 1 < args.size()) {
      std::string_view f = args[++i];
      if (f != "text" && f != "json") {
        std::cerr << "hidewire validate: --format must be text or json, not '" << f << "'\n";
        return kUsage;
      }
      json = f == "json";
    } else if (args[i] == "--no-bindings") {
      opts.check_bindings = false;
    } else if (args[i] == "--no-invariants") {
      invariants = false;
    } else if ((args[i] == "--ig" || args[i] == "--profile") && i + 1 < args.size()) {
      (args[i] == "--ig" ? igs : profile_urls).emplace_back(args[i + 1]);
      ++i;
    } else if (args[i] == "--must-support") {
      popts.must_support = true;
    } else if (args[i] == "--allow-example-urls") {
      popts.allow_example_urls = true;
    } else if (args[i] == "--unknown-extensions" && i + 1 < args.size()) {
      std::string_view v = args[++i];
      if (v != "information" && v != "warning" && v != "error") {
        std::cerr << "hidewire validate: --unknown-extensions must be information, warning or error, not '" << v << "'\n";
        return kUsage;
      }
      popts.unknown_extensions = v == "error" ? fhir::Severity::Error : v == "warning" ? fhir::Severity::Warning : fhir::Severity::Information;
    } else if (args[i].size() > 1 && args[i].front() == '-') {
      std::cerr << "hidewire validate: unknown option '" << args[i] << "'\n";
      return kUsage;
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty()) {
    std::cerr << "hidewire validate: no input files (use - for standard input)\n";
    return kUsage;
  }
  const fhir::Schema& schema = fhir::Schema::r4();
  // Profiles come with the implementation guides named; meta.profile is honoured whenever any is.
  profiles::ProfileSet set(schema);
  fhir::Diagnostics loading;
  for (const std::string& ig : igs) set.load(ig, loading);
  set.compile(loading);
  if (loading.has_errors()) {
    for (const fhir::Issue& is : loading.issues())
      if (is.severity <= fhir::Severity::Error) std::cerr << "hidewire validate: " << is.message << "\n";
    return kUsage;
  }
  popts.bindings = opts.check_bindings;
  popts.invariants = invariants;
  int worst = kOk;
  for (std::string_view file : files) {
    fhir::Diagnostics diags;
    std::string error;
    std::optional<std::string> text = read_input(file, limits.max_bytes, error);
    bool readable = false;
    if (!text) {
      diags.add(fhir::Severity::Fatal, "exception", "", error);
    } else {
      fhir::Node root;
      readable = fhir::parse_any(*text, schema, root, diags, limits);
      if (readable) fhir::validate(root, schema, diags, opts);
      if (readable && invariants) fhirpath::check_invariants(root, schema, diags);
      // always: R4's own extensions are checked against their definitions (ProfileSet::core_extensions)
      if (readable) profiles::validate_profiles(root, profile_urls, set, diags, popts);
    }
    int code = !readable ? kUnreadable : diags.has_errors() ? kInvalid : kOk;
    worst = std::max(worst, code);
    if (json) {
      std::cout << fhir::to_operation_outcome_json(diags, true) << "\n";
      continue;
    }
    std::size_t warnings = diags.count(fhir::Severity::Warning);
    std::cout << file << ": " << (code == kOk ? "valid" : code == kInvalid ? "INVALID" : "UNREADABLE") << " ("
              << diags.error_count() << " errors, " << warnings << " warnings)\n";
    for (const fhir::Issue& is : diags.issues()) {
      if (is.severity == fhir::Severity::Information) continue;
      std::cout << "  " << fhir::severity_name(is.severity) << " " << (is.location.empty() ? "-" : is.location)
                << ": " << is.message;
      if (!is.key.empty()) std::cout << " [" << is.key << "]";
      std::cout << "\n";
    }
  }
  return worst;
}

}  // namespace hidewire::cli
