// The Encounter (the incident's times, the crew, the conveyance) and the care given: the working
// impression as a provisional Condition (coded only when the ePR coded it: free text is never
// force-coded), each medication given as a MedicationAdministration, each safeguarding concern as
// a Flag.
#include "mapping/engine/json_path.hpp"
#include "plugins/converters/ambulance/epr_context.hpp"

namespace hidewire::plugins::ambulance {
namespace {

using Write = fhir::build::Write;

constexpr const char* kEncounterTransport = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EncounterTransport";

std::string text_of(const Record& r, const char* key) {
  const Value* v = r.get(key);
  return v ? v->text : std::string();
}
std::string field(const Fields& f, const char* key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : it->second.text;
}
const std::string& first(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

J period(Ctx& c, const std::string& start, const std::string& end) {
  J p(rapidjson::kObjectType);
  if (!start.empty()) p.AddMember("start", c.str(start), c.a());
  if (!end.empty()) p.AddMember("end", c.str(end), c.a());
  return p;
}

J ods_reference(Ctx& c, const std::string& ods, const std::string& name) {
  J ref(rapidjson::kObjectType);
  if (!ods.empty()) ref.AddMember("identifier", c.identifier(fhir::build::kOdsSystem, ods), c.a());
  if (!name.empty()) ref.AddMember("display", c.str(name), c.a());
  return ref;
}

J one(Ctx& c, J v) {
  J list(rapidjson::kArrayType);
  list.PushBack(v, c.a());
  return list;
}

J coded(Ctx& c, const char* system, const char* code, const char* display) {
  return c.codeable({Coding{system, code, display}}, "");
}

}  // namespace

void add_encounter(Ctx& c, BuiltBundle& out) {
  const Record& r = c.r;
  std::string call = text_of(r, "incident.call"), mobile = text_of(r, "incident.mobile"), scene = text_of(r, "incident.at_scene"),
              left = text_of(r, "incident.left_scene"), arrived = text_of(r, "incident.at_hospital"),
              handover = text_of(r, "incident.handover");
  std::string dest = text_of(r, "conveyance.destination_ods"), dest_name = text_of(r, "conveyance.destination_name");
  const Value* outcome = r.get("conveyance.outcome");
  const Coding* how = outcome ? c.codes.lookup("conveyance", outcome->text) : nullptr;
  if (outcome && !how) c.d.warning("code-invalid", outcome->at, "conveyance outcome '" + outcome->text + "' is not known to the map: kept as text");
  bool conveyed = how ? how->conveyed : !dest.empty();
  if (!conveyed && !dest.empty() && outcome)
    c.d.warning("business-rule", outcome->at, "a destination is named but the patient was not conveyed: the destination is left out");
  if (conveyed && dest.empty()) c.d.warning("required", "conveyance", "conveyed, but the report names no receiving hospital ODS code");
  out.event = conveyed ? "ePR^handover" : "ePR^non-conveyance";
  std::string end = conveyed ? first(handover, arrived) : first(left, handover);

  J e(rapidjson::kObjectType);
  e.AddMember("resourceType", "Encounter", c.a());
  e.AddMember("identifier", one(c, c.identifier(c.codes.system("incident", c.ods), c.incident)), c.a());
  e.AddMember("status", rapidjson::StringRef(end.empty() ? "in-progress" : "finished"), c.a());
  J history(rapidjson::kArrayType);
  if (!call.empty() && !scene.empty()) {
    J h(rapidjson::kObjectType);
    h.AddMember("status", "planned", c.a());
    h.AddMember("period", period(c, call, scene), c.a());
    history.PushBack(h, c.a());
  }
  if (!scene.empty()) {
    J h(rapidjson::kObjectType);
    h.AddMember("status", "in-progress", c.a());
    h.AddMember("period", period(c, scene, end), c.a());
    history.PushBack(h, c.a());
  }
  if (!history.Empty()) e.AddMember("statusHistory", history, c.a());
  J cls(rapidjson::kObjectType);
  cls.AddMember("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode", c.a());
  cls.AddMember("code", "EMER", c.a());
  cls.AddMember("display", "emergency", c.a());
  e.AddMember("class", cls, c.a());
  c.link(e, "subject", nullptr);
  // The crew take part from being mobile to the end of the call.
  J parts(rapidjson::kArrayType);
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    if (c.entries[i].type != "Practitioner") continue;
    J p(rapidjson::kObjectType);
    p.AddMember("individual", c.ref(static_cast<int>(i)), c.a());
    if (!mobile.empty() || !end.empty()) p.AddMember("period", period(c, first(mobile, scene), end), c.a());
    parts.PushBack(p, c.a());
  }
  if (!parts.Empty()) e.AddMember("participant", parts, c.a());
  std::string start = first(call, first(mobile, scene));
  if (!start.empty() || !end.empty()) e.AddMember("period", period(c, start, end), c.a());
  J locations(rapidjson::kArrayType);
  if (!scene.empty()) {
    J l(rapidjson::kObjectType), where(rapidjson::kObjectType);
    where.AddMember("display", "Incident scene", c.a());
    l.AddMember("location", where, c.a());
    l.AddMember("status", "completed", c.a());
    l.AddMember("period", period(c, scene, left), c.a());
    locations.PushBack(l, c.a());
  }
  if (conveyed && !dest.empty()) {
    J l(rapidjson::kObjectType);
    l.AddMember("location", ods_reference(c, dest, dest_name), c.a());
    l.AddMember("status", "completed", c.a());
    if (!arrived.empty() || !handover.empty()) l.AddMember("period", period(c, arrived, handover), c.a());
    locations.PushBack(l, c.a());
    // The journey itself (UK Core's encounter transport): by ambulance, leaving scene to arriving.
    if (const Coding* amb = c.codes.lookup("transport", "ambulance"); amb && (!left.empty() || !arrived.empty())) {
      J ext(rapidjson::kObjectType), subs(rapidjson::kArrayType), type(rapidjson::kObjectType), when(rapidjson::kObjectType);
      type.AddMember("url", "transportType", c.a());
      type.AddMember("valueCodeableConcept", c.codeable({*amb}, ""), c.a());
      when.AddMember("url", "transportPeriod", c.a());
      when.AddMember("valuePeriod", period(c, left, arrived), c.a());
      subs.PushBack(type, c.a());
      subs.PushBack(when, c.a());
      ext.AddMember("extension", subs, c.a());
      ext.AddMember("url", c.str(kEncounterTransport), c.a());
      e.AddMember("extension", one(c, std::move(ext)), c.a());
    }
  }
  if (!locations.Empty()) e.AddMember("location", locations, c.a());
  if (outcome || (conveyed && !dest.empty())) {
    J hosp(rapidjson::kObjectType);
    if (conveyed && !dest.empty()) hosp.AddMember("destination", ods_reference(c, dest, dest_name), c.a());
    if (outcome) hosp.AddMember("dischargeDisposition", how ? c.codeable({*how}, "") : c.codeable({}, outcome->text), c.a());
    e.AddMember("hospitalization", hosp, c.a());
  }
  if (c.service >= 0) e.AddMember("serviceProvider", c.ref(c.service), c.a());
  c.encounter = c.add("Encounter", std::move(e), Write::Upsert);
}

void add_care(Ctx& c) {
  const Record& r = c.r;
  std::string recorded = first(text_of(r, "incident.handover"), text_of(r, "incident.at_scene"));
  const Value* code = r.get("impression.code");
  std::string impression = text_of(r, "impression.text");
  if (code || !impression.empty()) {
    J cond(rapidjson::kObjectType);
    cond.AddMember("resourceType", "Condition", c.a());
    cond.AddMember("identifier", one(c, c.record_identifier("impression")), c.a());
    cond.AddMember("clinicalStatus", coded(c, "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"), c.a());
    cond.AddMember("verificationStatus", coded(c, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "provisional", "Provisional"), c.a());
    cond.AddMember("category",
                   one(c, coded(c, "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis")),
                   c.a());
    std::vector<Coding> codings;
    if (code) codings.push_back(Coding{"http://snomed.info/sct", code->text, ""});
    cond.AddMember("code", c.codeable(codings, impression), c.a());
    c.link(cond, "subject", "encounter");
    if (!recorded.empty()) cond.AddMember("recordedDate", c.str(recorded), c.a());
    if (c.first_crew >= 0) cond.AddMember("recorder", c.ref(c.first_crew), c.a());
    int e = c.add("Condition", std::move(cond), Write::Upsert);
    if (c.encounter >= 0) {
      J diag(rapidjson::kObjectType);
      diag.AddMember("condition", c.ref(e), c.a());
      mapping::set_path(c.entries[static_cast<std::size_t>(c.encounter)].res, "diagnosis[]", std::move(diag), c.a());
    }
  }
  if (auto meds = r.lists.find("medications"); meds != r.lists.end()) {
    for (std::size_t n = 0; n < meds->second.size(); ++n) {
      const Fields& f = meds->second[n];
      std::string at = "medications[" + std::to_string(n + 1) + "]";
      J m(rapidjson::kObjectType);
      m.AddMember("resourceType", "MedicationAdministration", c.a());
      m.AddMember("identifier", one(c, c.record_identifier("medication/" + std::to_string(n + 1))), c.a());
      m.AddMember("status", "completed", c.a());
      std::vector<Coding> drug;
      if (std::string dmd = field(f, "code"); !dmd.empty()) drug.push_back(Coding{"http://snomed.info/sct", dmd, ""});
      std::string name = field(f, "name");
      if (drug.empty() && name.empty()) c.d.warning("required", at, "a medication given without its name or code");
      m.AddMember("medicationCodeableConcept", c.codeable(drug, name.empty() ? "medication not named" : name), c.a());
      c.link(m, "subject", "context");
      if (std::string when = field(f, "time"); !when.empty()) {
        m.AddMember("effectiveDateTime", c.str(when), c.a());
      } else {
        // Given some time while the crew were with the patient: that span, not a made-up time.
        c.d.warning("required", at, "a medication given without the time: recorded as given during the call");
        m.AddMember("effectivePeriod", period(c, first(text_of(r, "incident.at_scene"), text_of(r, "incident.call")), recorded), c.a());
      }
      if (c.first_crew >= 0) {
        J perf(rapidjson::kObjectType);
        perf.AddMember("actor", c.ref(c.first_crew), c.a());
        m.AddMember("performer", one(c, std::move(perf)), c.a());
      }
      J dosage(rapidjson::kObjectType);
      if (auto route = f.find("route"); route != f.end()) {
        const Coding* rc = c.codes.lookup("route", route->second.text);
        if (!rc) c.d.warning("code-invalid", route->second.at, "route '" + route->second.text + "' is not known to the map: kept as text");
        dosage.AddMember("route", rc ? c.codeable({*rc}, "") : c.codeable({}, route->second.text), c.a());
      }
      if (auto dose = f.find("dose"); dose != f.end()) {
        std::string num = c.number(dose->second, "dose");
        std::string unit = field(f, "unit");
        const Coding* uc = c.codes.lookup("unit", unit);
        if (!num.empty()) dosage.AddMember("dose", c.quantity(num, uc ? uc->display : unit, uc ? uc->code : ""), c.a());
      }
      if (dosage.MemberCount()) m.AddMember("dosage", dosage, c.a());
      c.add("MedicationAdministration", std::move(m), Write::Upsert);
    }
  }
  if (auto sg = r.lists.find("safeguarding"); sg != r.lists.end()) {
    for (std::size_t n = 0; n < sg->second.size(); ++n) {
      const Fields& f = sg->second[n];
      J flag(rapidjson::kObjectType);
      flag.AddMember("resourceType", "Flag", c.a());
      flag.AddMember("identifier", one(c, c.record_identifier("safeguarding/" + std::to_string(n + 1))), c.a());
      flag.AddMember("status", "active", c.a());
      flag.AddMember("category", one(c, coded(c, "http://terminology.hl7.org/CodeSystem/flag-category", "safety", "Safety")), c.a());
      std::string category = field(f, "category");
      const Coding* cc = c.codes.lookup("safeguarding", category);
      std::string text = field(f, "concern");
      if (text.empty()) text = cc ? cc->display : "Safeguarding concern";
      if (field(f, "referred") == "true") text += " (safeguarding referral made)";
      flag.AddMember("code", c.codeable(cc ? std::vector<Coding>{*cc} : std::vector<Coding>{}, text), c.a());
      c.link(flag, "subject", "encounter");
      if (!recorded.empty()) flag.AddMember("period", period(c, recorded, ""), c.a());
      if (c.service >= 0) flag.AddMember("author", c.ref(c.service), c.a());
      c.add("Flag", std::move(flag), Write::Upsert);
    }
  }
}

}  // namespace hidewire::plugins::ambulance
