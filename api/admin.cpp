#include "api/admin.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdlib>

#include "api/admin_match.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::api {
namespace {

using fhir::json_escape;

// Label values escaped as the Prometheus text format asks.
std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// What GET / answers: every endpoint, so an operator finds them without the documentation.
constexpr const char* kIndex = R"j({"endpoints":[)j"
    R"j({"path":"/","method":"GET","description":"this list"},)j"
    R"j({"path":"/health","method":"GET","description":"liveness: status and node name"},)j"
    R"j({"path":"/stats","method":"GET","description":"counters per channel: received, stored, accepted, rejected, duplicates, patient_level and valid_nhs_number (accepted messages about a patient; of them keyed by a valid NHS number), routed, delivered, failed, dead_lettered; the node's kind, its clinicians' GP-record reads (gp_record_reads) and the GP Connect records it served to other organisations' urgent care (gp_records_to_urgent_care)"},)j"
    R"j({"path":"/metrics","method":"GET","description":"the same counters and the journal's group commits, in Prometheus text format"},)j"
    R"j({"path":"/messages","method":"GET","description":"journal entries; query: status=rejected|failed, message_id=MSH-10, limit= at most 1000, after= the last id of the previous page"},)j"
    R"j({"path":"/messages/{id}/replay","method":"POST","description":"send a journalled message through the node again; one refused for its content is converted again first"},)j"
    R"j({"path":"/match","method":"GET","description":"messages held at patient matching (no confident single match for their patient); after= the last id of the previous page"},)j"
    R"j({"path":"/match/{id}","method":"GET","description":"one held message: its patient's demographics and the candidates as they score now"},)j"
    R"j({"path":"/match/{id}/resolve","method":"POST","description":"role admin; body nhs_number: keys it to that patient, action new-patient: records a new one, action reject: refuses it"},)j"
    R"j({"path":"/follow","method":"GET, POST, DELETE","description":"patients whose GP Connect structured record is fetched on a schedule; body {\"nhs_number\":\"...\"} to follow or stop"}]})j";

std::string metrics(const AdminContext& ctx) {
  std::string out;
  auto per_channel = ctx.router.channel_counts();
  auto family = [&](const char* name, const char* help, auto value) {
    out += std::string("# HELP hidewire_") + name + " " + help + "\n# TYPE hidewire_" + name + " counter\n";
    for (const auto& [cname, ch] : ctx.intake.channels())
      out += std::string("hidewire_") + name + "{channel=\"" + label(cname) + "\"} " +
             std::to_string(value(ch->stats(), per_channel[cname])) + "\n";
  };
  using S = node::SourceStats;
  using C = node::ChannelCounts;
  family("messages_received_total", "Messages received by the source.", [](const S& s, const C&) { return s.received.load(); });
  family("messages_accepted_total", "Messages journalled as accepted (AA).", [](const S& s, const C&) { return s.accepted.load(); });
  family("messages_rejected_total", "Messages journalled as refused (AE, AR).", [](const S& s, const C&) { return s.rejected.load(); });
  family("messages_duplicate_total", "Resends answered with the first ACK.", [](const S& s, const C&) { return s.duplicates.load(); });
  family("messages_routed_total", "Accepted messages routed.", [](const S&, const C& c) { return c.routed; });
  family("deliveries_total", "Deliveries that reached their destination.", [](const S&, const C& c) { return c.delivered; });
  family("deliveries_failed_total", "Deliveries that failed for good (dead letters).", [](const S&, const C& c) { return c.failed; });
  out += "# HELP hidewire_journal_commits_total Group commits of the journal.\n# TYPE hidewire_journal_commits_total counter\n";
  out += "hidewire_journal_commits_total " + std::to_string(ctx.group.commits()) + "\n";
  out += "# HELP hidewire_messages_unmatched_total Messages no route matched.\n# TYPE hidewire_messages_unmatched_total counter\n";
  out += "hidewire_messages_unmatched_total " + std::to_string(ctx.router.counters().unmatched.load()) + "\n";
  return out;
}

