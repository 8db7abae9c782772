// The FHIRPath API beyond the official suite: syntax errors, compiled reuse, variables,
// resolve() within Bundles and contained resources, memberOf(), the expression cache.
#include <doctest/doctest.h>

#include <thread>

#include "fhir/codec.hpp"
#include "fhirpath/fhirpath.hpp"
#include "tests/fhir/test_support.hpp"

using namespace hidewire;
using namespace hidewire::fhirpath;

namespace {

fhir::Node load(const std::string& rel) {
  fhir::Node n;
  fhir::Diagnostics d;
  REQUIRE(fhir::parse_any(hw_test::read_file(hw_test::data_path(rel)), fhir::Schema::r4(), n, d));
  return n;
}

std::vector<std::string> eval(const std::string& expr, const fhir::Node& root, EvalContext ctx = {}) {
  ctx.resource = &root;
  std::vector<std::string> out;
  for (const Value& v : Expression::compile(expr).evaluate(ctx)) {
    auto s = to_system(v);
    out.push_back(s ? to_display(*s) : "<" + type_name(v) + ">");
  }
  return out;
}

std::string syntax_error(const std::string& expr) {
  try {
    Expression::compile(expr);
  } catch (const SyntaxError& e) {
    return std::string(e.what()) + " @" + std::to_string(e.position);
  }
  return "no error";
}

}  // namespace

TEST_CASE("syntax errors say what and where") {
  CHECK(syntax_error("name.given.") == "expected a member or function name after '.' at end of expression @11");
  CHECK(syntax_error("name.where(use = 'official'") == "expected ')' to close the argument list at end of expression @27");
  CHECK(syntax_error("1 + + ") == "expression ends unexpectedly @6");
  CHECK(syntax_error("'unterminated") == "unterminated string @0");
  CHECK(syntax_error("name $ 2") == "unexpected '$' @5");
  CHECK(syntax_error("a /* open") == "unterminated comment @2");
  CHECK(syntax_error("name.given ^ 2") == "unexpected character '^' @11");
  CHECK(syntax_error("(1 + 2") == "expected ')' at end of expression @6");
}

TEST_CASE("a compiled expression is reused across resources and threads") {
  fhir::Node patient = load("fhir-r4-examples/patient-example.json");
  fhir::Node other = load("hidewire/transaction-bundle-uk.json");
  Expression x = Expression::compile("name.where(use = 'official').given.first()");
  EvalContext ctx;
  ctx.resource = &patient;
  CHECK(to_display(x.evaluate(ctx).at(0)) == "Peter");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        EvalContext c;
        c.resource = &patient;
        if (to_display(x.evaluate(c).at(0)) == "Peter") ++ok;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(ok == 800);
  ctx.resource = &other;
  CHECK(x.evaluate(ctx).empty());

  ExpressionCache cache;
  auto a = cache.get("Patient.active");
  auto b = cache.get("Patient.active");
  CHECK(a.get() == b.get());
  CHECK(cache.size() == 1);
}

TEST_CASE("variables: %resource, %context, user variables, trace") {
  fhir::Node patient = load("fhir-r4-examples/patient-example.json");
  EvalContext ctx;
  ctx.variables["threshold"] = {Value::integer(1970)};
  CHECK(eval("birthDate.toString().substring(0, 4).toInteger() > %threshold", patient, ctx) == std::vector<std::string>{"true"});
  CHECK(eval("%resource.id", patient) == std::vector<std::string>{"example"});
  CHECK_THROWS_AS(eval("%undefined", patient), EvalError);
  std::vector<std::string> traced;
  ctx.on_trace = [&](const std::string& name, const Collection& c) { traced.push_back(name + ":" + std::to_string(c.size())); };
  eval("name.trace('names').count()", patient, ctx);
  CHECK(traced == std::vector<std::string>{"names:3"});
}

TEST_CASE("resolve() within a Bundle and contained resources") {
  fhir::Node bundle = load("hidewire/transaction-bundle-uk.json");
  CHECK(eval("entry.resource.ofType(Observation).subject.resolve().identifier.value", bundle) ==
        std::vector<std::string>{"9434765919"});
  CHECK(eval("entry.resource.ofType(Encounter).location.location.resolve().name", bundle) ==
        std::vector<std::string>{});  // '#ward' resolves within its own resource, not the Bundle
  fhir::Node encounter;
  for (const fhir::Node& e : bundle.children)
    if (e.name == "entry" && e.child("resource")->resource_type() == "Encounter") encounter = *e.child("resource");
  CHECK(eval("location.location.resolve().name", encounter) == std::vector<std::string>{"Ward 7, St James's University Hospital"});
}

TEST_CASE("memberOf() uses the specification's value sets; extension() finds by URL") {
  fhir::Node patient = load("fhir-r4-examples/patient-example.json");
  CHECK(eval("gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", patient) == std::vector<std::string>{"true"});
  CHECK(eval("name.first().use.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", patient) == std::vector<std::string>{"false"});
  fhir::Node bundle = load("hidewire/transaction-bundle-uk.json");
  CHECK(eval("entry[0].resource.identifier.extension('https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus').value.coding.code",
             bundle) == std::vector<std::string>{"01"});
  CHECK(eval("entry[0].resource.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').value", bundle) ==
        std::vector<std::string>{"1941-03-02T06:30:00+00:00"});
}

TEST_CASE("type model: choice types, is/as/ofType, polymorphic value[x]") {
  fhir::Node obs = load("fhir-r4-examples/observation-example.json");
  CHECK(eval("value.is(Quantity)", obs) == std::vector<std::string>{"true"});
  CHECK(eval("value.ofType(Quantity).unit", obs) == std::vector<std::string>{"lbs"});
  CHECK(eval("(value as Quantity).value > 180", obs) == std::vector<std::string>{"true"});
  CHECK(eval("value.ofType(string)", obs).empty());
  CHECK_THROWS_AS(eval("valueQuantity.value", obs), EvalError);  // FHIRPath names choices by their base
  CHECK(eval("value > 100 'kg'", obs) == std::vector<std::string>{"false"});  // 185 [lb_av] is about 84 kg
}

TEST_CASE("quantities in UCUM units of one kind compare after conversion, by the table or by metric prefix") {
  fhir::Node none;
  CHECK(eval("1 'kg' > 999 'g'", none) == std::vector<std::string>{"true"});            // the table
  CHECK(eval("5 'mmol' < 4000 'umol'", none) == std::vector<std::string>{"false"});     // prefixes on mol
  CHECK(eval("12 'kPa' = 12000 'Pa'", none) == std::vector<std::string>{"true"});
  CHECK_THROWS(eval("1 'mmol' < 1 'mg'", none));                                        // another kind
  CHECK_THROWS(eval("1 'Mg' < 1 'g'", none));                                           // a prefix not known here
}

TEST_CASE("decode('hex') refuses text that is not hexadecimal instead of reading part of it") {
  fhir::Node none;
  CHECK(eval("'414a'.decode('hex')", none) == std::vector<std::string>{"AJ"});
  CHECK_THROWS_AS(eval("'zz'.decode('hex')", none), EvalError);
  CHECK_THROWS_AS(eval("'4g'.decode('hex')", none), EvalError);
}
