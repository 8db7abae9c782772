#include "api/fhir_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir/codec.hpp"
#include "fhir/validator.hpp"
#include "fhirpath/invariants.hpp"
#include "api/fhir_search.hpp"
#include "fhir/json_numbers.hpp"

namespace hidewire::http {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

Response resource_response(const node::StoredResource& r, int status) {
  Response out;
  out.status = status;
  out.body = r.json;
  out.headers["ETag"] = "W/\"" + std::to_string(r.version) + "\"";
  out.headers["Last-Modified"] = r.last_updated;
  out.headers["Location"] = r.type + "/" + r.id + "/_history/" + std::to_string(r.version);
  return out;
}

Response bundle_of(const std::string& type, const std::vector<node::StoredResource>& rs, const std::string& base,
                   const std::string& next_link, const std::string& outcome_entry = "") {
  std::string body = R"({"resourceType":"Bundle","type":)" + json_string(type);
  if (!next_link.empty()) body += R"(,"link":[{"relation":"next","url":)" + json_string(next_link) + "}]";
  body += R"(,"entry":[)" + outcome_entry;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (i || !outcome_entry.empty()) body += ',';
    body += R"({"fullUrl":)" + json_string(base + "/" + rs[i].type + "/" + rs[i].id) + R"(,"resource":)" + rs[i].json + "}";
  }
  body += "]}";
  Response out;
  out.body = std::move(body);
  return out;
}

}  // namespace

Response operation_outcome(int status, const std::string& code, const std::string& message) {
  Response r;
  r.status = status;
  // Success is information, not an error (a 202 once said "error" while accepting).
  r.body = std::string(R"({"resourceType":"OperationOutcome","issue":[{"severity":")") + (status < 400 ? "information" : "error") +
           R"(","code":)" + json_string(code) +
           R"(,"diagnostics":)" + json_string(message) + "}]}";
  return r;
}

namespace {

// The action a request asks for, as the access policy names it.
std::string_view action_of(const Request& req, const std::vector<std::string>& parts) {
  if (req.method == "GET") return parts.size() == 1 ? "search" : "read";
  if (req.method == "PUT") return "update";
  if (req.method == "POST") return parts.empty() ? "transaction" : "create";
  return "other";
}

}  // namespace

Response FhirApi::handle(const Request& req) {
  auto parts = split_path(req.path);
  if (!(parts.size() == 1 && parts[0] == "metadata")) {
    node::Caller anonymous;  // the callers' credentials come with the access-control work
    node::AccessDecision d = policy_.decide({anonymous, action_of(req, parts), parts.empty() ? "" : parts[0],
                                             parts.size() > 1 ? parts[1] : ""});
    if (!d.allowed) return operation_outcome(403, "forbidden", d.reason);
  }
  try {
    if (parts.empty()) {
      if (req.method == "POST") return bundle(req);
      return operation_outcome(405, "not-supported", "use GET /metadata or a resource type");
    }
    if (parts[0] == "metadata" && parts.size() == 1) return capability(req);
    const std::string& type = parts[0];
    if (!schema_.resource(type)) return operation_outcome(404, "not-supported", "unknown resource type '" + type + "'");
    if (parts.size() == 1) {
      if (req.method == "GET") return search(type, req);
      if (req.method == "POST") return write(req, type, "");
    } else if (parts.size() == 2 && parts[1] == "$everything" ) {
      return operation_outcome(400, "invalid", "$everything needs a patient id: Patient/{id}/$everything");
    } else if (parts.size() == 2) {
      if (req.method == "GET") return read(type, parts[1], 0);
      if (req.method == "PUT") return write(req, type, parts[1]);
    } else if (parts.size() == 3 && parts[2] == "$everything" && type == "Patient" && req.method == "GET") {
      return everything(parts[1], req);
    } else if (parts.size() == 3 && parts[2] == "_history" && req.method == "GET") {
      return history(type, parts[1], req);
    } else if (parts.size() == 4 && parts[2] == "_history" && req.method == "GET") {
      int v = 0;
      try {
        v = std::stoi(parts[3]);
      } catch (...) {
        return operation_outcome(400, "invalid", "version must be a number");
      }
      return read(type, parts[1], v);
    }
    return operation_outcome(405, "not-supported", req.method + " " + req.path + " is not supported");
  } catch (const node::StoreError& e) {
    return operation_outcome(e.http_status, e.http_status == 412 ? "conflict" : "processing", e.what());
  } catch (const node::StorageUnavailable& e) {
    // A full disk: the write is not done and may be sent again later; reads go on being served.
    return operation_outcome(503, "transient", std::string("the store cannot write now: ") + e.what());
  }
}

Response FhirApi::read(const std::string& type, const std::string& id, int version) {
  auto r = version ? store_.vread(type, id, version) : store_.read(type, id);
  if (!r) return operation_outcome(404, "not-found", type + "/" + id + (version ? "/_history/" + std::to_string(version) : "") + " is not known");
  if (r->deleted) return operation_outcome(410, "deleted", type + "/" + id + " was deleted");
  return resource_response(*r, 200);
}

Response FhirApi::history(const std::string& type, const std::string& id, const Request& req) {
  auto h = store_.history(type, id);
  if (h.empty()) return operation_outcome(404, "not-found", type + "/" + id + " is not known");
  return bundle_of("history", h, req.base_url, "");
}

