// An HL7 v2 batch (FHS / BHS ... BTS / FTS, or several messages back to back) taken by a source:
// each message is submitted on its own, in order, and the batch is answered once every one has
// its outcome, with the batch of their ACKs.
#pragma once

#include <functional>
#include <string>

#include "node/intake.hpp"

namespace hidewire::plugins {

struct BatchOutcome {
  std::string answer;         // the ACK batch (hl7v2::batch_answer)
  std::size_t messages = 0;
  std::size_t accepted = 0;   // accepted, or a resend of one that was
  std::size_t unavailable = 0;  // not stored (a full disk): the sender should send the batch again
};

// Submits each message of `text` to `channel`; `done` is called once, from the thread that
// delivered the last outcome. `responder` must outlive it.
void submit_v2_batch(node::Channel& channel, std::string_view text, const node::Caller& caller, const node::Responder& responder,
                     std::function<void(const BatchOutcome&)> done);

}  // namespace hidewire::plugins
