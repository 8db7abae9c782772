#include "federation/gpconnect_consumer.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>

#include "auth/jwt.hpp"
#include "fhir/clock.hpp"

namespace hidewire::federation {

std::string gpc_token(const TokenIssuer& issuer, const node::Caller& caller, const Peer& provider) {
  if (!provider.gpc_unsigned) return mint_peer_token(issuer, caller, provider.url + "/Patient/$gpc.getstructuredrecord");
  std::string claims = peer_claims(issuer, caller, provider.url + "/Patient/$gpc.getstructuredrecord",
                                   static_cast<long long>(std::time(nullptr)), auth::random_uuid());
  return auth::sign_jwt(claims, nullptr);
}

PeerCall gpc_call(const Peer& provider, const std::string& our_asid, const std::string& token, const std::string& parameters,
                  const std::string& request_id, Clock::time_point deadline) {
  PeerCall c;
  c.url = provider.url + "/Patient/$gpc.getstructuredrecord";
  c.body = parameters;
  c.tls = provider.tls;
  c.deadline = deadline;
  c.headers = {"Ssp-TraceID: " + auth::random_uuid(),
               "Ssp-From: " + our_asid,
               "Ssp-To: " + provider.gpc_asid,
               std::string("Ssp-InteractionID: ") + kGpcInteraction,
               "Authorization: Bearer " + token,
               std::string("Accept: ") + kGpcAccept,
               "X-Request-ID: " + request_id};
  return c;
}

std::string spine_reason(const std::string& code) {
  if (code == "PATIENT_NOT_FOUND") return "the GP system has no such patient it may share (PATIENT_NOT_FOUND)";
  if (code == "NO_PATIENT_CONSENT") return "the patient has dissented from sharing their GP record (NO_PATIENT_CONSENT)";
  if (code == "INVALID_NHS_NUMBER") return "the GP system refused the NHS number as invalid (INVALID_NHS_NUMBER)";
  if (code == "INVALID_IDENTIFIER_SYSTEM") return "the GP system refused the NHS number's identifier system (INVALID_IDENTIFIER_SYSTEM)";
  if (code == "INVALID_PARAMETER") return "the GP system refused a parameter (INVALID_PARAMETER)";
  if (code == "INVALID_RESOURCE") return "the GP system refused the Parameters (INVALID_RESOURCE)";
  if (code == "BAD_REQUEST") return "the GP system refused the request, e.g. a Spine header or the JWT (BAD_REQUEST)";
  if (code == "ACCESS DENIED" || code == "NO_RELATIONSHIP") return "the GP system denied access (" + code + ")";
  if (code == "INTERNAL_SERVER_ERROR") return "the GP system failed (INTERNAL_SERVER_ERROR)";
  if (code == "NOT_IMPLEMENTED") return "the GP system does not implement the request (NOT_IMPLEMENTED)";
  return code.empty() ? std::string("no Spine error code") : code;
}

namespace {

// The provider's OperationOutcomes in its Bundle (GP Connect's warnings: an area not available,
// confidential items left out) are not record content, so the converter leaves them out; they
// are carried into the R4 Bundle as OperationOutcome entries, which the merged record names as
// the practice's (merge.cpp, source_issues), so the clinician knows the record is partial.
void carry_provider_outcomes(const std::string& stu3, std::string& r4) {
  if (stu3.find("\"OperationOutcome\"") == std::string::npos) return;
  rapidjson::Document in, out;
  in.Parse(stu3.c_str(), stu3.size());
  out.Parse(r4.c_str(), r4.size());
  if (in.HasParseError() || out.HasParseError() || !in.IsObject() || !out.IsObject() || !in.HasMember("entry") || !in["entry"].IsArray() ||
      !out.HasMember("entry") || !out["entry"].IsArray())
    return;
  auto& a = out.GetAllocator();
  bool any = false;
  for (const auto& e : in["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
    const auto& res = e["resource"];
    if (!res.HasMember("resourceType") || res["resourceType"] != "OperationOutcome" || !res.HasMember("issue") || !res["issue"].IsArray()) continue;
    rapidjson::Value outcome(rapidjson::kObjectType), entry(rapidjson::kObjectType);
    outcome.AddMember("resourceType", "OperationOutcome", a);
    outcome.AddMember("issue", rapidjson::Value(res["issue"], a), a);
    entry.AddMember("resource", outcome, a);
    out["entry"].PushBack(entry, a);
    any = true;
  }
  if (!any) return;
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  out.Accept(w);
  r4.assign(b.GetString(), b.GetSize());
}

}  // namespace

GpcResult read_gpc_reply(const Peer& p, PeerReply r, const node::Converter* stu3, int deadline_ms) {
  GpcResult g;
  g.issue.ods_code = p.ods_code;
  g.issue.kind = p.kind;
  if (r.kind != PeerReply::Kind::Answered) {
    g.issue.code = r.kind == PeerReply::Kind::TimedOut ? "timeout" : r.kind == PeerReply::Kind::TlsRefused ? "security"
                   : r.kind == PeerReply::Kind::TooLarge                                                 ? "too-costly"
                                                                                                          : "transient";
    g.issue.text = r.kind == PeerReply::Kind::TimedOut ? "GP Connect: no answer within the deadline (" + std::to_string(deadline_ms) + " ms)"
                                                       : "GP Connect: " + r.error;
    return g;
  }
  g.issue.status = static_cast<int>(r.status);
  if (r.status != 200) {
    PeerError e = read_peer_error(r.body);
    g.issue.spine_code = e.spine_code;
    g.issue.code = r.status == 403 ? "forbidden" : r.status == 401 ? "security" : r.status == 404 ? "not-found" : r.status >= 500 ? "transient" : "processing";
    g.issue.text = "GP Connect: " + spine_reason(e.spine_code) + (e.diagnostics.empty() ? "" : ": " + e.diagnostics) + " (HTTP " +
                   std::to_string(r.status) + ")";
    return g;
  }
  g.stu3 = std::move(r.body);
  if (!stu3) {
    g.ok = true;
    return g;
  }
  node::MessageInfo info{"gpconnect-" + p.ods_code, "fhir-stu3", fhir::utc_now_instant(), {}, nullptr};
  node::Conversion c;
  try {
    c = stu3->convert(g.stu3, info);
  } catch (const std::exception& e) {
    c.status = node::Conversion::Status::Refused;
    c.diagnostics.error("exception", "", e.what());
  }
  if (c.status != node::Conversion::Status::Converted) {
    g.issue.code = "invalid";
    std::string why;
    for (const auto& d : c.diagnostics.issues())
      if (d.severity == fhir::Severity::Error || d.severity == fhir::Severity::Fatal) {
        why = d.message;
        break;
      }
    g.issue.text = "GP Connect: its answer is not a structured record that converts to R4" + (why.empty() ? "" : ": " + why);
    return g;
  }
  g.ok = true;
  g.r4 = std::move(c.bundle_json);
  g.unmapped = c.unmapped.size();
  carry_provider_outcomes(g.stu3, g.r4);
  return g;
}

}  // namespace hidewire::federation
