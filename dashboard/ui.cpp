#include "dashboard/ui.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <openssl/crypto.h>

#include <memory>

#include "api/fhir_api.hpp"
#include "auth/jwt.hpp"
#include "auth/request_id.hpp"
#include "dashboard/assets.hpp"
#include "dashboard/ui_parts.hpp"

namespace hidewire::dashboard {
namespace {

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::size_t kMaxConfigBody = 1024 * 1024;
constexpr const char* kCookie = "hw_session";

http::Response secured(http::Response r, bool api) {
  r.headers.emplace("Content-Security-Policy", kCsp);  // a report page brings its own, as strict
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["X-Frame-Options"] = "DENY";
  if (api) r.headers["Cache-Control"] = "no-store";
  return r;
}

http::Response static_file(const http::Request& r) {
  if (r.method != "GET" && r.method != "HEAD") return error(405, "static files are read with GET");
  if (r.path == "/ui") {  // relative links in index.html need the slash
    http::Response out;
    out.status = 308;
    out.content_type = "text/plain";
    out.headers["Location"] = "/ui/";
    return out;
  }
  std::string name = r.path.substr(4);  // after "/ui/"
  if (name.empty()) name = "index.html";
  const Asset* a = name.find("..") == std::string::npos ? find_asset(name) : nullptr;
  if (!a) return error(404, "no such file");
  http::Response out;
  out.content_type = a->content_type;
  out.body.assign(a->body);
  out.headers["Cache-Control"] = "no-cache";  // revalidated: a new binary's files are used at once
  return out;
}

bool same_text(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The listener's own origin as the browser names it: the scheme and the Host it was asked for
// (a cross-site page's request carries its own Origin, never this one), or its bound address.
bool origin_ok(const UiContext& ctx, const http::Request& r) {
  const std::string& origin = r.header("origin");
  if (origin.empty()) return true;
  std::string scheme = ctx.tls ? "https://" : "http://";
  const std::string& host = r.header("host");
  return (!host.empty() && origin == scheme + host) || origin == r.base_url;
}

std::string session_body(const UiContext& ctx, const Session& s) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  std::string name = s.caller.person_present && !s.caller.person.name.empty() ? s.caller.person.name : s.caller.id;
  write_string(w, "name", name);
  write_string(w, "role", s.role);
  write_string(w, "organisation", s.caller.ods_code);
  write_string(w, "node", ctx.admin.cfg.name);
  write_string(w, "csrf", s.csrf);
  write_string(w, "expires_at", s.expires_at);
  w.EndObject();
  return b.GetString();
}

// Audits the call (as the admin API's uses are), then answers with the dashboard's headers.
void audited(const UiContext& ctx, const node::Caller& caller, const std::string& interaction, const http::Request& r, const std::string& nhs,
             http::Response answer, const std::function<void(http::Response)>& reply) {
  int outcome = answer.status >= 500 ? 8 : answer.status >= 400 ? 4 : 0;
  std::string why = answer.status >= 400 ? "answered " + std::to_string(answer.status) : std::string();
  api::audit_then_answer(ctx.guard, caller, interaction, r.method + " " + r.path, nhs, outcome, why, std::move(answer), [reply](http::Response out) {
    reply(secured(std::move(out), true));  // the 503 of an audit that failed gets the headers too
  });
}

// POST /ui/api/session: the credential a browser holds (a bearer token, a JWT, or its client
// certificate alone) is checked by the node's authentication, then the access policy gives the role.
void sign_in(const UiContext& ctx, const http::Request& r, const std::function<void(http::Response)>& reply) {
  node::Caller nobody;
  nobody.address = r.peer_address;
  rapidjson::Document d;
  http::Response bad;
  if (!body_object(r, d, bad)) return audited(ctx, nobody, "dashboard-sign-in", r, "", std::move(bad), reply);
  node::Credentials cred = http::credentials_of(r, "admin");
  std::string token = member_string(d, "token");
  cred.authorization = token.empty() ? std::string() : "Bearer " + token;
  node::AuthOutcome a = ctx.guard.auth.authenticate(cred);
  if (!a.ok) return audited(ctx, nobody, "dashboard-sign-in", r, "", error(401, "sign-in refused: " + a.message), reply);
  std::string role = ctx.guard.policy.decide({a.caller, "replay", "", ""}).allowed ? "admin"
                     : ctx.guard.policy.decide({a.caller, "admin", "", ""}).allowed ? "viewer"
                                                                                     : "";
  if (role.empty()) return audited(ctx, a.caller, "dashboard-sign-in", r, "", error(403, "the dashboard needs the admin or viewer role"), reply);
  std::string cookie;
  std::optional<Session> s = ctx.sessions.start(a.caller, role, cookie);
  if (!s) return audited(ctx, a.caller, "dashboard-sign-in", r, "", error(503, "too many dashboard sessions: sign out elsewhere or try later"), reply);
  http::Response out;
  out.content_type = "application/json";
  out.body = session_body(ctx, *s);
  out.headers["Set-Cookie"] = std::string(kCookie) + "=" + cookie + "; HttpOnly; SameSite=Strict; Path=/ui" + (ctx.tls ? "; Secure" : "");
  audited(ctx, a.caller, "dashboard-sign-in", r, "", std::move(out), reply);
}

std::int64_t id_in(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoll(s);
}

// The signed-in calls. Replays run on the replay pool (they wait for their outcome).
void route(const UiContext& ctx, std::shared_ptr<Call> c, const std::function<void(http::Response)>& reply) {
  const http::Request& r = c->r;
  const std::string& p = r.path;
  auto done = [&ctx, c, reply](const std::string& interaction, http::Response out) {
    audited(ctx, c->session.caller, interaction, c->r, c->patient_nhs, std::move(out), reply);
  };
  // Runs `f` on `pool` (inline without one) and answers with what it gives, or with `failed`
  // (503 or 500) and the reason when it throws. Reads run on the dashboard's own threads: a
  // patient's whole record or a message converted again must not hold up the I/O threads that
  // acknowledge messages; replays on the admin API's replay pool (they wait for their outcome).
  auto on_pool = [done](boost::asio::thread_pool* pool, std::string interaction, int failed, std::function<http::Response()> f) {
    auto run = [done, interaction = std::move(interaction), failed, f = std::move(f)] {
      http::Response out;
      try {
        out = f();
      } catch (const node::StorageUnavailable& e) {
        out = error(503, std::string("storage cannot be read now: ") + e.what());
      } catch (const std::exception& e) {
        out = error(failed, e.what());
      }
      done(interaction, std::move(out));
    };
    if (!pool) return run();
    boost::asio::post(*pool, std::move(run));
  };
  auto answer = [&ctx, on_pool](std::function<http::Response()> f) { on_pool(ctx.work_pool, "dashboard", 500, std::move(f)); };
  const bool get = r.method == "GET";
  if (p == "/ui/api/session" && get) {
    http::Response out;
    out.content_type = "application/json";
    out.body = session_body(ctx, c->session);
    return done("dashboard", std::move(out));
  }
  if (p == "/ui/api/session" && r.method == "DELETE") {
    ctx.sessions.end(cookie_value(r.header("cookie"), kCookie));
    http::Response out;
    out.status = 204;
    out.content_type = "application/json";
    out.headers["Set-Cookie"] = std::string(kCookie) + "=; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=0" + (ctx.tls ? "; Secure" : "");
    return done("dashboard-sign-out", std::move(out));
  }
  if (p == "/ui/api/channels" && get) return answer([c] { return channels(*c); });
  if (p == "/ui/api/messages/search" && r.method == "POST") return answer([c] { return messages_search(*c); });
  if (p == "/ui/api/messages/replay" && r.method == "POST") {
    if (c->session.role != "admin" || !ctx.guard.policy.decide({c->session.caller, "replay", "", ""}).allowed)
      return done("replay", error(403, "replay needs the admin role"));
    return on_pool(ctx.admin.replay_pool, "replay", 503, [c] { return messages_replay(*c); });
  }
  if (p.rfind("/ui/api/messages/", 0) == 0 && get) {
    std::int64_t id = id_in(p.substr(17));
    if (!id) return done("dashboard", error(404, "no such message"));
    return answer([c, id] { return message_detail(*c, id); });
  }
  if (p == "/ui/api/patient" && r.method == "POST") return answer([c] { return patient(*c); });
  if (p == "/ui/api/federation" && get) return answer([c] { return federation_view(*c); });
  if (p == "/ui/api/conformance" && get) return answer([c] { return conformance(*c); });
  if (p.rfind("/ui/api/conformance/", 0) == 0 && p.ends_with("/report.html") && get) {
    std::string name = p.substr(20, p.size() - 20 - 12);
    return answer([c, name] { return conformance_report(*c, name); });
  }
  if (p == "/ui/api/config" && get) return answer([c] { return config_view(*c); });
  if (p == "/ui/api/config/check" && r.method == "POST") return answer([c] { return config_check(*c); });
  done("dashboard", error(404, "unknown dashboard endpoint"));
}

}  // namespace

bool is_ui_path(const std::string& path) { return path == "/ui" || path.rfind("/ui/", 0) == 0; }

void ui_handle(const UiContext& ctx, const http::Request& r, std::function<void(http::Response)> reply) {
  if (!ctx.admin.cfg.dashboard.enabled) return reply(error(404, "the dashboard is turned off (dashboard.enabled)"));
  if (r.path.rfind("/ui/api/", 0) != 0) return reply(secured(static_file(r), false));
  node::Caller nobody;
  nobody.address = r.peer_address;
  std::size_t cap = r.path == "/ui/api/config/check" ? kMaxConfigBody : kMaxBody;
  if (r.body.size() > cap)
    return audited(ctx, nobody, "dashboard", r, "", error(413, "request body is over the limit of " + std::to_string(cap) + " bytes"), reply);
  if (r.path == "/ui/api/session" && r.method == "POST") {
    // Signing in needs no session, but a cross-site page must not sign a browser in either.
    if (!origin_ok(ctx, r)) return audited(ctx, nobody, "dashboard-sign-in", r, "", error(403, "CSRF check failed"), reply);
    return sign_in(ctx, r, reply);
  }
  std::optional<Session> s = ctx.sessions.find(cookie_value(r.header("cookie"), kCookie));
  if (!s) return audited(ctx, nobody, "dashboard", r, "", error(401, "not signed in (or the session ended)"), reply);
  if (r.method != "GET" && (!same_text(r.header("x-csrf-token"), s->csrf) || !origin_ok(ctx, r)))
    return audited(ctx, s->caller, "dashboard", r, "", error(403, "CSRF check failed"), reply);
  // Audited as this request: its own address and X-Request-ID (or a new one), not the sign-in's.
  s->caller.address = r.peer_address;
  s->caller.request_id = auth::safe_request_id(r.header("x-request-id"));
  if (s->caller.request_id.empty()) s->caller.request_id = auth::random_uuid();
  auto session = std::make_shared<Session>(std::move(*s));
  // The call holds references to the request and session: both live as long as it does.
  auto request = std::make_shared<http::Request>(r);
  auto holder = std::shared_ptr<Call>(new Call{ctx, *session, *request, {}}, [session, request](Call* c) { delete c; });
  route(ctx, holder, reply);
}

}  // namespace hidewire::dashboard
