// hidewire fhirpath EXPRESSION FILE: evaluates a FHIRPath expression against a resource and
// prints each result item with its type (for writing routing rules and checking invariants).
#include <iostream>

#include "fhirpath/fhirpath.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

int run_fhirpath(const Args& args) {
  fhir::ParseLimits limits;
  std::vector<std::string_view> pos;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string error;
    if (take_limit_option(args, i, limits, error)) {
      if (!error.empty()) {
        std::cerr << "hidewire fhirpath: " << error << "\n";
        return kUsage;
      }
    } else {
      pos.push_back(args[i]);
    }
  }
  if (pos.size() != 2) {
    std::cerr << "hidewire fhirpath: expected an EXPRESSION and a FILE\n";
    return kUsage;
  }
  fhirpath::Expression expr;
  try {
    expr = fhirpath::Expression::compile(pos[0]);
  } catch (const fhirpath::SyntaxError& e) {
    std::cerr << "hidewire fhirpath: syntax error at offset " << e.position << ": " << e.what() << "\n";
    return kUsage;
  }
  std::string error;
  std::optional<std::string> text = read_input(pos[1], limits.max_bytes, error);
  if (!text) {
    std::cerr << "hidewire fhirpath: " << error << "\n";
    return kUnreadable;
  }
  fhir::Node root;
  fhir::Diagnostics diags;
  if (!fhir::parse_any(*text, fhir::Schema::r4(), root, diags, limits)) {
    std::cerr << "hidewire fhirpath: " << pos[1] << ": " << diags.issues().front().message << "\n";
    return kUnreadable;
  }
  fhirpath::EvalContext ctx;
  ctx.resource = &root;
  ctx.on_trace = [](const std::string& name, const fhirpath::Collection& c) {
    std::cerr << "trace " << name << ": " << c.size() << " items\n";
  };
  try {
    for (const fhirpath::Value& v : expr.evaluate(ctx)) {
      auto s = fhirpath::to_system(v);
      std::cout << fhirpath::type_name(v) << "\t" << (s ? fhirpath::to_display(*s) : "(" + v.node->name + ")") << "\n";
    }
  } catch (const fhirpath::EvalError& e) {
    std::cerr << "hidewire fhirpath: evaluation error: " << e.what() << "\n";
    return kInvalid;
  }
  return kOk;
}

}  // namespace hidewire::cli
