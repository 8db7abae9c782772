#include "plugins/converters/delimited/social_bundle.hpp"

#include "fhir/nhs_number.hpp"
#include "plugins/converters/delimited/social_context.hpp"

namespace hidewire::plugins::social {

namespace build = fhir::build;
using build::Write;

J Ctx::coding(const Coding& c) {
  J o(rapidjson::kObjectType);
  o.AddMember("system", str(c.system), a());
  o.AddMember("code", str(c.code), a());
  o.AddMember("display", str(c.display), a());
  return o;
}

J Ctx::codeable(const std::string& table, const std::string& word) {
  J o(rapidjson::kObjectType);
  const Coding* code = codes.lookup(table, word);
  if (code && !code->system.empty()) {
    J list(rapidjson::kArrayType);
    list.PushBack(coding(*code), a());
    o.AddMember("coding", list, a());
  }
  o.AddMember("text", str(code ? code->display : plain(word)), a());
  return o;
}

J Ctx::record_identifier(const std::string& suffix) { return identifier(codes.system("record", opts.council_ods), person_id + "/" + suffix); }

J Ctx::annotation(const std::string& text) {
  J o(rapidjson::kObjectType);
  o.AddMember("text", str(text), a());
  return o;
}

J Ctx::narrative(const std::string& text) {
  std::string div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>";
  for (char ch : text) {
    switch (ch) {
      case '<': div += "&lt;"; break;
      case '>': div += "&gt;"; break;
      case '&': div += "&amp;"; break;
      case '"': div += "&quot;"; break;
      default: div += ch;
    }
  }
  div += "</p></div>";
  J o(rapidjson::kObjectType);
  o.AddMember("status", "additional", a());
  o.AddMember("div", str(div), a());
  return o;
}

void Ctx::add_subject(J& res, const char* member) { res.AddMember(J(member, a()), ref(patient), a()); }

namespace {

void add_council(Ctx& c) {
  J o(rapidjson::kObjectType);
  o.AddMember("resourceType", "Organization", c.a());
  J ids(rapidjson::kArrayType);
  ids.PushBack(c.identifier(build::kOdsSystem, c.opts.council_ods), c.a());
  o.AddMember("identifier", ids, c.a());
  o.AddMember("active", true, c.a());
  o.AddMember("name", c.str(c.opts.council_name), c.a());
  // Another message may hold more of the council's details: never overwritten from here.
  c.council = c.add("Organization", std::move(o), Write::CreateIfAbsent);
}

void add_patient(Ctx& c, BuiltBundle& out) {
  const Item& p = c.r.person;
  J pat(rapidjson::kObjectType);
  pat.AddMember("resourceType", "Patient", c.a());
  if (const std::string& note = p.text("note"); !note.empty()) pat.AddMember("text", c.narrative(note), c.a());
  J ids(rapidjson::kArrayType);
  if (const Value* nhs = p.get("nhs_number")) {
    std::string digits = fhir::normalise_nhs_number(nhs->text);
    // The number itself is never in the diagnostics: they reach the sender's answer and logs.
    if (!fhir::is_valid_nhs_number(digits)) {
      std::string why = digits.size() != 10 ? "it is not 10 digits" : "its check digit fails Modulus 11";
      if (c.opts.trace_patients)
        c.d.warning("value", nhs->at, "the NHS number is not valid (" + why + "): left out, and the person traced", "nhs-number");
      else
        c.d.error("value", nhs->at, "the NHS number is not valid: " + why, "nhs-number");
    } else {
      out.nhs_number = digits;
      ids.PushBack(c.identifier(std::string(fhir::kNhsNumberSystem), digits), c.a());
    }
  }
  ids.PushBack(c.identifier(c.codes.system("person", c.opts.council_ods), c.person_id), c.a());
  pat.AddMember("identifier", ids, c.a());
  const std::string &family = p.text("family"), &given = p.text("given");
  if (!family.empty() || !given.empty()) {
    J name(rapidjson::kObjectType), names(rapidjson::kArrayType);
    name.AddMember("use", "official", c.a());
    if (!family.empty()) name.AddMember("family", c.str(family), c.a());
    if (!given.empty()) {
      J g(rapidjson::kArrayType);
      for (const std::string& n : p.all("given")) g.PushBack(c.str(n), c.a());
      name.AddMember("given", g, c.a());
    }
    names.PushBack(name, c.a());
    pat.AddMember("name", names, c.a());
  }
  if (const std::string& phone = p.text("phone"); !phone.empty()) {
    J t(rapidjson::kObjectType), list(rapidjson::kArrayType);
    t.AddMember("system", "phone", c.a());
    t.AddMember("value", c.str(phone), c.a());
    list.PushBack(t, c.a());
    pat.AddMember("telecom", list, c.a());
  }
  if (const Value* g = p.get("gender")) {
    if (const Coding* code = c.codes.lookup("gender", g->text)) pat.AddMember("gender", c.str(code->code), c.a());
    else c.d.warning("code-invalid", g->at, "sex '" + plain(g->text) + "' is not a sex the maps know: left out");
  }
  if (const std::string& dob = p.text("birth_date"); !dob.empty()) pat.AddMember("birthDate", c.str(dob), c.a());
  const std::string &line = p.text("address_line"), &town = p.text("town"), &pc = p.text("postcode");
  if (!line.empty() || !town.empty() || !pc.empty()) {
    J addr(rapidjson::kObjectType), list(rapidjson::kArrayType);
    addr.AddMember("use", "home", c.a());
    if (!line.empty()) {
      J lines(rapidjson::kArrayType);
      for (const std::string& l : p.all("address_line")) lines.PushBack(c.str(l), c.a());
      addr.AddMember("line", lines, c.a());
    }
    if (!town.empty()) addr.AddMember("city", c.str(town), c.a());
    if (!pc.empty()) addr.AddMember("postalCode", c.str(pc), c.a());
    list.PushBack(addr, c.a());
    pat.AddMember("address", list, c.a());
  }
  c.patient = c.add("Patient", std::move(pat));
}

// A yes/no the council recorded (or, for a carer, that carers are named) as a social-history
// Observation: "Has a carer" is carried as text, "lives alone" as its SNOMED CT finding.
void add_social_history(Ctx& c) {
  auto observation = [&](const std::string& suffix, J code) {
    J o(rapidjson::kObjectType);
    o.AddMember("resourceType", "Observation", c.a());
    J ids(rapidjson::kArrayType);
    ids.PushBack(c.record_identifier(suffix), c.a());
    o.AddMember("identifier", ids, c.a());
    o.AddMember("status", "final", c.a());
    J cat(rapidjson::kObjectType), cats(rapidjson::kArrayType), coding(rapidjson::kArrayType), sh(rapidjson::kObjectType);
    sh.AddMember("system", "http://terminology.hl7.org/CodeSystem/observation-category", c.a());
    sh.AddMember("code", "social-history", c.a());
    coding.PushBack(sh, c.a());
    cat.AddMember("coding", coding, c.a());
    cats.PushBack(cat, c.a());
    o.AddMember("category", cats, c.a());
    o.AddMember("code", code, c.a());
    c.add_subject(o, "subject");
    return o;
  };
  const Value* has = c.r.person.get("has_carer");
  auto carers = c.r.lists.find("carer");
  bool named = carers != c.r.lists.end() && !carers->second.empty();
  if (has || named) {
    bool yes = has ? has->text == "yes" : true;
    if (has && has->text != "yes" && has->text != "no") {
      c.d.warning("code-invalid", has->at, "whether the person has a carer: '" + plain(has->text) + "' is not yes or no: left out");
    } else {
      J code(rapidjson::kObjectType);
      code.AddMember("text", "Has a carer", c.a());
      J o = observation("has-carer", std::move(code));
      o.AddMember("valueBoolean", yes || named, c.a());
      c.add("Observation", std::move(o));
    }
  }
  if (const Value* alone = c.r.person.get("lives_alone"); alone && alone->text == "yes")
    c.add("Observation", observation("lives-alone", c.codeable("living", "lives-alone")));
}

}  // namespace

BuiltBundle make_bundle(const Record& r, const Codes& codes, const BundleOptions& opts, fhir::Diagnostics& d) {
  BuiltBundle out;
  Ctx c(r, codes, opts, d);
  c.person_id = r.person.text("id");
  if (c.person_id.empty()) {
    d.error("required", "person id", "the record has no person id: its rows could not be kept together");
    return out;
  }
  add_council(c);
  add_patient(c, out);
  add_social_history(c);
  add_carers(c);
  add_care_team(c);
  add_episodes(c);
  add_plans(c);
  add_referrals_and_visits(c);
  add_conditions_and_alerts(c);
  if (d.has_errors()) return out;
  build::Source src{opts.received_at, opts.agent, "urn:hidewire:message-sha256", opts.control_id,
                    "social care record " + c.person_id + " (" + opts.map_name + ")", opts.sender_ods};
  out.json = c.finish(opts.control_id, src, out.nhs_number, opts.received_at);
  return out;
}

}  // namespace hidewire::plugins::social
