// The operator's dashboard on the admin listener (docs/DASHBOARD.md): GET /ui/ and /ui/<file>
// serve the embedded static files (no session: they hold no data); /ui/api/* is the JSON API
// behind a sign-in session (a cookie only /ui/api accepts), a CSRF token and Origin check on
// every non-GET, the admin or viewer role, and an audit record for every call. Every /ui
// answer carries the strict Content-Security-Policy and friends.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "api/admin.hpp"
#include "api/admin_guard.hpp"
#include "net/http/server.hpp"

namespace boost::asio {
class thread_pool;
}

namespace hidewire::node {
class Activity;
class FhirStore;
class Registry;
}  // namespace hidewire::node

namespace hidewire::federation {
class Federation;
}

namespace hidewire::dashboard {

class Sessions;

struct UiContext {
  const api::AdminContext& admin;  // the config, journal, router, intake and replay pool of the admin API
  const api::AdminGuard& guard;    // its authentication, access policy and audit
  node::FhirStore& store;
  const node::Registry& registry;  // for checking a config as `hidewire run` reads it
  std::string config_path, config_text;  // the running config, as read at start
  const node::Activity& activity;
  const federation::Federation* federation = nullptr;
  Sessions& sessions;
  // Each started source's endpoint as bound (node::Source::endpoint): shown instead of port 0.
  std::map<std::string, std::string> source_endpoints;
  bool tls = false;  // the admin listener is HTTPS: the cookie is Secure
  // Where the API's reads run (off the I/O threads); null: on the calling thread.
  boost::asio::thread_pool* work_pool = nullptr;
};

// Whether the dashboard answers the path (/ui, /ui/...).
bool is_ui_path(const std::string& path);
void ui_handle(const UiContext& ctx, const http::Request& r, std::function<void(http::Response)> reply);

}  // namespace hidewire::dashboard
