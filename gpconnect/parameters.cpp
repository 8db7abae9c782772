#include "gpconnect/parameters.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <set>

#include "fhir/nhs_number.hpp"

namespace hidewire::gpconnect {
namespace {

using Json = rapidjson::Value;

const Json* member(const Json& o, const char* key) {
  auto it = o.FindMember(key);
  return it == o.MemberEnd() ? nullptr : &it->value;
}

// The value[x] member of a parameter or part: its key, or empty when it has none.
std::string value_key(const Json& p) {
  for (auto it = p.MemberBegin(); it != p.MemberEnd(); ++it) {
    std::string k(it->name.GetString(), it->name.GetStringLength());
    if (k.rfind("value", 0) == 0) return k;
  }
  return {};
}

bool digits(const std::string& s, std::size_t from, std::size_t n) {
  for (std::size_t i = from; i < from + n; ++i)
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  return true;
}

// A whole calendar date YYYY-MM-DD (not a year, a month or a dateTime).
bool full_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4) || !digits(s, 5, 2) || !digits(s, 8, 2)) return false;
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

struct Reader {
  const std::string& today;
  std::optional<Error> error;

  bool fail(const std::string& why) {
    if (!error) error = invalid_parameter(why);
    return false;
  }
  // The part's value of the one type it takes, or null (and the error) when it has another.
  const Json* typed(const Json& part, const std::string& name, const char* key) {
    std::string k = value_key(part);
    const Json* v = k == key ? member(part, key) : nullptr;
    if (!v) fail(name + " must have a " + key);
    return v;
  }
  bool date(const Json& part, const std::string& name, std::string& out, bool future_allowed) {
    const Json* v = typed(part, name, "valueDate");
    if (!v) return false;
    std::string s = v->IsString() ? v->GetString() : "";
    if (!full_date(s)) return fail(name + " must be a full date (YYYY-MM-DD), not a partial date or a dateTime");
    if (!future_allowed && s > today) return fail(name + " must not be in the future");
    out = s;
    return true;
  }
  bool boolean(const Json& part, const std::string& name, bool& out) {
    const Json* v = typed(part, name, "valueBoolean");
    if (!v) return false;
    if (!v->IsBool()) return fail(name + " must be true or false");
    out = v->GetBool();
    return true;
  }
  bool code(const Json& part, const std::string& name, std::string& out, std::initializer_list<const char*> allowed) {
    const Json* v = typed(part, name, "valueCode");
    if (!v) return false;
    std::string s = v->IsString() ? v->GetString() : "";
    std::string list;
    for (const char* a : allowed) {
      if (s == a) {
        out = s;
        return true;
      }
      list += (list.empty() ? "" : " or ") + std::string(a);
    }
    return fail(name + " must be " + list);
  }
  bool period(const Json& part, const std::string& name, DayRange& out) {
    const Json* v = typed(part, name, "valuePeriod");
    if (!v) return false;
    if (!v->IsObject()) return fail(name + " must be a Period");
    for (const char* bound : {"start", "end"}) {
      const Json* b = member(*v, bound);
      if (!b) continue;
      std::string s = b->IsString() ? b->GetString() : "";
      std::string where = name + "." + bound;
      if (!full_date(s)) return fail(where + " must be a full date (YYYY-MM-DD), not a partial date or a dateTime");
      if (s > today) return fail(where + " must not be in the future");
      (bound[0] == 's' ? out.start : out.end) = s;
    }
    if (out.start.empty() && out.end.empty()) return fail(name + " must have a start or an end");
    if (!out.start.empty() && !out.end.empty() && out.start > out.end) return fail(name + ": start is after end");
    return true;
  }
};

using PartReader = std::function<bool(const Json& part, const std::string& name)>;

