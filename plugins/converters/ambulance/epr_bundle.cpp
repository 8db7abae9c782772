#include "plugins/converters/ambulance/epr_bundle.hpp"

#include "fhir/json_numbers.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/primitives.hpp"
#include "mapping/engine/json_path.hpp"
#include "plugins/converters/ambulance/epr_context.hpp"

namespace hidewire::plugins::ambulance {

namespace build = fhir::build;
using Write = build::Write;

J Ctx::coding(const Coding& c) { return coding_json(c.system, c.code, c.display, a()); }

J Ctx::codeable(const std::vector<Coding>& codings, const std::string& text) {
  J o(rapidjson::kObjectType);
  if (!codings.empty()) {
    J list(rapidjson::kArrayType);
    for (const Coding& c : codings) list.PushBack(coding(c), a());
    o.AddMember("coding", list, a());
  }
  if (!text.empty()) o.AddMember("text", str(text), a());
  return o;
}

J Ctx::record_identifier(const std::string& suffix) { return identifier(codes.system("incident", ods), incident + "/" + suffix); }

J Ctx::quantity(const std::string& raw, const std::string& unit, const std::string& ucum) {
  J q(rapidjson::kObjectType);
  q.AddMember("value", str(raw), a());
  if (!unit.empty()) q.AddMember("unit", str(unit), a());
  if (!ucum.empty()) {
    q.AddMember("system", "http://unitsofmeasure.org", a());
    q.AddMember("code", str(ucum), a());
  }
  return q;
}

std::string Ctx::number(const Value& v, const std::string& what) {
  std::string t = v.text;
  if (!fhir::json::is_number_text(t) || !fhir::check_primitive(fhir::Primitive::Decimal, t).empty()) {
    d.error("value", v.at, what + " '" + v.text + "' is not a number");
    return {};
  }
  return std::string(fhir::json::kRawNumber) + t;
}

void Ctx::link(J& res, const char* subject_path, const char* encounter_path) {
  if (patient >= 0 && subject_path) mapping::set_path(res, subject_path, ref(patient), a());
  if (encounter >= 0 && encounter_path) mapping::set_path(res, encounter_path, ref(encounter), a());
}

namespace {

const std::string& text_of(const Record& r, const char* key) {
  static const std::string none;
  const Value* v = r.get(key);
  return v ? v->text : none;
}

void add_patient(Ctx& c, BuiltBundle& out) {
  const Record& r = c.r;
  J p(rapidjson::kObjectType);
  p.AddMember("resourceType", "Patient", c.a());
  J ids(rapidjson::kArrayType);
  if (const Value* nhs = r.get("patient.nhs_number")) {
    std::string digits = fhir::normalise_nhs_number(nhs->text);
    if (std::string why = fhir::check_nhs_number(digits); !why.empty()) {
      c.d.error("value", nhs->at, "NHS number '" + nhs->text + "': " + why, "nhs-number");
    } else {
      out.nhs_number = digits;
      ids.PushBack(c.identifier(std::string(fhir::kNhsNumberSystem), digits), c.a());
    }
  }
  // Without an NHS number the person is still recorded, under the service's own id for them
  // (never guessed): tracing finds the NHS number later.
  const std::string& local = text_of(r, "patient.local_id");
  if (!local.empty() || out.nhs_number.empty())
    ids.PushBack(c.identifier(c.codes.system("patient", c.ods), local.empty() ? c.incident + "/patient" : local), c.a());
  p.AddMember("identifier", ids, c.a());
  const std::string &family = text_of(r, "patient.family"), &given = text_of(r, "patient.given");
  if (!family.empty() || !given.empty()) {
    J name(rapidjson::kObjectType), names(rapidjson::kArrayType);
    name.AddMember("use", "usual", c.a());
    if (!family.empty()) name.AddMember("family", c.str(family), c.a());
    if (!given.empty()) {
      J g(rapidjson::kArrayType);
      g.PushBack(c.str(given), c.a());
      name.AddMember("given", g, c.a());
    }
    names.PushBack(name, c.a());
    p.AddMember("name", names, c.a());
  }
  if (const Value* g = r.get("patient.gender")) {
    if (const Coding* code = c.codes.lookup("gender", g->text)) p.AddMember("gender", c.str(code->code), c.a());
    else c.d.warning("code-invalid", g->at, "sex '" + g->text + "' is not known to the map: left out");
  }
  if (const std::string& dob = text_of(r, "patient.birth_date"); !dob.empty()) p.AddMember("birthDate", c.str(dob), c.a());
  const std::string &line = text_of(r, "patient.address_line"), &town = text_of(r, "patient.town"), &pc = text_of(r, "patient.postcode");
  if (!line.empty() || !town.empty() || !pc.empty()) {
    J addr(rapidjson::kObjectType), list(rapidjson::kArrayType);
    if (!line.empty()) {
      J lines(rapidjson::kArrayType);
      lines.PushBack(c.str(line), c.a());
      addr.AddMember("line", lines, c.a());
    }
    if (!town.empty()) addr.AddMember("city", c.str(town), c.a());
    if (!pc.empty()) addr.AddMember("postalCode", c.str(pc), c.a());
    list.PushBack(addr, c.a());
    p.AddMember("address", list, c.a());
  }
  // Thin demographics: created when the person is new, never overwriting what the PAS or GP wrote.
  c.patient = c.add("Patient", std::move(p), Write::CreateIfAbsent);
}

void add_service_and_crew(Ctx& c) {
  J org(rapidjson::kObjectType);
  org.AddMember("resourceType", "Organization", c.a());
  J ids(rapidjson::kArrayType);
  ids.PushBack(c.identifier(build::kOdsSystem, c.ods), c.a());
  org.AddMember("identifier", ids, c.a());
  if (const std::string& name = text_of(c.r, "service.name"); !name.empty()) org.AddMember("name", c.str(name), c.a());
  c.service = c.add("Organization", std::move(org), Write::CreateIfAbsent);
  auto crew = c.r.lists.find("crew");
  if (crew == c.r.lists.end()) return;
  for (std::size_t n = 0; n < crew->second.size(); ++n) {
    const Fields& f = crew->second[n];
    auto get = [&](const char* k) { auto it = f.find(k); return it == f.end() ? std::string() : it->second.text; };
    J p(rapidjson::kObjectType), pids(rapidjson::kArrayType);
    p.AddMember("resourceType", "Practitioner", c.a());
    if (std::string staff = get("staff_id"); !staff.empty()) pids.PushBack(c.identifier(c.codes.system("staff", c.ods), staff), c.a());
    if (std::string reg = get("registration"); !reg.empty()) pids.PushBack(c.identifier(c.codes.system("hcpc", c.ods), reg), c.a());
    if (pids.Empty()) pids.PushBack(c.record_identifier("crew/" + std::to_string(n + 1)), c.a());
    p.AddMember("identifier", pids, c.a());
    J name(rapidjson::kObjectType), names(rapidjson::kArrayType);
    if (std::string fam = get("family"); !fam.empty()) name.AddMember("family", c.str(fam), c.a());
    if (std::string giv = get("given"); !giv.empty()) {
      J g(rapidjson::kArrayType);
      g.PushBack(c.str(giv), c.a());
      name.AddMember("given", g, c.a());
    }
    if (std::string role = get("role"); !role.empty()) name.AddMember("text", c.str(role + " " + get("given") + " " + get("family")), c.a());
    if (name.MemberCount()) {
      names.PushBack(name, c.a());
      p.AddMember("name", names, c.a());
    }
    int e = c.add("Practitioner", std::move(p), Write::CreateIfAbsent);
    if (c.first_crew < 0) c.first_crew = e;
  }
}

}  // namespace

BuiltBundle make_bundle(const Record& r, const Codes& codes, const BundleOptions& opts, fhir::Diagnostics& d) {
  BuiltBundle out;
  Ctx c(r, codes, opts, d);
  c.incident = text_of(r, "incident.number");
  c.ods = text_of(r, "service.ods");
  if (c.incident.empty() || c.ods.empty()) {
    if (c.incident.empty()) d.error("required", "incident number", "the report has no incident number: its records could not be kept apart");
    if (c.ods.empty()) d.error("required", "service ODS code", "the report does not name its ambulance service's ODS code");
    return out;
  }
  add_patient(c, out);
  add_service_and_crew(c);
  add_encounter(c, out);
  add_observations(c);
  add_care(c);
  if (d.has_errors()) return out;
  build::Source src{opts.received_at, opts.agent, "urn:hidewire:message-sha256", opts.control_id,
                    "ambulance ePR " + c.incident + " (" + opts.vendor + ")", opts.sender_ods};
  out.json = c.finish(opts.control_id, src, out.nhs_number, opts.received_at);
  return out;
}

}  // namespace hidewire::plugins::ambulance
