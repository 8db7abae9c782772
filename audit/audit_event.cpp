// The AuditEvent is written as text, straight into one string (no DOM): it is built for every
// request, on the request's thread. tests/audit checks it against the R4 definitions.
#include "audit/audit_event.hpp"

#include <cstdio>
#include <cstring>
#include <string_view>

#include "audit/merkle.hpp"
#include "fhir/json_escape.hpp"
#include "fhir/clock.hpp"

namespace hidewire::audit {
namespace {

using node::Caller;

constexpr std::string_view kOds = "https://fhir.nhs.uk/Id/ods-organization-code";
constexpr std::string_view kNhs = "https://fhir.nhs.uk/Id/nhs-number";
constexpr std::string_view kDcm = "http://dicom.nema.org/resources/ontology/DCM";
constexpr std::string_view kRest = "http://hl7.org/fhir/restful-interaction";
constexpr std::string_view kHidewire = "urn:hidewire:codesystem:audit-interaction";
constexpr std::string_view kActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

struct Interaction {
  std::string_view name;
  char action;
  std::string_view rest;     // restful-interaction code (empty: none)
  std::string_view profile;  // BALP profile, without and with a patient (for a success)
  bool own_code;             // also coded in hidewire's code system (not a RESTful interaction of its own)
};

constexpr Interaction kInteractions[] = {
    {"read", 'R', "read", "Read", false},
    {"vread", 'R', "vread", "Read", false},
    {"history-instance", 'R', "history-instance", "", false},
    {"search-type", 'E', "search-type", "Query", false},
    {"create", 'C', "create", "Create", false},
    {"update", 'U', "update", "Update", false},
    {"delete", 'D', "delete", "Delete", false},
    {"transaction", 'E', "transaction", "", false},
    {"batch", 'E', "batch", "", false},
    {"operation", 'E', "operation", "", false},
    {"export", 'R', "operation", "", true},
    {"submit", 'C', "transaction", "", true},
    {"replay", 'E', "operation", "", true},
    {"match-resolve", 'U', "operation", "", true},  // an operator keyed a held message to a patient
    {"consent-write", 'C', "create", "", true},
    {"audit-read", 'R', "search-type", "", true},
    {"dashboard", 'R', "", "", true},  // a call of the operator's dashboard (/ui/api)
    {"dashboard-sign-in", 'E', "", "", true},
    {"dashboard-sign-out", 'E', "", "", true},
};

const Interaction& find_interaction(std::string_view name) {
  static constexpr Interaction unknown{"", 'E', "", "", true};
  for (const Interaction& i : kInteractions)
    if (i.name == name) return i;
  return unknown;
}

// Appends s as the inside of a JSON string.
void esc(std::string& out, std::string_view s) { out += fhir::json_escape(s); }

// Small builder over one string: "key":"value" pairs and codings.
struct Json {
  std::string& s;
  void str(std::string_view key, std::string_view value) {
    s += '"';
    s += key;
    s += "\":\"";
    esc(s, value);
    s += "\",";
  }
  void coding(std::string_view system, std::string_view code, std::string_view display = {}) {
    s += "{\"system\":\"";
    s += system;
    s += "\",\"code\":\"";
    esc(s, code);
    s += '"';
    if (!display.empty()) {
      s += ",\"display\":\"";
      s += display;
      s += '"';
    }
    s += '}';
  }
  void codeable(std::string_view system, std::string_view code, std::string_view display = {}) {
    s += "{\"coding\":[";
    coding(system, code, display);
    s += "]}";
  }
  void identifier_ref(std::string_view system, std::string_view value, std::string_view display, std::string_view reference = {}) {
    s += '{';
    if (!reference.empty()) str("reference", reference);
    if (!value.empty()) {
      s += "\"identifier\":{";
      if (!system.empty()) str("system", system);
      str("value", value);
      s.back() = '}';
      s += ',';
    }
    if (!display.empty()) str("display", display);
    if (s.back() == '{') str("display", "unknown");  // a Reference says something
    s.back() = '}';
  }
  void close_object() {
    if (s.back() == ',') s.back() = '}';
    else s += '}';
  }
};

// host:port or [v6]:port as the address alone (BALP records the IP address).
std::string_view host_of(std::string_view address) {
  if (!address.empty() && address.front() == '[') {
    auto end = address.find(']');
    return end == std::string_view::npos ? address : address.substr(1, end - 1);
  }
  auto colon = address.rfind(':');
  if (colon != std::string_view::npos && address.find(':') == colon) return address.substr(0, colon);
  return address;
}

struct Purpose {
  std::string_view code, display;
};

Purpose purpose_of(const Caller& c) {
  if (c.purpose == "direct-care") return {"TREAT", "treatment"};
  if (c.purpose == "emergency") return {"ETREAT", "Emergency Treatment"};
  if (c.purpose == "patient-access" || c.kind == Caller::Kind::Patient) return {"PATRQT", "patient requested"};
  if (c.purpose == "secondary-use") return {"HOPERAT", "healthcare operations"};
  return {};
}

void purposes(Json& j, const Caller& c) {
  Purpose p = purpose_of(c);
  bool btg = !c.break_glass_reason.empty();
  if (p.code.empty() && !btg) return;
  if (!p.code.empty()) {
    j.codeable(kActReason, p.code, p.display);
    j.s += ',';
  }
  if (btg) {
    j.codeable(kActReason, "BTG", "break the glass");
    j.s += ',';
  }
  j.s.back() = ']';
}

void client_agent(Json& j, const Caller& c, bool data_to_client) {
  // BALP: whoever the data flows from is the Source Role ID (the server for a read).
  j.s += "{\"type\":";
  if (data_to_client) j.codeable(kDcm, "110152", "Destination Role ID");
  else j.codeable(kDcm, "110153", "Source Role ID");
  j.s += ",\"who\":";
  std::string display = c.describe();
  if (c.kind == Caller::Kind::Patient) j.identifier_ref({}, c.id, display);
  else j.identifier_ref(kOds, c.ods_code, display);
  j.s += ',';
  if (c.kind == Caller::Kind::Peer || c.kind == Caller::Kind::System) j.str("name", c.id);
  j.s += c.person_present || c.kind == Caller::Kind::Patient ? "\"requestor\":false," : "\"requestor\":true,";
  if (!c.address.empty()) {
    j.s += "\"network\":{";
    j.str("address", host_of(c.address));
    j.s += "\"type\":\"2\"},";
  }
  if (!c.person_present && c.kind != Caller::Kind::Patient && (!purpose_of(c).code.empty() || !c.break_glass_reason.empty())) {
    j.s += "\"purposeOfUse\":[";
    purposes(j, c);
    j.s += ',';
  }
  // The token's id (BALP: agent.policy), so the log's token_id column is covered by the leaf hash.
  if (!c.token_id.empty()) {
    j.s += "\"policy\":[\"";
    esc(j.s, c.token_id);
    j.s += "\"],";
  }
  j.close_object();
}

void user_agent(Json& j, const Caller& c) {
  j.s += "{\"type\":";
  j.codeable("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient");
  j.s += ',';
  if (c.kind == Caller::Kind::Patient) {
    j.s += "\"who\":";
    j.identifier_ref(kNhs, c.nhs_number, "the patient");
    j.s += ',';
  } else {
    if (!c.person.sds_role.empty()) {
      j.s += "\"role\":[";
      j.codeable("https://fhir.hl7.org.uk/CodeSystem/UKCore-SDSJobRoleName", c.person.sds_role);
      j.s += "],";
    }
    j.s += "\"who\":";
    j.identifier_ref("https://fhir.nhs.uk/Id/sds-user-id", c.person.id, c.person.name);
    j.s += ',';
    if (!c.person.name.empty()) j.str("name", c.person.name);
  }
  j.s += "\"requestor\":true,";
  if (!purpose_of(c).code.empty() || !c.break_glass_reason.empty()) {
    j.s += "\"purposeOfUse\":[";
    purposes(j, c);
    j.s += ',';
  }
  j.close_object();
}

void server_agent(Json& j, const Access& a, bool data_to_client) {
  j.s += "{\"type\":";
  if (data_to_client) j.codeable(kDcm, "110153", "Source Role ID");
  else j.codeable(kDcm, "110152", "Destination Role ID");
  j.s += ",\"who\":";
  j.identifier_ref(kOds, a.node_ods, a.node_name);
  j.s += ",\"requestor\":false}";
}

void entity_type(Json& j, std::string_view type_code, std::string_view type_display, std::string_view role_code,
                 std::string_view role_display) {
  j.s += "\"type\":";
  j.coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", type_code, type_display);
  j.s += ",\"role\":";
  j.coding("http://terminology.hl7.org/CodeSystem/object-role", role_code, role_display);
  j.s += ',';
}

void detail(Json& j, std::string_view type, std::string_view value) {
  j.s += "{\"type\":\"";
  j.s += type;
  j.s += "\",\"valueString\":\"";
  esc(j.s, value);
  j.s += "\"},";
}

}  // namespace

node::AuditRecord make_record(const Access& a) { return make_record(a, fhir::utc_now_instant()); }

node::AuditRecord make_record(const Access& a, std::string recorded) {
  const Caller& c = a.caller;
  const Interaction& it = find_interaction(a.interaction);
  bool data_to_client = it.action == 'R';
  node::AuditRecord r;
  r.recorded = std::move(recorded);
  r.patient_nhs = a.patient_nhs;
  r.patient_id = a.patient_id;
  r.request_id = c.request_id;
  r.agent_ods = c.ods_code;
  r.action = a.interaction;
  r.outcome = std::to_string(a.outcome);
  r.token_id = c.token_id;
  r.journal_id = a.journal_id;

  std::string& s = r.event_json;
  s.reserve(2048);
  Json j{s};
  s += "{\"resourceType\":\"AuditEvent\",";
  bool patient = !a.patient_id.empty() || !a.patient_nhs.empty();
  if (!it.profile.empty() && a.outcome == 0) {
    s += "\"meta\":{\"profile\":[\"https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
    if (patient) s += "Patient";
    s += it.profile;
    s += "\"]},";
  }
  s += "\"type\":";
  j.coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation");
  s += ",\"subtype\":[";
  if (!it.rest.empty()) {
    j.coding(kRest, it.rest);
    s += ',';
  }
  if (it.own_code) {
    j.coding(kHidewire, a.interaction);
    s += ',';
  }
  s.back() = ']';
  s += ",\"action\":\"";
  s += it.action;
  s += "\",";
  j.str("recorded", r.recorded);
  j.str("outcome", r.outcome);
  if (!a.outcome_text.empty()) j.str("outcomeDesc", a.outcome_text);
  if (!purpose_of(c).code.empty() || !c.break_glass_reason.empty()) {
    s += "\"purposeOfEvent\":[";
    purposes(j, c);
    s += ',';
  }
  s += "\"agent\":[";
  client_agent(j, c, data_to_client);
  s += ',';
  if (c.person_present || c.kind == Caller::Kind::Patient) {
    user_agent(j, c);
    s += ',';
  }
  server_agent(j, a, data_to_client);
  s += "],\"source\":{";
  if (!a.node_name.empty()) j.str("site", a.node_name);
  s += "\"observer\":";
  j.identifier_ref(kOds, a.node_ods, a.node_name);
  s += ",\"type\":[";
  j.coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server");
  s += "]}";
  const std::size_t entities_at = s.size();
  s += ",\"entity\":[";

  // The patient, carrying the break-glass reason and the note that something was withheld.
  bool details_placed = false;
  auto details = [&] {
    if (c.break_glass_reason.empty() && !a.withheld && c.unsigned_token == false) return;
    s += "\"detail\":[";
    if (!c.break_glass_reason.empty()) detail(j, "break-glass-reason", c.break_glass_reason);
    if (a.withheld) detail(j, "withheld", "part of the answer was withheld by the patient's restrictions");
    if (c.unsigned_token) detail(j, "unsigned-token", "GP Connect unsigned JWT from a configured consumer over mutual TLS");
    s.back() = ']';
    s += ',';
    details_placed = true;
  };
  if (patient) {
    s += "{\"what\":";
    std::string ref = a.patient_id.empty() ? std::string() : "Patient/" + a.patient_id;
    j.identifier_ref(kNhs, a.patient_nhs, {}, ref);
    s += ',';
    entity_type(j, "1", "Person", "1", "Patient");
    details();
    j.close_object();
    s += ',';
  }
  if (!a.resource_type.empty() && !a.resource_id.empty() && !(a.resource_type == "Patient" && a.resource_id == a.patient_id)) {
    s += "{\"what\":{";
    j.str("reference", a.resource_type + "/" + a.resource_id);
    j.close_object();
    s += ',';
    entity_type(j, "2", "System Object", "4", "Domain Resource");
    j.close_object();
    s += ',';
  }
  if (it.rest == "search-type" || !a.query.empty()) {
    s += '{';
    entity_type(j, "2", "System Object", "24", "Query");
    if (!a.resource_type.empty()) j.str("description", a.resource_type);
    if (!a.query.empty()) j.str("query", to_base64(a.query));
    j.close_object();
    s += ',';
  }
  if (a.journal_id) {
    s += "{\"what\":";
    j.identifier_ref("urn:hidewire:journal-id", std::to_string(a.journal_id), {});
    s += ',';
    entity_type(j, "2", "System Object", "3", "Report");
    j.close_object();
    s += ',';
  }
  if (!c.request_id.empty() || !details_placed) {
    s += '{';
    if (!c.request_id.empty()) {
      s += "\"what\":";
      j.identifier_ref({}, c.request_id, {});
      s += ",\"type\":";
      j.coding("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", "XrequestId");
      s += ',';
    }
    if (!details_placed) details();
    if (s.back() == '{') s.pop_back();  // nothing to say
    else {
      j.close_object();
      s += ',';
    }
  }
  if (s.back() == ',') s.back() = ']';
  else s.resize(entities_at);  // no entity at all: no empty array
  s += '}';
  return r;
}

std::string nhs_number_in(std::string_view json) {
  static constexpr std::string_view key = R"("system":"https://fhir.nhs.uk/Id/nhs-number","value":")";
  // memmem, not find: find stops at every '"' of the Bundle to compare the key.
  const void* hit = memmem(json.data(), json.size(), key.data(), key.size());
  if (!hit) return {};
  std::size_t at = static_cast<const char*>(hit) - json.data() + key.size();
  auto end = json.find('"', at);
  return end == std::string_view::npos ? std::string() : std::string(json.substr(at, end - at));
}

}  // namespace hidewire::audit
