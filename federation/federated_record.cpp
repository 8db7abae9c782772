#include "federation/federated_record.hpp"

#include <rapidjson/document.h>

#include <mutex>
#include <set>

#include "audit/audit_event.hpp"
#include "federation/gpconnect_consumer.hpp"
#include "federation/merge.hpp"
#include "federation/parameters.hpp"
#include "fhir/clock.hpp"
#include "log/log.hpp"

namespace hidewire::federation {
namespace {

constexpr const char* kHolds = "$hidewire-holds-record";
constexpr const char* kPatientRecord = "$hidewire-patient-record";
constexpr const char* kStructured = "$gpc.getstructuredrecord";

Answer refused(const Refusal& r, std::string nhs = {}) {
  Answer a;
  a.status = r.status;
  a.body = refusal_body(r);
  a.nhs_number = std::move(nhs);
  a.audit_outcome = r.status >= 500 ? 8 : 4;
  a.outcome_text = r.spine_code + ": " + r.diagnostics;
  return a;
}

// A peer that gave no answer, or not the one asked for, as an issue of the merged record.
PeerIssue issue_of(const Peer& p, const PeerReply& r, int deadline_ms) {
  PeerIssue i;
  i.ods_code = p.ods_code;
  i.kind = p.kind;
  switch (r.kind) {
    case PeerReply::Kind::TimedOut:
      i.code = "timeout";
      i.text = "no answer within the deadline (" + std::to_string(deadline_ms) + " ms)";
      break;
    case PeerReply::Kind::TlsRefused:
      i.code = "security";
      i.text = "refused at TLS (its certificate must chain to the CA configured for it and name its host): " + r.error;
      break;
    case PeerReply::Kind::TooLarge:
      i.code = "too-costly";
      i.text = r.error;
      break;
    case PeerReply::Kind::Answered: {
      i.status = static_cast<int>(r.status);
      PeerError e = read_peer_error(r.body);
      i.spine_code = e.spine_code;
      i.code = r.status == 403 ? "forbidden" : r.status == 401 ? "security" : r.status == 404 ? "not-found" : r.status >= 500 ? "transient" : "processing";
      i.text = "refused: " + (e.diagnostics.empty() ? "HTTP " + std::to_string(r.status) : e.diagnostics);
      break;
    }
    default:
      i.code = "transient";
      i.text = "unreachable: " + r.error;
  }
  return i;
}

// $hidewire-holds-record's answer: holdsRecord and registeredGp (valueBoolean each).
struct Holds {
  bool ok = false, holds = false, registered_gp = false;
};
Holds read_holds(const std::string& body) {
  Holds h;
  rapidjson::Document d;
  if (d.Parse(body.c_str(), body.size()).HasParseError() || !d.IsObject() || !d.HasMember("parameter") || !d["parameter"].IsArray()) return h;
  for (const auto& p : d["parameter"].GetArray()) {
    if (!p.IsObject() || !p.HasMember("name") || !p["name"].IsString() || !p.HasMember("valueBoolean") || !p["valueBoolean"].IsBool()) continue;
    std::string_view name = p["name"].GetString();
    if (name == "holdsRecord") h.ok = true, h.holds = p["valueBoolean"].GetBool();
    if (name == "registeredGp") h.registered_gp = p["valueBoolean"].GetBool();
  }
  return h;
}

}  // namespace

struct Federation::Query {
  std::mutex mu;
  node::Caller caller;
  RecordRequest req;
  Clock::time_point started, deadline;
  Done done;
  int pending = 1;  // the calls in flight, and record() itself until it has posted the first ones
  std::vector<SourceRecord> sources;
  std::vector<PeerIssue> issues;
  std::vector<node::AuditRecord> audits;
  std::set<std::string> asked, asked_record;
};

Settings Settings::from_config(const node::NodeConfig& cfg) {
  Settings s;
  s.node_ods = cfg.ods_code;
  s.node_name = cfg.name;
  s.issuer = cfg.auth.audience;
  s.jwt_key_file = cfg.federation.jwt_key;
  s.deadline_ms = cfg.federation.deadline_ms;
  s.max_queries = cfg.federation.max_queries;
  s.limits.max_answer_bytes = cfg.federation.max_answer_bytes;
  s.asid = cfg.federation.asid;
  return s;
}

Federation::Federation(Settings settings, Directory directory, node::FhirStore* store, node::AuditLog* audit)
    : settings_(std::move(settings)),
      directory_(std::move(directory)),
      store_(store),
      audit_(audit),
      key_(auth::load_key(settings_.jwt_key_file)),
      client_(settings_.limits) {
  if (!key_.is_private) throw std::runtime_error(settings_.jwt_key_file + ": federation.jwt_key must be a private key (it signs)");
  issuer_ = TokenIssuer{&key_, settings_.issuer, settings_.node_ods, settings_.node_name, 300};
}

Federation::~Federation() { stop(); }

void Federation::stop() { client_.stop(); }

void Federation::record(const std::string& body, const node::Caller& caller, Done done) {
  // On behalf of a named person only: a query for nobody is not sent (nor one a peer relays).
  if (caller.kind != node::Caller::Kind::System || !caller.person_present || caller.ods_code != settings_.node_ods)
    return done(refused({403, "forbidden", "ACCESS DENIED", "Access denied",
                         "a federated record is asked for by one of this organisation's systems with a JWT naming the person "
                         "(requesting_practitioner)"}));
  auto q = std::make_shared<Query>();
  if (auto bad = parse_record_request(body, q->req)) return done(refused(*bad));
  const std::string& nhs = q->req.nhs_number;
  if (caller.purpose != "direct-care" && caller.purpose != "emergency")
    return done(refused({403, "forbidden", "ACCESS DENIED", "Access denied",
                         "a federated record is for direct care: the token's reason_for_request must be directcare or emergency"}, nhs));
  if (!q->req.purpose.empty() && q->req.purpose != caller.purpose)
    return done(refused({422, "invalid", "INVALID_PARAMETER", "Invalid parameter",
                         "purposeOfUse is not the purpose of use of the caller's token"}, nhs));
  if (active_.fetch_add(1) >= settings_.max_queries) {
    --active_;
    return done(refused({503, "transient", "INTERNAL_SERVER_ERROR", "Internal server error",
                         "too many federated queries in flight; try again shortly"}, nhs));
  }
  q->caller = caller;
  q->done = std::move(done);
  q->started = Clock::now();
  q->deadline = q->started + std::chrono::milliseconds(settings_.deadline_ms);

  std::string gp;
  if (store_) {
    try {
      gp = registered_gp_in_store(*store_, nhs);
    } catch (const std::exception& e) {
      log::warn("federation: the registered GP could not be read from the store; asking the peers", {{"error", e.what()}});
    }
  }
  if (!gp.empty() && gp != settings_.node_ods && !directory_.find(gp)) {
    PeerIssue i{gp, "gp-practice", "not-found", 0, {}, "the registered GP practice is not among this node's peers[] (no url to ask it at)"};
    q->issues.push_back(std::move(i));
  }
  for (const Peer& p : directory_.peers()) {
    if (p.ods_code == settings_.node_ods) continue;  // this node's own records are read from its own API
    if (p.ods_code == gp) ask_record(q, p, true);    // known already: no need to ask whether it holds
    else if (!p.gpconnect()) ask_holds(q, p);        // a GP system's provider serves only its own patients' records
  }
  bool last;
  {
    std::lock_guard lock(q->mu);
    last = --q->pending == 0;
  }
  if (last) finish(q);
}

void Federation::post(const std::shared_ptr<Query>& q, const Peer& peer, const std::string& operation, std::string body,
                      std::function<void(PeerReply)> then) {
  PeerCall call;
  try {
    if (peer.gpconnect()) {
      call = gpc_call(peer, settings_.asid, gpc_token(issuer_, q->caller, peer), std::move(body), q->caller.request_id, q->deadline);
    } else {
      call.url = peer.url + "/Patient/" + operation;
      call.body = std::move(body);
      call.tls = peer.tls;
      call.deadline = q->deadline;
      call.headers.push_back("Authorization: Bearer " + mint_peer_token(issuer_, q->caller, peer.url));
      call.headers.push_back("X-Request-ID: " + q->caller.request_id);
    }
  } catch (const std::exception& e) {
    PeerReply r;
    r.kind = PeerReply::Kind::Unreachable;
    r.error = std::string("its JWT could not be signed: ") + e.what();
    then(std::move(r));
    return;
  }
  {
    std::lock_guard lock(q->mu);
    ++q->pending;
    q->asked.insert(peer.ods_code);
  }
  client_.post(std::move(call), [this, q, &peer, then = std::move(then)](PeerReply r) {
    record_stats(peer, r);
    then(std::move(r));
    bool last;
    {
      std::lock_guard lock(q->mu);
      last = --q->pending == 0;
    }
    if (last) finish(q);
  });
}

void Federation::record_stats(const Peer& peer, const PeerReply& r) {
  bool answered = r.kind == PeerReply::Kind::Answered;
  std::string refusal;
  if (answered && r.status >= 400 && r.status != 404) {  // 404: it holds no record, not a refusal
    std::string code = read_peer_error(r.body).spine_code;
    refusal = code.empty() ? "HTTP " + std::to_string(r.status) : code;
  }
  stats_.record(peer.ods_code, answered, r.seconds * 1000.0, refusal);
}

void Federation::fetch_structured(const Peer& provider, const std::string& nhs, const node::Caller& caller, std::function<void(GpcResult)> done) {
  RecordRequest req;
  req.nhs_number = nhs;
  PeerCall call;
  try {
    call = gpc_call(provider, settings_.asid, gpc_token(issuer_, caller, provider), structured_record_parameters(req), caller.request_id,
                    Clock::now() + std::chrono::milliseconds(settings_.deadline_ms));
  } catch (const std::exception& e) {
    GpcResult g;
    g.issue.text = std::string("GP Connect: its JWT could not be signed: ") + e.what();
    return done(std::move(g));
  }
  client_.post(std::move(call), [this, &provider, done = std::move(done)](PeerReply r) {
    record_stats(provider, r);
    done(read_gpc_reply(provider, std::move(r), nullptr, settings_.deadline_ms));
  });
}

void Federation::ask_holds(const std::shared_ptr<Query>& q, const Peer& peer) {
  post(q, peer, kHolds, nhs_number_parameters(q->req.nhs_number), [this, q, &peer](PeerReply r) {
    if (r.kind == PeerReply::Kind::Answered && r.status == 200) {
      Holds h = read_holds(r.body);
      if (h.ok && h.holds) return ask_record(q, peer, h.registered_gp);
      if (h.ok) return peer_done(q, peer, 0, kHolds + std::string(": holds no record"));
    } else if (r.kind == PeerReply::Kind::Answered && r.status == 404) {
      return peer_done(q, peer, 0, kHolds + std::string(": holds no record (404)"));
    }
    PeerIssue i = issue_of(peer, r, settings_.deadline_ms);
    if (r.kind == PeerReply::Kind::Answered && r.status == 200) i.code = "invalid", i.text = "its answer to " + std::string(kHolds) + " is not Parameters with holdsRecord";
    std::string text = kHolds + std::string(": ") + i.text;
    int outcome = r.kind == PeerReply::Kind::Answered && r.status >= 400 && r.status < 500 ? 4 : 8;
    {
      std::lock_guard lock(q->mu);
      q->issues.push_back(std::move(i));
    }
    peer_done(q, peer, outcome, text);
  });
}

void Federation::ask_record(const std::shared_ptr<Query>& q, const Peer& peer, bool gp) {
  {
    std::lock_guard lock(q->mu);
    if (!q->asked_record.insert(peer.ods_code).second) return;
  }
  const char* op = gp ? kStructured : kPatientRecord;
  std::string body = gp ? structured_record_parameters(q->req) : nhs_number_parameters(q->req.nhs_number);
  post(q, peer, op, std::move(body), [this, q, &peer, op](PeerReply r) {
    if (peer.gpconnect()) {  // STU3 and Spine errors: converted to R4, or read into a reason
      GpcResult g = read_gpc_reply(peer, std::move(r), settings_.stu3, settings_.deadline_ms);
      if (!g.ok) {
        std::string text = std::string(op) + ": " + g.issue.text;
        int outcome = g.issue.status >= 400 && g.issue.status < 500 ? 4 : 8;
        {
          std::lock_guard lock(q->mu);
          q->issues.push_back(std::move(g.issue));
        }
        return peer_done(q, peer, outcome, text);
      }
      r = PeerReply{PeerReply::Kind::Answered, 200, std::move(g.r4), {}, 0};
    }
    if (r.kind == PeerReply::Kind::Answered && r.status == 200) {
      SourceRecord s{peer.ods_code, peer.kind, peer.url, fhir::utc_now_instant(), std::move(r.body), {}};
      s.scan = scan_answer(s.body);  // the one pass over the answer; the merge splices what it found
      std::string wrong = s.scan.ok && s.scan.resource_type == "Bundle" ? wrong_patient(s.scan, q->req.nhs_number) : std::string();
      if (s.scan.ok && s.scan.resource_type == "Bundle" && wrong.empty()) {
        std::string text = std::string(op) + ": answered " + std::to_string(s.scan.entries.size()) + " resources";
        {
          std::lock_guard lock(q->mu);
          q->sources.push_back(std::move(s));
        }
        return peer_done(q, peer, 0, text);
      }
      PeerIssue i{peer.ods_code, peer.kind, "invalid", 200, {},
                  !wrong.empty()  ? "not merged: " + wrong
                  : s.scan.ok ? "its answer is not a Bundle: " + s.scan.resource_type
                              : "its answer is refused: " + s.scan.error};
      std::string text = std::string(op) + ": " + i.text;
      {
        std::lock_guard lock(q->mu);
        q->issues.push_back(std::move(i));
      }
      return peer_done(q, peer, 8, text);
    }
    PeerIssue i = issue_of(peer, r, settings_.deadline_ms);
    std::string text = std::string(op) + ": " + i.text;
    int outcome = r.kind == PeerReply::Kind::Answered && r.status >= 400 && r.status < 500 ? 4 : 8;
    {
      std::lock_guard lock(q->mu);
      q->issues.push_back(std::move(i));
    }
    peer_done(q, peer, outcome, text);
  });
}

void Federation::peer_done(const std::shared_ptr<Query>& q, const Peer& peer, int outcome, const std::string& text) {
  if (outcome != 0)
    log::info("federation: a peer gave no record", {{"peer", peer.ods_code}, {"request_id", q->caller.request_id}, {"outcome", outcome}});
  if (!audit_) return;
  audit::Access a{q->caller};
  a.interaction = "operation";
  a.query = "peer=" + peer.ods_code + "&url=" + peer.url;
  a.patient_nhs = q->req.nhs_number;
  a.outcome = outcome;
  a.outcome_text = "federated query to peer " + peer.describe() + " at " + peer.url + ": " + text;
  a.node_ods = settings_.node_ods;
  a.node_name = settings_.node_name;
  node::AuditRecord rec = audit::make_record(a);
  std::lock_guard lock(q->mu);
  q->audits.push_back(std::move(rec));
}

void Federation::finish(const std::shared_ptr<Query>& q) {
  MergeContext ctx{q->req.nhs_number, settings_.node_ods, settings_.node_name, fhir::utc_now_instant(), auth::random_uuid(), q->asked.size()};
  Answer a;
  a.nhs_number = q->req.nhs_number;
  if (q->sources.empty() && q->issues.empty()) {
    // Every peer answered, none with a record: to the clinician that is GP Connect's
    // PATIENT_NOT_FOUND, the same for an unknown patient and for one hidden from this caller
    // (sensitive), so the answer never tells them apart.
    a = refused({404, "not-found", "PATIENT_NOT_FOUND", "Patient not found", "no organisation asked holds a record of this patient that it may share"},
                q->req.nhs_number);
  } else {
    a.body = merge_record(ctx, q->sources, q->issues);
  }
  a.outcome_text = "federated record: " + std::to_string(q->asked.size()) + " peer(s) asked, " + std::to_string(q->sources.size()) +
                   " answered, " + std::to_string(q->issues.size()) + " not";
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - q->started).count();
  log::info("federated record", {{"request_id", q->caller.request_id}, {"asked", q->asked.size()}, {"answered", q->sources.size()},
                                 {"issues", q->issues.size()}, {"latency_ms", ms}});
  q->sources.clear();
  --active_;
  auto done = std::move(q->done);
  if (!audit_ || q->audits.empty()) return done(std::move(a));
  // The record of each peer asked is durable before the answer leaves (as for any access): an
  // answer whose peers' AuditEvents could not be written is not given.
  std::string nhs = a.nhs_number;
  audit_->append(std::move(q->audits), [done = std::move(done), a = std::move(a), nhs](bool ok, const std::string& error) mutable {
    if (ok) return done(std::move(a));
    log::error("federation: the AuditEvents of the peers asked could not be written", {{"error", error}});
    done(refused({503, "transient", "INTERNAL_SERVER_ERROR", "Internal server error",
                  "the peers' answers could not be audited, so they are not served: " + error},
                 nhs));
  });
}

}  // namespace hidewire::federation