Response FhirApi::search(const std::string& type, const Request& req) {
  SearchQuery q = read_search_query(req.query);
  if (!q.error.empty()) return operation_outcome(400, q.error_code, q.error);
  if (q.by_id) {
    auto r = store_.read(type, q.id);
    return bundle_of("searchset", r ? std::vector<node::StoredResource>{*r} : std::vector<node::StoredResource>{}, req.base_url, "");
  }
  node::SearchPage page = store_.search(type, q.params);
  if (q.params.count == 0) {  // _count=0 or _summary=count: how many match, nothing else
    Response out;
    out.body = R"({"resourceType":"Bundle","type":"searchset","total":)" + std::to_string(page.total) + "}";
    return out;
  }
  std::string next;
  if (!page.next.empty()) next = req.base_url + "/" + type + "?" + next_query(req.query, q.params.count, page.next);
  std::string note;  // a capped _count is said in the Bundle, as an outcome entry
  if (q.capped_from)
    note = R"({"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":)" +
           json_string("_count " + std::to_string(q.capped_from) + " is above the maximum of " + std::to_string(kMaxCount) +
                       ": pages hold " + std::to_string(kMaxCount)) +
           R"(}]},"search":{"mode":"outcome"}})";
  return bundle_of("searchset", page.resources, req.base_url, next, note);
}

std::optional<Response> FhirApi::refuse(const Request& req, fhir::Node& node) {
  fhir::Diagnostics d;
  if (!fhir::parse_json(req.body, schema_, node, d)) return operation_outcome(400, "structure", d.issues().front().message);
  fhir::validate(node, schema_, d);
  fhirpath::check_invariants(node, schema_, d);
  if (!d.has_errors()) return std::nullopt;
  Response r;
  r.status = 422;
  r.body = fhir::to_operation_outcome_json(d);
  return r;
}

Response FhirApi::write(const Request& req, const std::string& type, const std::string& id) {
  fhir::Node node;
  if (auto refusal = refuse(req, node)) return *refusal;
  if (node.resource_type() != type) return operation_outcome(400, "invalid", "the body is a " + std::string(node.resource_type()) + ", not a " + type);
  if (id.empty()) return resource_response(store_.create(req.body), 201);
  bool existed = store_.read(type, id).has_value();
  return resource_response(store_.update(type, id, req.body), existed ? 200 : 201);
}

Response FhirApi::bundle(const Request& req) {
  fhir::Node node;
  if (auto refusal = refuse(req, node)) return *refusal;
  if (node.resource_type() != "Bundle") return operation_outcome(400, "invalid", "POST to the base takes a transaction or batch Bundle");
  const fhir::Node* type = node.child("type");
  std::string kind = type ? type->value : "";
  if (kind == "transaction") {
    Response r;
    r.body = store_.transaction(req.body);
    return r;
  }
  if (kind != "batch") return operation_outcome(400, "invalid", "Bundle.type must be transaction or batch, not '" + kind + "'");
  // Batch: each entry on its own; one failing does not stop the others.
  rapidjson::Document b;
  if (!fhir::json::parse(req.body, b) || !b.IsObject())  // numbers kept as written (json_numbers.hpp)
    return operation_outcome(400, "structure", "the batch Bundle is not a JSON object");
  std::string body = R"({"resourceType":"Bundle","type":"batch-response","entry":[)";
  rapidjson::SizeType n = b.HasMember("entry") && b["entry"].IsArray() ? b["entry"].Size() : 0;
  for (rapidjson::SizeType i = 0; i < n; ++i) {
    if (i) body += ',';
    std::string one = R"({"resourceType":"Bundle","type":"transaction","entry":[)";
    one += fhir::json::write(b["entry"][i]) + "]}";
    try {
      std::string resp = store_.transaction(one);
      rapidjson::Document rd;
      rd.Parse(resp.c_str());
      rapidjson::StringBuffer eb;
      rapidjson::Writer<rapidjson::StringBuffer> ew(eb);
      rd["entry"][0].Accept(ew);
      body += std::string(eb.GetString(), eb.GetSize());
    } catch (const node::StoreError& e) {
      body += R"({"response":{"status":)" + json_string(std::to_string(e.http_status)) + R"(,"outcome":)" +
              operation_outcome(e.http_status, "processing", e.what()).body + "}}";
    } catch (const node::StorageUnavailable& e) {
      body += R"({"response":{"status":"503","outcome":)" +
              operation_outcome(503, "transient", std::string("the store cannot write now: ") + e.what()).body + "}}";
    }
  }
  body += "]}";
  Response r;
  r.body = std::move(body);
  return r;
}

Response FhirApi::everything(const std::string& id, const Request& req) {
  if (!store_.read("Patient", id)) return operation_outcome(404, "not-found", "Patient/" + id + " is not known");
  return bundle_of("searchset", store_.everything(id), req.base_url, "");
}

Response FhirApi::capability(const Request& req) {
  std::string types;
  for (const fhir::TypeDef* t : schema_.resource_types()) {
    if (!types.empty()) types += ',';
    types += R"({"type":)" + json_string(t->name) +
             R"(,"interaction":[{"code":"read"},{"code":"vread"},{"code":"history-instance"},{"code":"create"},{"code":"update"},{"code":"search-type"}],)"
             R"("searchParam":[{"name":"identifier","type":"token"},{"name":"patient","type":"reference"},{"name":"_lastUpdated","type":"date"}]})";
  }
  Response r;
  r.body = R"({"resourceType":"CapabilityStatement","status":"active","date":"2026-11-24","kind":"instance","software":{"name":"hidewire"},)"
           R"("implementation":{"description":"hidewire node","url":)" + json_string(req.base_url) +
           R"(},"fhirVersion":"4.0.1","format":["json"],"rest":[{"mode":"server","resource":[)" + types +
           R"(],"interaction":[{"code":"transaction"},{"code":"batch"}],"operation":[{"name":"everything","definition":"http://hl7.org/fhir/OperationDefinition/Patient-everything"}]}]})";
  return r;
}

}  // namespace hidewire::http
