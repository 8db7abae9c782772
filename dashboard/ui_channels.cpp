// GET /ui/api/channels: every source and destination with its state, counters, queue depth, last
// error and the last hour's per-minute series (node/activity.hpp).
#include <algorithm>
#include <array>

#include "dashboard/ui_parts.hpp"
#include "fhir/clock.hpp"
#include "node/activity.hpp"

namespace hidewire::dashboard {
namespace {

// Where a channel is, from its settings in the running config: a listener, a folder, or a URL
// without its credentials.
std::string endpoint_of(const rapidjson::Value* item) {
  if (!item || !item->IsObject()) return "";
  for (const char* key : {"listen", "directory", "folder", "path", "url", "target", "connect"}) {
    std::string v = member_string(*item, key);
    if (v.empty()) continue;
    if (auto scheme = v.find("://"); scheme != std::string::npos)
      if (auto at = v.find('@', scheme); at != std::string::npos && at < v.find('/', scheme + 3)) v.erase(scheme + 3, at - scheme - 2);
    return v;
  }
  return "";
}

const rapidjson::Value* named(const rapidjson::Document& cfg, const char* list, const std::string& name) {
  if (!cfg.IsObject() || !cfg.HasMember(list) || !cfg[list].IsArray()) return nullptr;
  for (const auto& v : cfg[list].GetArray())
    if (v.IsObject() && member_string(v, "name") == name) return &v;
  return nullptr;
}

void counter(Writer& w, const char* key, std::uint64_t v) {
  w.Key(key);
  w.Uint64(v);
}

// received, accepted, rejected, duplicates, routed, delivered, failed, dead_lettered.
void counters(Writer& w, const std::array<std::uint64_t, 8>& v) {
  static constexpr const char* kNames[] = {"received", "accepted", "rejected", "duplicates", "routed", "delivered", "failed", "dead_lettered"};
  w.Key("counters");
  w.StartObject();
  for (std::size_t i = 0; i < v.size(); ++i) counter(w, kNames[i], v[i]);
  w.EndObject();
}

void series(Writer& w, const node::Activity& a, const std::string& name, bool destination) {
  w.Key("series");
  w.StartObject();
  w.Key("interval_s");
  w.Int(60);
  w.Key("points");
  w.StartArray();
  for (const node::Activity::Point& p : a.series(name, destination)) {
    w.StartObject();
    write_string(w, "t", minute_iso(p.minute));
    counter(w, "received", p.received);
    counter(w, "accepted", p.accepted);
    counter(w, "rejected", p.rejected);
    counter(w, "delivered", p.delivered);
    counter(w, "failed", p.failed);
    w.Key("latency_ms_p50");
    p.p50 ? w.Double(*p.p50) : w.Null();
    w.Key("latency_ms_p95");
    p.p95 ? w.Double(*p.p95) : w.Null();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void last_error(Writer& w, const node::Activity& a, const std::string& name, bool destination) {
  w.Key("last_error");
  auto e = a.last_error(name, destination);
  if (!e) return (void)w.Null();
  w.StartObject();
  write_string(w, "at", e->at);
  write_string(w, "text", e->text);
  w.EndObject();
}

}  // namespace

http::Response channels(Call& c) {
  const api::AdminContext& admin = c.ctx.admin;
  rapidjson::Document cfg;
  cfg.Parse(c.ctx.config_text.c_str());
  auto per_channel = admin.router.channel_counts();
  bool writable = admin.group.writable();
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "now", fhir::utc_now_instant());
  w.Key("channels");
  w.StartArray();
  auto source = [&](const std::string& name, const std::string& type, const node::Channel* ch) {
    w.StartObject();
    write_string(w, "name", name);
    write_string(w, "kind", "source");
    write_string(w, "type", type);
    // Sources refuse messages (AR, 503) while the journal cannot write; a folder is watched, not listened on.
    bool folder = type.find("file") != std::string::npos || type == name;
    write_string(w, "state", !writable ? "down" : folder ? "running" : "listening");
    auto bound = c.ctx.source_endpoints.find(name);
    bool known = bound != c.ctx.source_endpoints.end() && !bound->second.empty();
    write_string(w, "endpoint", known ? bound->second : endpoint_of(named(cfg, "sources", name)));
    const node::ChannelCounts& rc = per_channel[name];
    counters(w, {ch ? ch->stats().received.load() : 0, ch ? ch->stats().accepted.load() : 0, ch ? ch->stats().rejected.load() : 0,
                 ch ? ch->stats().duplicates.load() : 0, rc.routed, rc.delivered, rc.failed, rc.dead_lettered});
    w.Key("queue_depth");
    w.Uint64(0);
    last_error(w, c.ctx.activity, name, false);
    series(w, c.ctx.activity, name, false);
    w.EndObject();
  };
  const auto& live = admin.intake.channels();
  for (const node::SourceConfig& s : admin.cfg.sources) {
    auto it = live.find(s.name);
    source(s.name, s.type, it == live.end() ? nullptr : it->second.get());
  }
  for (const auto& [name, ch] : live)  // the node's own channels (followed GP records)
    if (std::none_of(admin.cfg.sources.begin(), admin.cfg.sources.end(), [&](const node::SourceConfig& s) { return s.name == name; }))
      source(name, name, ch.get());
  for (const node::DestinationConfig& d : admin.cfg.destinations) {
    node::Activity::DestinationCounts dc = c.ctx.activity.destination(d.name);
    w.StartObject();
    write_string(w, "name", d.name);
    write_string(w, "kind", "destination");
    write_string(w, "type", d.type);
    write_string(w, "state", dc.retrying ? "retrying" : "running");
    write_string(w, "endpoint", endpoint_of(named(cfg, "destinations", d.name)));
    counters(w, {0, 0, 0, 0, dc.routed, dc.delivered, dc.failed, dc.dead_lettered});
    w.Key("queue_depth");
    w.Uint64(admin.router.queue_depth(d.name));
    last_error(w, c.ctx.activity, d.name, true);
    series(w, c.ctx.activity, d.name, true);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json(b);
}

}  // namespace hidewire::dashboard
