// The node's admin endpoints: / (the list of them), /health, /stats (JSON counters per channel), /metrics (the same in
// Prometheus text format, for the monitoring most integration teams already run), /messages
// (journal search by status and control id) and POST /messages/{id}/replay, which answers with
// the replay's real outcome (delivered, failed with the reason, or still pending).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "net/http/server.hpp"
#include "node/config.hpp"
#include "node/delivery.hpp"
#include "node/group_journal.hpp"
#include "node/intake.hpp"
#include "node/journal.hpp"

namespace boost::asio {
class thread_pool;
}

namespace hidewire::api {

struct AdminContext {
  const node::NodeConfig& cfg;
  node::Journal& journal;
  node::Router& router;
  node::GroupJournal& group;
  node::Intake& intake;
  std::chrono::milliseconds replay_wait{30000};
  // Replays wait for their outcome there, never on an I/O thread (which serves every sender).
  boost::asio::thread_pool* replay_pool = nullptr;
  // GET, POST and DELETE /follow: the patients whose GP Connect record is fetched on a schedule
  // (federation/gpconnect_follow.hpp); unset: 404.
  std::function<http::Response(const http::Request&)> follow;
  // Federated record queries that got the patient's GP record (federation::Federation); unset: 0.
  const std::atomic<std::uint64_t>* gp_record_reads = nullptr;
  // GP Connect structured records this node served to other organisations' urgent care (http::FhirApi); unset: 0.
  const std::atomic<std::uint64_t>* gp_records_to_urgent_care = nullptr;
};

http::Response admin_handle(const AdminContext& ctx, const http::Request& r);
// Routes an accepted journal entry again and waits for its outcome: 200 delivered, 202 still
// being retried, 409 failed (a replay, a resolved match).
http::Response route_again(const AdminContext& ctx, std::int64_t id);
// The same, answering replays from `replay_pool` once their outcome is known.
void admin_handle_async(const AdminContext& ctx, const http::Request& r, std::function<void(http::Response)> reply);

}  // namespace hidewire::api
