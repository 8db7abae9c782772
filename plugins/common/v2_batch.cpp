#include "plugins/common/v2_batch.hpp"

#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include "hl7v2/batch.hpp"

namespace hidewire::plugins {
namespace {

std::string now_v2() {
  std::time_t t = std::time(nullptr);
  std::tm g{};
  gmtime_r(&t, &g);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S+0000", &g);
  return buf;
}

struct Pending {
  hl7v2::Batch batch;
  std::vector<std::string> acks;
  std::size_t left = 0;
  BatchOutcome result;
  std::mutex mu;
  std::function<void(const BatchOutcome&)> done;
};

}  // namespace

void submit_v2_batch(node::Channel& channel, std::string_view text, const node::Caller& caller, const node::Responder& responder,
                     std::function<void(const BatchOutcome&)> done) {
  auto p = std::make_shared<Pending>();
  p->batch = hl7v2::split_batch(text);
  // The views point into `text`, which the caller may free: each message is copied as it is submitted.
  std::vector<std::string> messages(p->batch.messages.begin(), p->batch.messages.end());
  p->batch.messages.clear();
  p->acks.resize(messages.size());
  p->left = messages.size();
  p->result.messages = messages.size();
  p->done = std::move(done);
  if (messages.empty()) {
    p->result.answer = hl7v2::batch_answer(p->batch, {}, now_v2());
    return p->done(p->result);
  }
  node::SenderRef sender = node::make_sender(caller);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    channel.submit(std::move(messages[i]), "hl7v2", sender, responder, [p, i](const node::Outcome& o, const std::string& ack) {
      std::unique_lock lock(p->mu);
      p->acks[i] = ack;
      using K = node::Outcome::Kind;
      if (o.kind == K::Accepted || (o.kind == K::Duplicate && o.first_status != "rejected")) ++p->result.accepted;
      if (o.kind == K::Unavailable) ++p->result.unavailable;
      if (--p->left > 0) return;
      p->result.answer = hl7v2::batch_answer(p->batch, p->acks, now_v2());
      lock.unlock();
      p->done(p->result);
    });
  }
}

}  // namespace hidewire::plugins
