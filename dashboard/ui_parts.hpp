// Inside the dashboard's API: one call with its session, the JSON helpers and each view's
// endpoint (one .cpp per view). Not included outside dashboard/.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>

#include "dashboard/sessions.hpp"
#include "dashboard/ui.hpp"

namespace hidewire::dashboard {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Call {
  const UiContext& ctx;
  const Session& session;
  const http::Request& r;
  std::string patient_nhs;  // set by an endpoint about one patient: the audit record's entity
};

// {"error":"text"} with the status.
http::Response error(int status, const std::string& text);
// The JSON the writer holds, 200.
http::Response json(const rapidjson::StringBuffer& out, int status = 200);
// The request body as a JSON object, or an error answer (400) in `bad`.
bool body_object(const http::Request& r, rapidjson::Document& d, http::Response& bad);
std::string member_string(const rapidjson::Value& o, const char* key);
void write_string(Writer& w, const char* key, const std::string& value);
void write_nullable(Writer& w, const char* key, const std::string& value);  // null when empty
// A minute since the epoch as an ISO instant (the minute's start).
std::string minute_iso(std::int64_t minute);

http::Response channels(Call& c);
http::Response messages_search(Call& c);
http::Response message_detail(Call& c, std::int64_t id);
// Admin only (the caller checked); runs on the replay pool: replays wait for their outcome.
http::Response messages_replay(Call& c);
http::Response patient(Call& c);
http::Response federation_view(Call& c);
http::Response conformance(Call& c);
http::Response conformance_report(Call& c, const std::string& name);
http::Response config_view(Call& c);
http::Response config_check(Call& c);

}  // namespace hidewire::dashboard