// A message refused for its content is converted again first (the maps may have been fixed), by
// the converter of its format; then it is routed again and the answer waits for the outcome.
http::Response replay(const AdminContext& ctx, std::int64_t id) {
  http::Response out;
  out.content_type = "application/json";
  auto entry = ctx.journal.get(id);
  if (!entry) {
    out.status = 404;
    out.body = "{\"error\":\"no journal entry " + std::to_string(id) + "\"}";
    return out;
  }
  if (entry->status == "held") {  // its patient is not known yet: routing it would store it unkeyed
    out.status = 409;
    out.body = "{\"id\":" + std::to_string(id) + ",\"outcome\":\"held\",\"error\":\"held for patient matching: resolve it (POST /match/" +
               std::to_string(id) + "/resolve)\"}";
    return out;
  }
  if (entry->output.empty() && !entry->raw.empty()) {
    node::Conversion conv = ctx.intake.reconvert(*entry);
    if (conv.status != node::Conversion::Status::Converted) {
      std::string why;
      for (const fhir::Issue& i : conv.diagnostics.issues())
        if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal) {
          why = (i.location.empty() ? "" : i.location + ": ") + i.message;
          break;
        }
      ctx.journal.update_outcome(id, entry->status, "still refused: " + why, "");
      out.status = 422;
      out.body = "{\"id\":" + std::to_string(id) + ",\"outcome\":\"rejected\",\"error\":\"still not convertible: " + json_escape(why) + "\"}";
      return out;
    }
    ctx.journal.update_outcome(id, "accepted", "", conv.bundle_json);
  }
  return route_again(ctx, id);
}

}  // namespace

http::Response route_again(const AdminContext& ctx, std::int64_t id) {
  http::Response out;
  out.content_type = "application/json";
  std::string error;
  bool pending = false;
  if (ctx.router.replay(id, error, ctx.replay_wait, pending)) {
    out.body = "{\"id\":" + std::to_string(id) + ",\"outcome\":\"delivered\"}";
  } else if (pending) {
    out.status = 202;
    out.body = "{\"id\":" + std::to_string(id) + ",\"outcome\":\"pending\",\"error\":\"" + json_escape(error) + "\"}";
  } else {
    out.status = 409;
    out.body = "{\"id\":" + std::to_string(id) + ",\"outcome\":\"failed\",\"error\":\"" + json_escape(error) + "\"}";
  }
  return out;
}

