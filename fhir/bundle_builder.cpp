#include "fhir/bundle_builder.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "fhir/nhs_number.hpp"

namespace hidewire::fhir::build {
namespace {

// Lower case, zero-padded, written in place (snprintf was 5% of a conversion).
char* hex(char* out, std::uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[i] = "0123456789abcdef"[v & 15];
  return out + digits;
}

Json str(std::string_view s, Alloc& a) { return Json(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

}  // namespace

std::string stable_uuid(const std::string& seed, std::size_t n) {
  // FNV-1a of "seed#n", from two offsets: the key is hashed as it would be written, not built.
  char num[24];
  auto [num_end, ec] = std::to_chars(num, num + sizeof num, n);
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : seed) h = (h ^ c) * 0x100000001B3ull;
    h = (h ^ static_cast<unsigned char>('#')) * 0x100000001B3ull;
    for (const char* p = num; p != num_end; ++p) h = (h ^ static_cast<unsigned char>(*p)) * 0x100000001B3ull;
    return h;
  };
  std::uint64_t a = fnv(0xCBF29CE484222325ull), b = fnv(0x84222325CBF29CE4ull);
  std::string out(45, '-');  // urn:uuid: and 8-4-4-4-12
  char* p = out.data();
  std::memcpy(p, "urn:uuid:", 9);
  p = hex(p + 9, a >> 32, 8);
  p = hex(p + 1, (a >> 16) & 0xFFFF, 4);
  *++p = '4';
  p = hex(p + 1, a & 0xFFF, 3);
  p = hex(p + 1, 0x8000 | (b >> 48 & 0x3FFF), 4);
  hex(p + 1, b & 0xFFFFFFFFFFFFull, 12);
  return out;
}

LinkPaths link_paths(std::string_view type) {
  struct Row {
    std::string_view type;
    LinkPaths paths;
  };
  static constexpr Row kRows[] = {
      {"Encounter", {"subject", nullptr}},
      {"Observation", {"subject", "encounter"}},
      {"DiagnosticReport", {"subject", "encounter"}},
      {"Condition", {"subject", "encounter"}},
      {"AllergyIntolerance", {"patient", "encounter"}},
      {"RelatedPerson", {"patient", nullptr}},
      {"DocumentReference", {"subject", "context.encounter[]"}},
      {"ServiceRequest", {"subject", "encounter"}},
      {"Appointment", {"participant[]", nullptr}},
      {"Immunization", {"patient", "encounter"}},
      {"MedicationRequest", {"subject", "encounter"}},
      {"MedicationDispense", {"subject", "context"}},
      {"ChargeItem", {"subject", "context"}},
      {"Coverage", {"beneficiary", nullptr}},
      {"Account", {"subject[]", nullptr}},
      {"Procedure", {"subject", "encounter"}},
      {"Specimen", {"subject", nullptr}},
  };
  for (const Row& r : kRows)
    if (r.type == type) return r.paths;
  return {};
}

std::string nhs_number_of(const Json& patient) {
  auto ids = patient.FindMember("identifier");
  if (ids == patient.MemberEnd() || !ids->value.IsArray()) return {};
  for (const Json& id : ids->value.GetArray())
    if (id.IsObject() && id.HasMember("system") && id["system"].IsString() && id["system"].GetString() == kNhsNumberSystem &&
        id.HasMember("value") && id["value"].IsString())
      return id["value"].GetString();
  return {};
}

namespace {
void append_query_value(std::string& out, std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || std::strchr("-._~:/@!$'()*,;", ch) != nullptr) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}
}  // namespace

std::string encode_query_value(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_query_value(out, s);
  return out;
}

std::string decode_query_value(std::string_view s) {
  auto hex = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10); };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string conditional_url(std::string_view type, const Json& res, std::string_view nhs_number) {
  std::string out;
  auto start = [&](std::size_t more) {
    out.reserve(type.size() + 12 + more);
    out.append(type).append("?identifier=");
  };
  if (type == "Patient" && !nhs_number.empty()) {
    start(kNhsNumberSystem.size() + 1 + nhs_number.size());
    out.append(kNhsNumberSystem).append(1, '|').append(nhs_number);
    return out;
  }
  for (const char* key : {"identifier", "masterIdentifier"}) {
    auto it = res.FindMember(key);
    if (it == res.MemberEnd()) continue;
    const Json& id = it->value.IsArray() ? (it->value.Empty() ? it->value : it->value[0]) : it->value;
    if (!id.IsObject()) continue;
    auto system = id.FindMember("system"), value = id.FindMember("value");
    if (system == id.MemberEnd() || value == id.MemberEnd() || !system->value.IsString() || !value->value.IsString()) continue;
    std::string_view sys(system->value.GetString()), val(value->value.GetString());  // as C strings, as always read
    start(sys.size() + 1 + val.size());
    append_query_value(out, sys);
    out += '|';
    append_query_value(out, val);
    return out;
  }
  return {};
}

