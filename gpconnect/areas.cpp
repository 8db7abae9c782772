#include "gpconnect/areas.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace hidewire::gpconnect {
namespace {

constexpr std::string_view kConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";

bool in_error(const Item& i) {
  return text_at(i.doc, "status") == "entered-in-error" || has_code(member(i.doc, "verificationStatus"), "entered-in-error");
}

std::vector<const Item*> live(const Record& r, std::string_view type) {
  std::vector<const Item*> out;
  for (const Item* i : r.of_type(type))
    if (!in_error(*i)) out.push_back(i);
  return out;
}

std::string day(const std::string& s) { return s.substr(0, 10); }

std::vector<std::string> refs_at(const Json& r, const char* field) {
  std::vector<std::string> out;
  const Json* v = member(r, field);
  if (!v) return out;
  if (v->IsArray()) {
    for (const Json& x : v->GetArray())
      if (std::string k = reference_key(&x); !k.empty()) out.push_back(k);
  } else if (std::string k = reference_key(v); !k.empty()) {
    out.push_back(k);
  }
  return out;
}

void allergies(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section active{"886921000000105", "Allergies and adverse reactions", "Allergies and adverse reactions", {}, {}, nullptr};
  Section ended{"1103671000000101", "Ended allergies", "Ended allergies", {}, {}, nullptr};
  for (const Item* i : live(r, "AllergyIntolerance")) {
    std::string status = first_code(member(i->doc, "clinicalStatus"));
    (status == "resolved" || status == "inactive" ? ended : active).listed.push_back(i);
  }
  out.push_back(std::move(active));
  if (q.resolved_allergies) out.push_back(std::move(ended));
}

void medication(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"933361000000108", "Medications and medical devices", "Medications and medical devices", {}, {}, nullptr};
  const std::string& from = q.medication_from;
  std::set<std::string> plans_named, plans_kept;
  for (const Item* i : live(r, "MedicationStatement")) {
    for (const std::string& k : refs_at(i->doc, "basedOn")) plans_named.insert(k);
    // Active on or after the date: taken then, or a course not ended before it.
    std::string when = first_text(i->doc, {"effectiveDateTime", "effectivePeriod.end"});
    if (!from.empty() && !when.empty() && day(when) < from) continue;
    s.listed.push_back(i);
    for (const std::string& k : refs_at(i->doc, "basedOn")) plans_kept.insert(k);
  }
  std::vector<const Item*> requests = live(r, "MedicationRequest");
  for (const Item* i : requests) {
    if (text_at(i->doc, "intent") != "plan") continue;
    bool keep = plans_kept.count(i->key) > 0;
    if (!keep && !plans_named.count(i->key)) {  // an authorisation no statement names: its own validity decides
      std::string end = text_at(i->doc, "dispenseRequest.validityPeriod.end");
      keep = from.empty() || end.empty() || day(end) >= from;
    }
    if (!keep) continue;
    s.also.push_back(i);
    plans_kept.insert(i->key);
  }
  if (q.prescription_issues) {
    for (const Item* i : requests) {
      if (text_at(i->doc, "intent") != "order") continue;
      std::vector<std::string> plan = refs_at(i->doc, "basedOn");
      bool of_kept = std::any_of(plan.begin(), plan.end(), [&](const std::string& k) { return plans_kept.count(k) > 0; });
      std::string authored = text_at(i->doc, "authoredOn");
      if ((plan.empty() || of_kept) && (from.empty() || (!authored.empty() && day(authored) >= from))) s.also.push_back(i);
    }
  }
  out.push_back(std::move(s));
}

bool url_ends(const std::string& url, std::string_view tail) {
  return url.size() >= tail.size() && url.compare(url.size() - tail.size(), tail.size(), tail) == 0;
}

void problems(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"717711000000103", "Problems", "Problems", {}, {}, nullptr};
  static const std::set<std::string> active{"active", "recurrence", "relapse"};
  for (const Item* i : live(r, "Condition")) {
    const Json* cat = member(i->doc, "category");
    if (cat && !has_code(cat, "problem-list-item", kConditionCategory)) continue;  // encounter diagnoses go with their consultation
    std::string status = first_code(member(i->doc, "clinicalStatus"));
    if (!q.problem_status.empty() && (q.problem_status == "active") != (active.count(status) > 0)) continue;
    if (!q.problem_significance.empty()) {
      std::string sig = "minor";
      const Json* exts = member(i->doc, "extension");
      if (exts && exts->IsArray())
        for (const Json& e : exts->GetArray())
          if (url_ends(text_at(e, "url"), "ProblemSignificance")) sig = text_at(e, "valueCode");
      if (sig != q.problem_significance) continue;
    }
    s.listed.push_back(i);
    // The clinical item the problem is about (GP Connect's actual problem) comes with it.
    const Json* exts = member(i->doc, "extension");
    if (exts && exts->IsArray())
      for (const Json& e : exts->GetArray())
        if (url_ends(text_at(e, "url"), "ActualProblem"))
          if (const Item* x = r.find(reference_key(member(e, "valueReference"))); x && !in_error(*x)) s.also.push_back(x);
  }
  out.push_back(std::move(s));
}

std::string encounter_of(const Item& i) {
  std::string k = reference_key(member(i.doc, "encounter"));
  if (k.empty()) k = reference_key(member(i.doc, "context"));  // MedicationStatement.context
  return k.rfind("Encounter/", 0) == 0 ? k : std::string();
}