http::Response admin_handle(const AdminContext& ctx, const http::Request& r) {
  http::Response out;
  out.content_type = "application/json";
  if (r.path == "/" && r.method == "GET") {
    out.body = kIndex;
  } else if (r.path == "/health") {
    out.body = R"({"status":"ok","node":")" + json_escape(ctx.cfg.name) + R"(","journal":")" +
               (ctx.group.writable() ? "writable" : "cannot write: refusing messages") + "\"}";
  } else if (r.path == "/stats") {
    const auto& c = ctx.router.counters();
    auto per_channel = ctx.router.channel_counts();
    out.body = "{\"channels\":{";
    bool first = true;
    for (const auto& [name, ch] : ctx.intake.channels()) {
      const auto& s = ch->stats();
      const node::ChannelCounts& rc = per_channel[name];
      out.body += (first ? "" : ",") + std::string("\"") + json_escape(name) + "\":{\"received\":" + std::to_string(s.received) +
                  ",\"stored\":" + std::to_string(s.accepted + s.rejected) + ",\"accepted\":" + std::to_string(s.accepted) +
                  ",\"rejected\":" + std::to_string(s.rejected) + ",\"duplicates\":" + std::to_string(s.duplicates) + ",\"reused_control_ids\":" + std::to_string(s.reused) +
                  ",\"unavailable\":" + std::to_string(s.unavailable) + ",\"patient_level\":" + std::to_string(s.patient_level) +
                  ",\"valid_nhs_number\":" + std::to_string(s.valid_nhs_number) +
                  ",\"routed\":" + std::to_string(rc.routed) + ",\"delivered\":" + std::to_string(rc.delivered) +
                  ",\"failed\":" + std::to_string(rc.failed) + ",\"dead_lettered\":" + std::to_string(rc.dead_lettered) + "}";
      first = false;
    }
    out.body += "},\"routed\":" + std::to_string(c.routed) + ",\"delivered\":" + std::to_string(c.delivered) +
                ",\"failed\":" + std::to_string(c.failed) + ",\"dead_lettered\":" + std::to_string(c.dead_lettered) +
                ",\"unmatched\":" + std::to_string(c.unmatched) + ",\"kind\":\"" + json_escape(ctx.cfg.auth.node_kind) +
                "\",\"gp_record_reads\":" + std::to_string(ctx.gp_record_reads ? ctx.gp_record_reads->load() : 0) +
                ",\"gp_records_to_urgent_care\":" + std::to_string(ctx.gp_records_to_urgent_care ? ctx.gp_records_to_urgent_care->load() : 0) + "}";
  } else if (r.path == "/metrics") {
    out.content_type = "text/plain; version=0.0.4";
    out.body = metrics(ctx);
  } else if (r.path == "/messages" && r.method == "GET") {
    auto status = r.query.find("status");
    auto wanted = r.query.find("message_id");
    auto after = r.query.find("after");   // paging: the last id of the previous page
    auto limit = r.query.find("limit");   // at most 1000 a page
    std::int64_t after_id = after == r.query.end() ? 0 : std::atoll(after->second.c_str());
    long long lim = limit == r.query.end() ? 1000 : std::atoll(limit->second.c_str());
    if (lim < 1 || lim > 1000) lim = 1000;
    out.body = "[";
    // The message id is a condition of the query: filtering a page afterwards missed every
    // message past the first `limit` rows.
    auto list = ctx.journal.list(status == r.query.end() ? "" : status->second, static_cast<std::size_t>(lim), after_id,
                                 wanted == r.query.end() ? "" : wanted->second);
    for (std::size_t i = 0; i < list.size(); ++i)
      out.body += (i ? "," : "") + std::string("{\"id\":") + std::to_string(list[i].id) + ",\"channel\":\"" + json_escape(list[i].channel) +
                  "\",\"message_id\":\"" + json_escape(list[i].message_id) + "\",\"status\":\"" + list[i].status +
                  "\",\"reason\":\"" + json_escape(list[i].reason) + "\",\"received_at\":\"" + list[i].received_at + "\"}";
    out.body += "]";
  } else if (is_match_path(r.path)) {
    try {
      return match_handle(ctx, r);
    } catch (const node::StorageUnavailable& e) {
      out.status = 503;
      out.body = "{\"error\":\"" + json_escape(std::string("the journal cannot write now: ") + e.what()) + "\"}";
    }
  } else if (r.method == "POST" && r.path.rfind("/messages/", 0) == 0 && r.path.ends_with("/replay")) {
    try {
      return replay(ctx, std::atoll(r.path.substr(10).c_str()));
    } catch (const node::StorageUnavailable& e) {
      out.status = 503;  // the journal cannot write now (a full disk): replay again later
      out.body = "{\"error\":\"" + json_escape(std::string("the journal cannot write now: ") + e.what()) + "\"}";
    }
  } else if (r.path == "/follow" && ctx.follow) {
    return ctx.follow(r);
  } else {
    out.status = 404;
    out.body = R"({"error":"unknown admin endpoint"})";
  }
  return out;
}

void admin_handle_async(const AdminContext& ctx, const http::Request& r, std::function<void(http::Response)> reply) {
  bool is_replay = (r.method == "POST" && r.path.rfind("/messages/", 0) == 0 && r.path.ends_with("/replay")) || is_match_resolve(r);
  if (!is_replay || !ctx.replay_pool) return reply(admin_handle(ctx, r));
  boost::asio::post(*ctx.replay_pool, [&ctx, r, reply = std::move(reply)] { reply(admin_handle(ctx, r)); });
}

}  // namespace hidewire::api
