#include "tools/hidewire/follow_admin.hpp"

#include <rapidjson/document.h>

#include "auth/jwt.hpp"
#include "log/log.hpp"
#include "node/intake_grants.hpp"

namespace hidewire::cli {
namespace {

http::Response json(int status, std::string body) {
  http::Response out;
  out.status = status;
  out.content_type = "application/json";
  out.body = std::move(body);
  return out;
}

// The intake's answer is for a sender on a connection; the schedule has none.
struct NoAnswer : node::Responder {
  std::string answer(std::string_view, const node::Outcome&) const override { return {}; }
};
const NoAnswer kNoAnswer;

const char* kind_name(node::Outcome::Kind k) {
  switch (k) {
    case node::Outcome::Kind::Accepted: return "accepted";
    case node::Outcome::Kind::Duplicate: return "unchanged since the last fetch (duplicate)";
    case node::Outcome::Kind::Rejected: return "rejected";
    case node::Outcome::Kind::Unreadable: return "unreadable";
    case node::Outcome::Kind::Reused: return "refused (reused control id)";
    default: return "not journalled";
  }
}

}  // namespace

federation::Follower::Submit followed_record_intake(const node::NodeConfig& cfg, node::Channel& channel) {
  return [&cfg, &channel](const federation::Peer& provider, std::string stu3, std::function<void(bool, const std::string&)> done) {
    node::Caller c;
    c.kind = node::Caller::Kind::Peer;
    c.id = provider.ods_code;
    c.ods_code = provider.ods_code;
    c.org_kind = provider.kind;
    c.write_types = node::configured_write_types(cfg.auth, c);
    c.request_id = auth::random_uuid();
    channel.submit(std::move(stu3), "fhir-stu3", std::move(c), kNoAnswer, [done = std::move(done)](const node::Outcome& o, const std::string&) {
      bool ok = o.kind == node::Outcome::Kind::Accepted || o.kind == node::Outcome::Kind::Duplicate;
      std::string what = std::string("intake: ") + kind_name(o.kind);
      if (o.journal_id) what += " as message " + std::to_string(o.journal_id);
      if (!o.error.empty()) what += ": " + o.error;
      done(ok, what);
    });
  };
}

http::Response follow_admin(federation::Follower& follower, const http::Request& r) {
  if (r.method == "GET") {
    std::string body = R"({"followed":[)";
    bool first = true;
    for (const std::string& n : follower.followed()) body += (first ? "\"" : ",\"") + n + "\"", first = false;
    return json(200, body + "]}");
  }
  if (r.method != "POST" && r.method != "DELETE") return json(405, R"({"error":"GET, POST or DELETE"})");
  rapidjson::Document d;
  if (d.Parse(r.body.c_str(), r.body.size()).HasParseError() || !d.IsObject() || !d.HasMember("nhs_number") || !d["nhs_number"].IsString())
    return json(400, R"({"error":"the body must be {\"nhs_number\":\"...\"}"})");
  std::string nhs = d["nhs_number"].GetString();
  try {
    if (r.method == "DELETE")
      return follower.unfollow(nhs) ? json(200, R"({"followed":false})") : json(404, R"({"error":"that patient is not followed"})");
    if (!follower.follow(nhs)) return json(400, R"j({"error":"nhs_number: not an NHS number (10 digits, Modulus 11 check digit)"})j");
  } catch (const std::exception& e) {
    // The change could not be kept across a restart, so it was not made.
    log::error("admin /follow: the follow schedule's state could not be written", {{"error", e.what()}});
    return json(503, R"({"error":"the change could not be kept (the node's data folder cannot be written); nothing changed"})");
  }
  return json(200, R"({"followed":true})");
}

}  // namespace hidewire::cli
