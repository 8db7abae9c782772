#include "plugins/common/split_submit.hpp"

#include <memory>
#include <mutex>

namespace hidewire::plugins {
namespace {

const char* kind_name(node::Outcome::Kind k) {
  using K = node::Outcome::Kind;
  switch (k) {
    case K::Accepted: return "accepted";
    case K::Rejected: return "rejected";
    case K::Unreadable: return "unreadable";
    case K::Duplicate: return "duplicate";
    case K::Reused: return "reused";
    case K::Unavailable: return "unavailable";
  }
  return "?";
}

struct Pending {
  std::vector<std::string> lines;
  std::size_t left = 0;
  PartsOutcome result;
  std::mutex mu;
  std::function<void(const PartsOutcome&)> done;
};

}  // namespace

void submit_parts(node::Channel& channel, std::vector<std::string> parts, const std::string& format, const node::Caller& caller,
                  const node::Responder& responder, std::function<void(const PartsOutcome&)> done) {
  auto p = std::make_shared<Pending>();
  p->lines.resize(parts.size());
  p->left = parts.size();
  p->result.parts = parts.size();
  p->done = std::move(done);
  if (parts.empty()) return p->done(p->result);
  node::SenderRef sender = node::make_sender(caller);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    channel.submit(std::move(parts[i]), format, sender, responder, [p, i](const node::Outcome& o, const std::string&) {
      std::unique_lock lock(p->mu);
      using K = node::Outcome::Kind;
      if (o.kind == K::Accepted || (o.kind == K::Duplicate && o.first_status != "rejected")) ++p->result.accepted;
      if (o.kind == K::Unavailable) ++p->result.unavailable;
      std::string why;
      if (o.conversion && (o.kind == K::Rejected || o.kind == K::Unreadable || o.kind == K::Reused))
        for (const fhir::Issue& is : o.conversion->diagnostics.issues())
          if (is.severity == fhir::Severity::Error || is.severity == fhir::Severity::Fatal) {
            why = ": " + (is.location.empty() ? "" : is.location + ": ") + is.message;
            break;
          }
      p->lines[i] = "message " + std::to_string(i + 1) + ": " + kind_name(o.kind) +
                    (o.journal_id ? " (journal " + std::to_string(o.journal_id) + ")" : "") + why + "\n";
      if (--p->left > 0) return;
      for (const std::string& l : p->lines) p->result.summary += l;
      lock.unlock();
      p->done(p->result);
    });
  }
}

}  // namespace hidewire::plugins