// Reads the parts of one include parameter: each known part once, unknown ones reported.
bool read_parts(Reader& rd, const Json& param, const std::string& pname, const std::map<std::string, PartReader>& known,
                StructuredQuery& q, std::set<std::string>& seen) {
  if (!value_key(param).empty()) return rd.fail(pname + " takes parts, not a value");
  const Json* parts = member(param, "part");
  if (!parts) return true;
  if (!parts->IsArray()) {
    rd.error = invalid_resource(pname + ".part must be an array");
    return false;
  }
  for (const Json& part : parts->GetArray()) {
    const Json* n = part.IsObject() ? member(part, "name") : nullptr;
    if (!n || !n->IsString()) {
      rd.error = invalid_resource(pname + ": a part without a name");
      return false;
    }
    std::string name = pname + "." + n->GetString();
    auto it = known.find(n->GetString());
    if (it == known.end()) {
      q.unsupported.push_back(name);
      continue;
    }
    if (!seen.insert(name).second) return rd.fail(name + " is given more than once");
    if (!it->second(part, name)) return false;
  }
  return true;
}

// The body as a Parameters resource, or the INVALID_RESOURCE error.
std::optional<Error> parameters_of(const std::string& body, rapidjson::Document& doc) {
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return invalid_resource("the body is not a JSON object");
  const Json* type = member(doc, "resourceType");
  if (!type || !type->IsString() || std::string(type->GetString()) != "Parameters")
    return invalid_resource("the body must be a Parameters resource");
  const Json* params = member(doc, "parameter");
  if (params && !params->IsArray()) return invalid_resource("Parameters.parameter must be an array");
  if (params)
    for (const Json& p : params->GetArray())
      if (!p.IsObject() || !member(p, "name") || !(*member(p, "name")).IsString())
        return invalid_resource("every parameter must have a name");
  return std::nullopt;
}

std::optional<Error> read_nhs_number(const Json& p, std::string& out) {
  if (value_key(p) != "valueIdentifier" || !member(p, "valueIdentifier")->IsObject())
    return invalid_parameter("patientNHSNumber must have a valueIdentifier");
  const Json& id = *member(p, "valueIdentifier");
  const Json* sys = member(id, "system");
  const Json* val = member(id, "value");
  if (!sys || !sys->IsString() || std::string_view(sys->GetString()) != fhir::kNhsNumberSystem)
    return invalid_identifier_system(std::string("patientNHSNumber.system must be ") + std::string(fhir::kNhsNumberSystem));
  std::string v = val && val->IsString() ? val->GetString() : "";
  if (std::string why = fhir::check_nhs_number(v); !why.empty()) return invalid_nhs_number("patientNHSNumber is not a valid NHS number: " + why);
  out = v;
  return std::nullopt;
}

}  // namespace

bool DayRange::contains(const std::string& when) const {
  if (when.size() < 10) return false;
  std::string day = when.substr(0, 10);  // the date as recorded (local to the recording system)
  return (start.empty() || day >= start) && (end.empty() || day <= end);
}

std::string StructuredQuery::summary() const {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (on) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(allergies, "includeAllergies");
  add(medication, "includeMedication");
  add(problems, "includeProblems");
  add(consultations, "includeConsultations");
  add(immunisations, "includeImmunisations");
  add(investigations, "includeInvestigations");
  add(referrals, "includeReferrals");
  add(uncategorised, "includeUncategorisedData");
  add(diary, "includeDiaryEntries");
  return s;
}