void consultations(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section all{"1149501000000101", "List of consultations", "List of consultations", {}, {}, nullptr};
  std::vector<std::pair<std::string, const Item*>> dated;
  for (const Item* i : live(r, "Encounter")) {
    std::string start = text_at(i->doc, "period.start");
    const DayRange& p = q.consultation_period;
    if ((!p.start.empty() || !p.end.empty()) && !p.contains(start)) continue;
    dated.emplace_back(start, i);
  }
  std::stable_sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });  // most recent first
  if (q.most_recent && dated.size() > static_cast<std::size_t>(q.most_recent)) dated.resize(static_cast<std::size_t>(q.most_recent));
  std::map<std::string, std::vector<const Item*>> contents;  // one pass over the record, not one per consultation
  for (const auto& i : r.items())
    if (i->type() != "Encounter" && i->type() != "Patient" && !in_error(*i))
      if (std::string e = encounter_of(*i); !e.empty()) contents[e].push_back(i.get());
  std::vector<Section> each;
  for (const auto& [start, e] : dated) {
    all.listed.push_back(e);
    Section c{"325851000000107", "Consultation encounter type", "Consultation", contents[e->key], {}, e};
    each.push_back(std::move(c));
  }
  out.push_back(std::move(all));
  for (auto& c : each) out.push_back(std::move(c));
}

// Observations in a report, and the members of a panel: in the Bundle with what holds them.
void members(const Record& r, const std::string& key, std::vector<const Item*>& into, std::set<std::string>& seen) {
  const Item* i = r.find(key);
  if (!i || !seen.insert(key).second) return;
  into.push_back(i);
  for (const std::string& m : refs_at(i->doc, "hasMember")) members(r, m, into, seen);
}

void investigations(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"887191000000108", "Investigations and results", "Investigations and results", {}, {}, nullptr};
  std::set<std::string> seen;
  const DayRange& p = q.investigation_period;
  for (const Item* i : live(r, "DiagnosticReport")) {
    std::string when = first_text(i->doc, {"effectiveDateTime", "effectivePeriod.start", "issued"});
    if ((!p.start.empty() || !p.end.empty()) && !p.contains(when)) continue;
    s.listed.push_back(i);
    for (const std::string& k : refs_at(i->doc, "result")) members(r, k, s.also, seen);
    for (const char* f : {"specimen", "basedOn"})
      for (const std::string& k : refs_at(i->doc, f))
        if (const Item* x = r.find(k); x && seen.insert(k).second) s.also.push_back(x);
  }
  out.push_back(std::move(s));
}

void uncategorised(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"826501000000100", "Miscellaneous record", "Miscellaneous record", {}, {}, nullptr};
  std::set<std::string> held;  // in a report, or a member of a panel
  for (const Item* i : r.of_type("DiagnosticReport"))
    for (const std::string& k : refs_at(i->doc, "result")) held.insert(k);
  for (const Item* i : r.of_type("Observation"))
    for (const std::string& k : refs_at(i->doc, "hasMember")) held.insert(k);
  std::set<std::string> seen;
  const DayRange& p = q.uncategorised_period;
  for (const Item* i : live(r, "Observation")) {
    if (held.count(i->key)) continue;
    std::string when = first_text(i->doc, {"effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"});
    if ((!p.start.empty() || !p.end.empty()) && !p.contains(when)) continue;
    s.listed.push_back(i);
    seen.insert(i->key);
    for (const std::string& m : refs_at(i->doc, "hasMember")) members(r, m, s.also, seen);
  }
  out.push_back(std::move(s));
}

std::set<std::string> report_requests(const Record& r) {
  std::set<std::string> out;
  for (const Item* i : r.of_type("DiagnosticReport"))
    for (const std::string& k : refs_at(i->doc, "basedOn")) out.insert(k);
  return out;
}

void referrals(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"792931000000107", "Outbound referral", "Outbound referral", {}, {}, nullptr};
  static const std::set<std::string> orders{"order", "original-order", "reflex-order", "filler-order", "instance-order"};
  std::set<std::string> tests = report_requests(r);
  const DayRange& p = q.referral_period;
  for (const Item* i : live(r, "ServiceRequest")) {
    if (!orders.count(text_at(i->doc, "intent")) || tests.count(i->key)) continue;
    const Json* cat = member(i->doc, "category");
    if (cat && !has_code(cat, "3457005", "http://snomed.info/sct")) continue;  // a test order, not a referral
    if ((!p.start.empty() || !p.end.empty()) && !p.contains(text_at(i->doc, "authoredOn"))) continue;
    s.listed.push_back(i);
  }
  out.push_back(std::move(s));
}

void diary(const Record& r, const StructuredQuery& q, std::vector<Section>& out) {
  Section s{"714311000000108", "Patient recall administration", "Diary entries", {}, {}, nullptr};
  for (const Item* i : live(r, "ServiceRequest")) {
    if (text_at(i->doc, "intent") != "plan") continue;
    std::string when = first_text(i->doc, {"occurrenceDateTime", "occurrencePeriod.start", "authoredOn"});
    if (!q.diary_until.empty() && (when.empty() || day(when) > q.diary_until)) continue;
    s.listed.push_back(i);
  }
  out.push_back(std::move(s));
}

}  // namespace

std::vector<Section> select_sections(const Record& r, const StructuredQuery& q) {
  std::vector<Section> out;
  if (q.allergies) allergies(r, q, out);
  if (q.medication) medication(r, q, out);
  if (q.problems) problems(r, q, out);
  if (q.consultations) consultations(r, q, out);
  if (q.immunisations) {
    out.push_back({"1102181000000102", "Immunisations", "Immunisations", live(r, "Immunization"), {}, nullptr});
  }
  if (q.investigations) investigations(r, q, out);
  if (q.uncategorised) uncategorised(r, q, out);
  if (q.referrals) referrals(r, q, out);
  if (q.diary) diary(r, q, out);
  return out;
}

}  // namespace hidewire::gpconnect
