// Transaction and batch Bundles, and Patient/$everything: each entry is put to the policy and
// the write rules as a single write would be, so a Bundle cannot carry what a PUT could not.
#include <rapidjson/document.h>

#include "api/fhir_api.hpp"
#include "api/fhir_api_parts.hpp"
#include "api/record_gate.hpp"
#include "api/write_rules.hpp"
#include "auth/patient_facts.hpp"
#include "fhir/bundle_builder.hpp"
#include "fhir/json_numbers.hpp"
#include "fhir/nhs_number.hpp"

#include <algorithm>
#include <memory>
#include <set>

namespace hidewire::http {
namespace {

struct EntryRequest {
  std::string method, type, id;
  std::string criteria;       // a conditional update's criteria (after '?'), as the store reads them
  std::string if_none_exist;  // a conditional create's criteria, as the store reads them
};

// The one stored resource of `type` the store's conditional match would pick: "identifier=
// system|value" each side percent-decoded as the store reads it, else none.
std::string match_of(node::FhirStore& store, const std::string& type, const std::string& criteria) {
  if (criteria.rfind("identifier=", 0) != 0) return {};  // the store refuses it (400)
  std::string token = criteria.substr(11);
  auto bar = token.find('|');
  if (bar == std::string::npos) return {};
  node::SearchParams p;
  p.identifier_system = fhir::build::decode_query_value(token.substr(0, bar));
  p.identifier_value = fhir::build::decode_query_value(token.substr(bar + 1));
  p.count = 2;
  node::SearchPage match = store.search(type, p);
  return match.resources.size() == 1 ? match.resources[0].id : std::string();
}

// Where an entry writes, read exactly as the store's transaction reads it (the resource's own
// type; a PUT's id after the first '/', or its criteria's match after '?'), so the rules are
// checked against the resource the store will write over, not one the URL seems to name.
EntryRequest entry_request(const rapidjson::Value& entry) {
  EntryRequest out;
  if (!entry.IsObject() || !entry.HasMember("request") || !entry["request"].IsObject()) return out;
  const auto& r = entry["request"];
  if (r.HasMember("method") && r["method"].IsString()) out.method = r["method"].GetString();
  std::string url = r.HasMember("url") && r["url"].IsString() ? r["url"].GetString() : "";
  if (entry.HasMember("resource") && entry["resource"].IsObject() && entry["resource"].HasMember("resourceType") &&
      entry["resource"]["resourceType"].IsString())
    out.type = entry["resource"]["resourceType"].GetString();
  else
    out.type = url.substr(0, url.find_first_of("/?"));
  if (out.method == "PUT" && url.find('?') != std::string::npos) out.criteria = url.substr(url.find('?') + 1);
  else if (out.method == "PUT") out.id = url.substr(url.find('/') + 1);
  if (out.method == "POST" && r.HasMember("ifNoneExist") && r["ifNoneExist"].IsString()) out.if_none_exist = r["ifNoneExist"].GetString();
  return out;
}

std::string json_of(const rapidjson::Value& v) { return fhir::json::write(v); }

// The Organizations a Bundle writes, by fullUrl and by Type/id, with their ODS codes.
api::BundleOrgs organisations_in(const rapidjson::Value& entries) {
  api::BundleOrgs out;
  if (!entries.IsArray()) return out;
  for (const auto& e : entries.GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& r = e["resource"];
    if (!r.HasMember("resourceType") || !r["resourceType"].IsString() || std::string_view(r["resourceType"].GetString()) != "Organization") continue;
    std::string ods = r.HasMember("identifier") ? api::ods_of_identifier(r["identifier"]) : "";
    if (e.HasMember("fullUrl") && e["fullUrl"].IsString()) out[e["fullUrl"].GetString()] = ods;
    EntryRequest er = entry_request(e);
    if (!er.id.empty()) out["Organization/" + er.id] = ods;
  }
  return out;
}

// An NHS number on two Patient entries of one transaction: each is checked against the store
// alone, where neither is yet, and the store plans both before writing either (two Patients).
std::string nhs_twice(const rapidjson::Value& entries) {
  std::set<std::string> seen;
  for (const auto& e : entries.GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& r = e["resource"];
    if (!r.HasMember("resourceType") || !r["resourceType"].IsString() || std::string_view(r["resourceType"].GetString()) != "Patient") continue;
    if (!r.HasMember("identifier") || !r["identifier"].IsArray()) continue;
    std::set<std::string> mine;  // one Patient may repeat its own number
    for (const auto& id : r["identifier"].GetArray())
      if (id.IsObject() && id.HasMember("system") && id["system"].IsString() && id["system"].GetString() == std::string_view(fhir::kNhsNumberSystem) &&
          id.HasMember("value") && id["value"].IsString())
        mine.insert(id["value"].GetString());
    for (const std::string& nhs : mine)
      if (!seen.insert(nhs).second) return nhs;
  }
  return {};
}

// A batch entry's answer when it was not applied.
std::string entry_answer(int status, const std::string& outcome) {
  return R"({"response":{"status":")" + std::to_string(status) + R"(","outcome":)" + outcome + "}}";
}

// Writes one batch entry as a transaction of its own: its response entry.
std::string batch_entry(node::FhirStore& store, const rapidjson::Value& entry) {
  std::string one = R"({"resourceType":"Bundle","type":"transaction","entry":[)" + json_of(entry) + "]}";
  rapidjson::Document rd;
  rd.Parse(store.transaction(one).c_str());
  return json_of(rd["entry"][0]);
}

}  // namespace

// The first refusal for an entry of `bundle`, as the policy and the write rules see it.
static std::optional<Response> refuse_entry(const rapidjson::Value& entry, const node::Caller& caller, const node::AccessPolicy& policy,
                                            node::FhirStore& store, AccessTrail& trail, const api::BundleOrgs& orgs) {
  EntryRequest er = entry_request(entry);  // copied: a conditional one gets its match's id
  if (er.method == "GET") return std::nullopt;  // reads inside a Bundle are not served here
  std::string_view action = er.method == "PUT" ? "update" : er.method == "DELETE" ? "delete" : "create";
  node::AccessDecision d = policy.decide({caller, action, er.type, er.id});
  if (!d.allowed) return operation_outcome(d.status ? d.status : 403, d.code.empty() ? "forbidden" : d.code, d.reason);
  if (!entry.HasMember("resource")) return std::nullopt;
  std::string resource = json_of(entry["resource"]);
  // A conditional update is checked against the resource its condition matches, so a body
  // cannot carry another NHS number than the one it is filed under.
  if (!er.criteria.empty()) er.id = match_of(store, er.type, er.criteria);
  // A conditional create that matches writes nothing: there is nothing to refuse.
  if (!er.if_none_exist.empty() && !match_of(store, er.type, er.if_none_exist).empty()) return std::nullopt;
  if (auto no = api::check_write(caller, resource, store, er.id, &orgs)) return operation_outcome(no->status, no->code, no->message);
  if (auto patient = auth::patient_of(resource)) {
    if (patient->rfind("urn:", 0) != 0) trail.patient(*patient);
  }
  return std::nullopt;
}

Response FhirApi::bundle(const Request& req, const node::Caller& caller, AccessTrail& trail) {
  fhir::Node node;
  if (auto refusal = refuse(req, node)) return *refusal;
  if (node.resource_type() != "Bundle") return operation_outcome(400, "invalid", "POST to the base takes a transaction or batch Bundle");
  const fhir::Node* type = node.child("type");
  std::string kind = type ? type->value : "";
  rapidjson::Document b;
  if (!fhir::json::parse(req.body, b) || !b.IsObject())  // numbers kept as written (json_numbers.hpp)
    return operation_outcome(400, "structure", "the Bundle is not a JSON object");
  rapidjson::SizeType n = b.HasMember("entry") && b["entry"].IsArray() ? b["entry"].Size() : 0;
  const api::BundleOrgs orgs = n ? organisations_in(b["entry"]) : api::BundleOrgs{};
  if (kind == "transaction") {
    trail.interaction = "transaction";
    if (n && !nhs_twice(b["entry"]).empty())
      return refused(trail, operation_outcome(409, "duplicate", "two Patient entries of this transaction carry the same NHS number"),
                     "an NHS number twice in a transaction");
    // All or nothing: one entry the caller may not write refuses the whole transaction.
    for (rapidjson::SizeType i = 0; i < n; ++i)
      if (auto no = refuse_entry(b["entry"][i], caller, policy_, store_, trail, orgs))
        return refused(trail, *no, "entry " + std::to_string(i) + " refused");
    // Written once audited (api/fhir_api_write.cpp), in one store transaction: its 412s are its own.
    return deferred_write(trail, [this, body = req.body](AccessTrail&) {
      Response r;
      r.body = store_.transaction(body);
      return r;
    });
  }
  if (kind != "batch") return operation_outcome(400, "invalid", "Bundle.type must be transaction or batch, not '" + kind + "'");
  trail.interaction = "batch";
  // Batch: each entry on its own; one failing does not stop the others. Every entry is checked
  // now, for the audit before anything is written; those that pass are written once it is
  // durable, each checked again just before (an earlier entry may have changed what it may write).
  auto refusals = std::make_shared<std::vector<std::string>>(n);  // an entry's answer when refused now
  for (rapidjson::SizeType i = 0; i < n; ++i)
    if (auto no = refuse_entry(b["entry"][i], caller, policy_, store_, trail, orgs)) (*refusals)[i] = entry_answer(no->status, no->body);
  auto doc = std::make_shared<rapidjson::Document>(std::move(b));
  return deferred_write(trail, [this, caller, doc, orgs, refusals](AccessTrail& after) {
    after.patients.clear();  // audited again: the patients of the entries not applied
    std::string body = R"({"resourceType":"Bundle","type":"batch-response","entry":[)", not_applied;
    int worst = 0;
    for (rapidjson::SizeType i = 0; i < refusals->size(); ++i) {
      if (i) body += ',';
      if (!(*refusals)[i].empty()) {
        body += (*refusals)[i];
        continue;
      }
      const rapidjson::Value& entry = (*doc)["entry"][i];
      AccessTrail scratch;
      int status = 0;
      std::string outcome;
      if (auto no = refuse_entry(entry, caller, policy_, store_, scratch, orgs)) {
        status = no->status;
        outcome = no->body;
      } else {
        try {
          body += batch_entry(store_, entry);
          continue;
        } catch (const node::StoreError& e) {
          status = e.http_status;
          outcome = operation_outcome(e.http_status, "processing", e.what()).body;
        } catch (const node::StorageUnavailable& e) {
          status = 503;
          outcome = operation_outcome(503, "transient", std::string("the store cannot write now: ") + e.what()).body;
        }
      }
      body += entry_answer(status, outcome);
      worst = std::max(worst, status);
      not_applied += (not_applied.empty() ? "entry " : ", entry ") + std::to_string(i) + " (" + std::to_string(status) + ")";
      if (entry.HasMember("resource"))
        if (auto patient = auth::patient_of(json_of(entry["resource"])); patient && patient->rfind("urn:", 0) != 0) after.patient(*patient);
    }
    if (!not_applied.empty()) {
      after.outcome = worst >= 500 ? 8 : 4;
      after.outcome_text = "batch " + not_applied;
    }
    Response r;
    r.body = body + "]}";
    return r;
  });
}

Response FhirApi::everything(const Request& req, const node::Caller& caller, AccessTrail& trail, const std::string& id) {
  if (!store_.read("Patient", id))  // the answer a sensitive patient gets, so the two cannot be told apart
    return RecordGate::refusal({node::PatientDecision::Result::NotFound, "unknown patient", "", {}});
  RecordGate gate(store_, policy_, caller, "operation", guard_.node_ods, trail);
  const node::PatientDecision& d = gate.decide(id);
  if (!d.allowed()) return refused(trail, RecordGate::refusal(d), "refused for the patient");
  std::vector<node::StoredResource> shown;
  for (auto& r : store_.everything(id))
    if (gate.check(r.json) == RecordGate::Verdict::Pass) shown.push_back(std::move(r));
  return bundle_of("searchset", shown, req.base_url, "", gate.withheld() ? withheld_entry() : "");
}

}  // namespace hidewire::http