QueryResult parse_structured_query(const std::string& body, const std::string& today) {
  QueryResult out;
  rapidjson::Document doc;
  if ((out.error = parameters_of(body, doc))) return out;
  StructuredQuery& q = out.query;
  Reader rd{today, std::nullopt};
  std::set<std::string> seen;
  bool has_nhs = false, resolved_given = false;
  const Json* params = member(doc, "parameter");
  using P = std::map<std::string, PartReader>;
  P allergies{{"includeResolvedAllergies", [&](const Json& p, const std::string& n) {
                 resolved_given = true;
                 return rd.boolean(p, n, q.resolved_allergies);
               }}};
  P medication{{"includePrescriptionIssues", [&](const Json& p, const std::string& n) { return rd.boolean(p, n, q.prescription_issues); }},
               {"medicationSearchFromDate", [&](const Json& p, const std::string& n) { return rd.date(p, n, q.medication_from, false); }}};
  P problems{{"filterStatus", [&](const Json& p, const std::string& n) { return rd.code(p, n, q.problem_status, {"active", "inactive"}); }},
             {"filterSignificance", [&](const Json& p, const std::string& n) { return rd.code(p, n, q.problem_significance, {"major", "minor"}); }}};
  P consultations{{"consultationSearchPeriod", [&](const Json& p, const std::string& n) { return rd.period(p, n, q.consultation_period); }},
                  {"includeNumberOfMostRecent", [&](const Json& p, const std::string& n) {
                     const Json* v = rd.typed(p, n, "valuePositiveInt");
                     if (!v) return false;
                     if (!v->IsInt() || v->GetInt() < 1) return rd.fail(n + " must be a whole number of at least 1");
                     q.most_recent = v->GetInt();
                     return true;
                   }}};
  P none;
  P investigations{{"investigationSearchPeriod", [&](const Json& p, const std::string& n) { return rd.period(p, n, q.investigation_period); }}};
  P referrals{{"referralSearchPeriod", [&](const Json& p, const std::string& n) { return rd.period(p, n, q.referral_period); }}};
  P uncategorised{{"uncategorisedDataSearchPeriod", [&](const Json& p, const std::string& n) { return rd.period(p, n, q.uncategorised_period); }}};
  P diary{{"diaryEntriesSearchDate", [&](const Json& p, const std::string& n) { return rd.date(p, n, q.diary_until, true); }}};
  struct Include {
    bool* on;
    const P* parts;
  };
  const std::map<std::string, Include> includes{
      {"includeAllergies", {&q.allergies, &allergies}},           {"includeMedication", {&q.medication, &medication}},
      {"includeProblems", {&q.problems, &problems}},              {"includeConsultations", {&q.consultations, &consultations}},
      {"includeImmunisations", {&q.immunisations, &none}},        {"includeInvestigations", {&q.investigations, &investigations}},
      {"includeReferrals", {&q.referrals, &referrals}},           {"includeUncategorisedData", {&q.uncategorised, &uncategorised}},
      {"includeDiaryEntries", {&q.diary, &diary}}};
  if (params) {
    for (const Json& p : params->GetArray()) {
      std::string name = p["name"].GetString();
      if (name == "patientNHSNumber") {
        if (has_nhs) return out.error = invalid_parameter("patientNHSNumber is given more than once"), out;
        has_nhs = true;
        if ((out.error = read_nhs_number(p, q.nhs_number))) return out;
        continue;
      }
      auto inc = includes.find(name);
      if (inc == includes.end()) {
        q.unsupported.push_back(name);
        continue;
      }
      if (*inc->second.on) return out.error = invalid_parameter(name + " is given more than once"), out;
      *inc->second.on = true;
      if (!read_parts(rd, p, name, *inc->second.parts, q, seen)) return out.error = rd.error, out;
    }
  }
  if (!has_nhs) out.error = invalid_parameter("patientNHSNumber is required");
  else if (q.allergies && !resolved_given) out.error = invalid_parameter("includeAllergies.includeResolvedAllergies is required with includeAllergies");
  else if (q.most_recent && (!q.consultation_period.start.empty() || !q.consultation_period.end.empty()))
    out.error = invalid_parameter("includeConsultations: consultationSearchPeriod and includeNumberOfMostRecent cannot both be given");
  return out;
}

QueryResult parse_nhs_number_only(const std::string& body, const std::string& operation) {
  QueryResult out;
  rapidjson::Document doc;
  if ((out.error = parameters_of(body, doc))) return out;
  const Json* params = member(doc, "parameter");
  bool has = false;
  if (params) {
    for (const Json& p : params->GetArray()) {
      std::string name = p["name"].GetString();
      if (name != "patientNHSNumber") return out.error = invalid_parameter(name + " is not a parameter of $" + operation), out;
      if (has) return out.error = invalid_parameter("patientNHSNumber is given more than once"), out;
      has = true;
      if ((out.error = read_nhs_number(p, out.query.nhs_number))) return out;
    }
  }
  if (!has) out.error = invalid_parameter("patientNHSNumber is required");
  return out;
}

}  // namespace hidewire::gpconnect
