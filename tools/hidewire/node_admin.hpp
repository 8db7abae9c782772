// The node's admin endpoints: / (the list of them), /health, /stats (JSON counters per channel), /metrics (the same in
// Prometheus text format, for the monitoring most integration teams already run), /messages
// (journal search by status and MSH-10) and POST /messages/{id}/replay.
#pragma once

#include <string>
#include <vector>

#include "router/config.hpp"
#include "router/delivery.hpp"
#include "router/group_journal.hpp"
#include "router/http/server.hpp"
#include "router/journal.hpp"
#include "router/source_stats.hpp"

namespace hidewire::cli {

struct AdminContext {
  const router::NodeConfig& cfg;
  router::Journal& journal;
  router::Router& router;
  router::GroupJournal& group;
  struct Source {
    std::string name;
    const router::SourceStats* stats;
  };
  std::vector<Source> sources;
};

http::Response admin_handle(const AdminContext& ctx, const http::Request& r);

}  // namespace hidewire::cli
