// A Caller as the journal keeps it with each message (JournalEntry::caller): a compact JSON of
// who sent it (kind, id, ods, address, request_id, and the facilities and person when there are
// any), so the audit of writes is built from the journal, also after a crash, and a replay
// converts the message again as its sender, not as the operator who replays it.
#pragma once

#include <string>
#include <string_view>

#include "node/caller.hpp"

namespace hidewire::node {

std::string caller_json(const Caller& c);
// The Caller back from caller_json's text; empty or unreadable text (journals from before
// callers were recorded) is an Anonymous caller.
Caller caller_from_json(std::string_view json);

}  // namespace hidewire::node
