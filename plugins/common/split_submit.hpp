// A file its converter splits into several messages (Converter::split: a delimited export, one
// message per person): each part is submitted on its own, in order, and the file is settled once
// every part has its journalled outcome, so one refused part never holds back the others.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "node/intake.hpp"

namespace hidewire::plugins {

struct PartsOutcome {
  std::size_t parts = 0;
  std::size_t accepted = 0;     // accepted, or a resend of one that was
  std::size_t unavailable = 0;  // not stored (a full disk): the file should be taken again
  // One line per part: its number, outcome and journal id, and a refused one's first error (as journalled).
  std::string summary;
};

// Submits each of `parts` to `channel` as `format`; `done` is called once, from the thread that
// delivered the last outcome. `responder` must outlive it.
void submit_parts(node::Channel& channel, std::vector<std::string> parts, const std::string& format, const node::Caller& caller,
                  const node::Responder& responder, std::function<void(const PartsOutcome&)> done);

}  // namespace hidewire::plugins
