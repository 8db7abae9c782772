// The admin API's /follow (authenticated, authorised and audited by api/admin_guard): GET lists
// the followed patients, POST {"nhs_number":N} follows one (fetched at once, then on the
// schedule), DELETE with the same body stops.
#pragma once

#include "federation/gpconnect_follow.hpp"
#include "net/http/server.hpp"
#include "node/config.hpp"
#include "node/intake.hpp"

namespace hidewire::cli {

http::Response follow_admin(federation::Follower& follower, const http::Request& r);

// A followed patient's STU3 record into `channel` (format fhir-stu3), as sent by the provider
// (a peer caller of its ODS code, with the write_types its peers[] entry grants), so it is
// converted, gated, journalled, audited and replayable as any message.
federation::Follower::Submit followed_record_intake(const node::NodeConfig& cfg, node::Channel& channel);

}  // namespace hidewire::cli