std::string_view uk_core_profile(std::string_view type) {
  // UK Core 2.0.0's resource profiles (tests/data/uk-core), by the type they constrain.
  static constexpr std::string_view kTypes[] = {
      "AllergyIntolerance", "Appointment", "AuditEvent", "BodyStructure", "Bundle", "CarePlan", "CareTeam",
      "Communication", "Composition", "Condition", "Consent", "Device", "DiagnosticReport", "DocumentReference",
      "Encounter", "EpisodeOfCare", "FamilyMemberHistory", "Flag", "HealthcareService", "ImagingStudy", "Immunization",
      "List", "Location", "Medication", "MedicationAdministration", "MedicationDispense", "MedicationRequest",
      "MedicationStatement", "MessageHeader", "Observation", "OperationOutcome", "Organization",
      "OrganizationAffiliation", "Patient", "Practitioner", "PractitionerRole", "Procedure", "Provenance",
      "Questionnaire", "QuestionnaireResponse", "RelatedPerson", "RequestGroup", "Schedule", "ServiceRequest", "Slot",
      "Specimen", "Subscription", "Task"};
  // Hashed once: a scan of the list was asked for every resource of every Bundle.
  static const std::unordered_map<std::string_view, std::string> kUrls = [] {
    std::unordered_map<std::string_view, std::string> m;
    for (std::string_view t : kTypes) m.emplace(t, "https://fhir.hl7.org.uk/StructureDefinition/UKCore-" + std::string(t));
    return m;
  }();
  auto it = kUrls.find(type);
  return it == kUrls.end() ? std::string_view() : std::string_view(it->second);
}

void declare_uk_core(Json& resource, std::string_view type, Alloc& a) {
  std::string_view url = uk_core_profile(type);
  if (url.empty() || !resource.IsObject()) return;
  auto meta_it = resource.FindMember("meta");
  if (meta_it == resource.MemberEnd()) {
    resource.AddMember("meta", Json(rapidjson::kObjectType), a);
    meta_it = resource.MemberEnd() - 1;
  }
  Json& meta = meta_it->value;
  if (!meta.IsObject()) return;
  auto list_it = meta.FindMember("profile");
  if (list_it == meta.MemberEnd()) {
    meta.AddMember("profile", Json(rapidjson::kArrayType), a);
    list_it = meta.MemberEnd() - 1;
  }
  Json& list = list_it->value;
  if (!list.IsArray()) return;
  for (const Json& p : list.GetArray())
    if (p.IsString() && std::string_view(p.GetString(), p.GetStringLength()) == url) return;
  list.PushBack(Json(rapidjson::StringRef(url.data(), url.size())), a);
}

Json transaction_entry(const std::string& full_url, std::string_view type, Json resource, const std::string& url, Write write, Alloc& a,
                       bool declare) {
  if (url.empty()) write = Write::Create;
  if (declare) declare_uk_core(resource, type, a);
  Json entry(rapidjson::kObjectType), req(rapidjson::kObjectType);
  entry.AddMember("fullUrl", str(full_url, a), a);
  entry.AddMember("resource", resource, a);
  req.AddMember("method", rapidjson::StringRef(write == Write::Upsert ? "PUT" : "POST"), a);
  req.AddMember("url", write == Write::Upsert ? str(url, a) : str(type, a), a);
  if (write == Write::CreateIfAbsent) req.AddMember("ifNoneExist", str(std::string_view(url).substr(url.find('?') + 1), a), a);
  entry.AddMember("request", req, a);
  return entry;
}

Json provenance(const std::vector<std::string>& targets, const Source& s, Alloc& a) {
  Json p(rapidjson::kObjectType), list(rapidjson::kArrayType);
  p.AddMember("resourceType", "Provenance", a);
  for (const std::string& t : targets) {
    Json ref(rapidjson::kObjectType);
    ref.AddMember("reference", str(t, a), a);
    list.PushBack(ref, a);
  }
  if (!targets.empty()) p.AddMember("target", list, a);  // FHIR has no empty arrays
  p.AddMember("recorded", str(s.recorded, a), a);
  Json agent(rapidjson::kObjectType), who(rapidjson::kObjectType), agents(rapidjson::kArrayType);
  who.AddMember("display", str(s.agent, a), a);
  agent.AddMember("who", who, a);
  if (!s.organisation_ods.empty()) {
    Json org(rapidjson::kObjectType), oid(rapidjson::kObjectType);
    oid.AddMember("system", rapidjson::StringRef(kOdsSystem), a);
    oid.AddMember("value", str(s.organisation_ods, a), a);
    org.AddMember("type", "Organization", a);
    org.AddMember("identifier", oid, a);
    agent.AddMember("onBehalfOf", org, a);
  }
  agents.PushBack(agent, a);
  p.AddMember("agent", agents, a);
  Json entity(rapidjson::kObjectType), what(rapidjson::kObjectType), wid(rapidjson::kObjectType), entities(rapidjson::kArrayType);
  wid.AddMember("system", str(s.id_system, a), a);
  wid.AddMember("value", str(s.id_value, a), a);
  what.AddMember("identifier", wid, a);
  what.AddMember("display", str(s.display, a), a);
  entity.AddMember("role", "source", a);
  entity.AddMember("what", what, a);
  entities.PushBack(entity, a);
  p.AddMember("entity", entities, a);
  return p;
}

Json transaction_bundle(std::vector<Json>& entries, const std::string& timestamp, Alloc& a) {
  Json b(rapidjson::kObjectType), list(rapidjson::kArrayType);
  b.AddMember("resourceType", "Bundle", a);
  b.AddMember("type", "transaction", a);
  if (!timestamp.empty()) b.AddMember("timestamp", str(timestamp, a), a);
  for (Json& e : entries) list.PushBack(e, a);
  b.AddMember("entry", list, a);
  return b;
}

}  // namespace hidewire::fhir::build
