#include "api/admin_match.hpp"

#include <rapidjson/document.h>

#include <cstdlib>

#include "api/fhir_api.hpp"
#include "fhir/json_escape.hpp"
#include "fhir/nhs_number.hpp"

namespace hidewire::api {
namespace {

using fhir::json_escape;

std::string quoted(const std::string& s) { return "\"" + json_escape(s) + "\""; }

std::string person_json(const matching::Demographics& d) {
  std::string given;
  for (const std::string& g : d.given) given += (given.empty() ? "" : ",") + quoted(g);
  return "{\"nhs_number\":" + quoted(d.nhs_number) + ",\"family\":" + quoted(d.family) + ",\"given\":[" + given +
         "],\"birth_date\":" + quoted(d.birth_date) + ",\"postcode\":" + quoted(d.postcode) + ",\"gender\":" + quoted(d.gender) + "}";
}

std::string summary_json(const node::JournalEntry& e) {
  return "{\"id\":" + std::to_string(e.id) + ",\"channel\":" + quoted(e.channel) + ",\"message_id\":" + quoted(e.message_id) +
         ",\"event\":" + quoted(e.event) + ",\"status\":" + quoted(e.status) + ",\"reason\":" + quoted(e.reason) +
         ",\"received_at\":" + quoted(e.received_at);
}

http::Response list(const AdminContext& ctx, const http::Request& r) {
  auto after = r.query.find("after");
  std::int64_t after_id = after == r.query.end() ? 0 : std::atoll(after->second.c_str());
  http::Response out;
  out.content_type = "application/json";
  out.body = "[";
  auto held = ctx.journal.list("held", 1000, after_id);
  for (std::size_t i = 0; i < held.size(); ++i) out.body += (i ? "," : "") + summary_json(held[i]) + "}";
  out.body += "]";
  return out;
}

http::Response show(const AdminContext& ctx, const node::JournalEntry& e) {
  http::Response out;
  out.content_type = "application/json";
  out.body = summary_json(e);
  if (e.status == "held" && ctx.intake.tracing()) {
    matching::Demographics who;
    matching::Trace t = ctx.intake.tracing()->explain(e.output, who);
    out.body += ",\"patient\":" + person_json(who) + ",\"trace\":" + quoted(std::string(matching::kind_name(t.kind)) + ": " + t.reason) +
                ",\"candidates\":[";
    for (std::size_t i = 0; i < t.ranked.size(); ++i) {
      const matching::Scored& s = t.ranked[i];
      out.body += (i ? "," : "") + std::string("{\"score\":") + std::to_string(s.score.total) + ",\"source\":" + quoted(s.candidate.source) +
                  ",\"reference\":" + quoted(s.candidate.reference) + ",\"verified\":" + (s.candidate.verified ? "true" : "false") +
                  ",\"person\":" + person_json(s.candidate.person) + "}";
    }
    out.body += "]";
  }
  out.body += "}";
  return out;
}

http::Response resolve(const AdminContext& ctx, const node::JournalEntry& e, const std::string& body) {
  if (e.status != "held")
    return http::operation_outcome(409, "conflict", "message " + std::to_string(e.id) + " is not held for patient matching (it is " + e.status + ")");
  rapidjson::Document d;
  if (d.Parse(body.c_str()).HasParseError() || !d.IsObject())
    return http::operation_outcome(400, "invalid", "the body must be a JSON object: {\"nhs_number\": \"...\"}, {\"action\": \"new-patient\"} or {\"action\": \"reject\"}");
  std::string action = d.HasMember("action") && d["action"].IsString() ? d["action"].GetString() : "";
  std::string nhs = d.HasMember("nhs_number") && d["nhs_number"].IsString() ? fhir::normalise_nhs_number(d["nhs_number"].GetString()) : "";
  if (nhs.empty() == action.empty() || (!action.empty() && action != "new-patient" && action != "reject"))
    return http::operation_outcome(400, "invalid", "give either nhs_number, or action new-patient or reject");
  if (!nhs.empty())
    if (std::string why = fhir::check_nhs_number(nhs); !why.empty()) return http::operation_outcome(400, "value", why);
  if (action == "reject") {
    ctx.journal.update_outcome(e.id, "rejected", "rejected at patient matching by an operator", "");
    http::Response out;
    out.content_type = "application/json";
    out.body = "{\"id\":" + std::to_string(e.id) + ",\"outcome\":\"rejected\"}";
    return out;
  }
  node::PatientResolution how{nhs, action == "new-patient", e.id};
  node::Conversion conv = ctx.intake.reconvert(e, &how);
  if (conv.status != node::Conversion::Status::Converted || !conv.held.empty()) {
    std::string why = conv.held;
    for (const fhir::Issue& i : conv.diagnostics.issues())
      if (why.empty() && (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal)) why = i.message;
    return http::operation_outcome(422, "processing", "message " + std::to_string(e.id) + " cannot be keyed so: " + why);
  }
  ctx.journal.update_outcome(e.id, "accepted", "", conv.bundle_json);
  return route_again(ctx, e.id);
}

}  // namespace

bool is_match_path(const std::string& path) { return path == "/match" || path.rfind("/match/", 0) == 0; }

bool is_match_resolve(const http::Request& r) { return r.method == "POST" && r.path.rfind("/match/", 0) == 0 && r.path.ends_with("/resolve"); }

std::string resolve_nhs_number(const std::string& body) {
  rapidjson::Document d;
  if (d.Parse(body.c_str()).HasParseError() || !d.IsObject() || !d.HasMember("nhs_number") || !d["nhs_number"].IsString()) return {};
  std::string nhs = fhir::normalise_nhs_number(d["nhs_number"].GetString());
  return fhir::is_valid_nhs_number(nhs) ? nhs : "";
}

http::Response match_handle(const AdminContext& ctx, const http::Request& r) {
  if (!ctx.intake.tracing()) return http::operation_outcome(404, "not-found", "patient matching is not configured on this node (docs/MATCHING.md)");
  if (r.path == "/match" && r.method == "GET") return list(ctx, r);
  std::string rest = r.path.substr(7);  // after "/match/"
  bool resolving = rest.ends_with("/resolve");
  if (resolving) rest.resize(rest.size() - 8);
  if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos || (resolving ? r.method != "POST" : r.method != "GET"))
    return http::operation_outcome(404, "not-found", "unknown admin endpoint");
  auto e = ctx.journal.get(std::atoll(rest.c_str()));
  if (!e) return http::operation_outcome(404, "not-found", "no journal entry " + rest);
  return resolving ? resolve(ctx, *e, r.body) : show(ctx, *e);
}

}  // namespace hidewire::api
