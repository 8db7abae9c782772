// The message browser: POST /ui/api/messages/search (conditions in the body, never the URL),
// GET /ui/api/messages/{id} (the raw message, the answer sent, the Bundle, the diagnostics and
// unmapped parts, every delivery attempt) and POST /ui/api/messages/replay (admin, through the
// admin API's replay).
#include <cstdio>
#include <ctime>
#include <set>
#include <tuple>

#include "dashboard/ui_parts.hpp"
#include "fhir/nhs_number.hpp"
#include "node/activity.hpp"

namespace hidewire::dashboard {
namespace {

constexpr std::size_t kMaxSearch = 500;
constexpr std::size_t kMaxReplay = 100;

const char* severity(fhir::Severity s) {
  switch (s) {
    case fhir::Severity::Fatal:
    case fhir::Severity::Error:
      return "error";
    case fhir::Severity::Warning:
      return "warning";
    default:
      return "information";
  }
}

std::string raw_format(const node::JournalEntry& e) {
  const std::string& f = e.format;
  std::size_t at = e.raw.find_first_not_of(" \t\r\n\xEF\xBB\xBF");  // past whitespace and a BOM
  char first = at == std::string::npos ? ' ' : e.raw[at];
  if (f == "hl7v2" || (f.empty() && e.raw.rfind("MSH", 0) == 0)) return "hl7v2";
  if (f == "cda") return "cda";
  if (f == "delimited") return "csv";
  if (f == "prsb-xml") return "xml";
  if (f == "fhir" || f == "fhir-stu3" || f.empty()) return first == '<' ? "fhir-xml" : "fhir-json";
  return first == '{' || first == '[' ? "json" : first == '<' ? "xml" : "text";
}

// MSA-1 of an HL7 v2 ACK (AA, AE, AR), or empty.
std::string ack_code(const std::string& ack) {
  auto msa = ack.find("MSA|");
  if (msa == std::string::npos) return "";
  auto end = ack.find_first_of("|\r\n", msa + 4);
  return ack.substr(msa + 4, end == std::string::npos ? std::string::npos : end - msa - 4);
}

// An ISO 8601 date or date-time (any precision, Z or an offset) as the journal writes its
// instants (UTC, milliseconds), so that they compare as text: the start of what it names, or with
// `end` its last millisecond (2026-12-04 -> 2026-12-04T23:59:59.999Z). Empty when unreadable.
std::string journal_instant(const std::string& in, bool end) {
  int y = 0, mo = 0, d = 0, h = -1, mi = -1, sec = -1, ms = -1;
  int n = std::sscanf(in.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
  if (n < 3 || (n > 3 && n < 5) || mo < 1 || mo > 12 || d < 1 || d > 31) return "";
  std::size_t pos = n == 3 ? 10 : n == 5 ? 16 : 19;
  if (n == 6 && pos < in.size() && in[pos] == '.') {
    std::size_t digits = in.find_first_not_of("0123456789", pos + 1);
    std::string frac = in.substr(pos + 1, (digits == std::string::npos ? in.size() : digits) - pos - 1);
    if (frac.empty()) return "";
    ms = std::stoi((frac + "00").substr(0, 3));
    pos = digits == std::string::npos ? in.size() : digits;
  }
  int offset_min = 0;
  std::string zone = in.substr(std::min(pos, in.size()));
  if (zone == "Z" || zone.empty()) {
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
    offset_min = (std::stoi(zone.substr(1, 2)) * 60 + std::stoi(zone.substr(4, 2))) * (zone[0] == '+' ? 1 : -1);
  } else {
    return "";
  }
  if (h < 0) h = end ? 23 : 0;
  if (mi < 0) mi = end ? 59 : 0;
  if (sec < 0) sec = end ? 59 : 0;
  if (ms < 0) ms = end ? 999 : 0;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm) - offset_min * 60;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, ms);
  return buf;
}

void summary(Writer& w, const node::JournalEntry& e) {
  w.Key("id");
  w.Int64(e.id);
  write_string(w, "channel", e.channel);
  write_string(w, "control_id", e.message_id);
  write_string(w, "type", e.event);
  write_string(w, "status", e.status);
  write_nullable(w, "nhs_number", e.nhs_number);
  write_string(w, "received_at", e.received_at);
  write_string(w, "reason", e.reason);
}

}  // namespace

http::Response messages_search(Call& c) {
  rapidjson::Document d;
  http::Response bad;
  if (!body_object(c.r, d, bad)) return bad;
  node::JournalQuery q;
  q.message_id = member_string(d, "control_id");
  q.nhs_number = member_string(d, "nhs_number");
  q.channel = member_string(d, "source");
  q.event = member_string(d, "type");
  q.status = member_string(d, "status");
  for (auto [key, out, end] : {std::tuple{"from", &q.from, false}, std::tuple{"to", &q.to, true}}) {
    std::string v = member_string(d, key);
    if (v.empty()) continue;
    *out = journal_instant(v, end);
    if (out->empty()) return error(400, std::string(key) + " is an ISO 8601 date or date-time, e.g. 2026-12-04T09:30:00Z");
  }
  if (!q.nhs_number.empty()) {
    q.nhs_number = fhir::normalise_nhs_number(q.nhs_number);
    if (std::string why = fhir::check_nhs_number(q.nhs_number); !why.empty()) return error(400, "nhs_number is not an NHS number: " + why);
    c.patient_nhs = q.nhs_number;  // a search for one patient's messages is an access to their record
  }
  static const std::set<std::string> statuses{"accepted", "rejected", "failed", "delivered", "dead_lettered", "held"};
  if (!q.status.empty() && !statuses.count(q.status))
    return error(400, "status is one of accepted, rejected, failed, delivered, dead_lettered, held");
  // The journal's dead letters are its failed entries; delivered ones are accepted and marked.
  if (q.status == "dead_lettered") q.status = "failed";
  if (d.HasMember("limit")) {
    if (!d["limit"].IsInt64() || d["limit"].GetInt64() < 1 || d["limit"].GetInt64() > static_cast<std::int64_t>(kMaxSearch))
      return error(400, "limit is a number from 1 to 500");
    q.limit = static_cast<std::size_t>(d["limit"].GetInt64());
  }
  if (d.HasMember("after") && !d["after"].IsNull()) {
    if (!d["after"].IsInt64() || d["after"].GetInt64() < 1) return error(400, "after is the last id of the previous page");
    q.before_id = d["after"].GetInt64();
  }
  std::vector<node::JournalEntry> found = c.ctx.admin.journal.search(q);
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("messages");
  w.StartArray();
  for (const node::JournalEntry& e : found) {
    w.StartObject();
    summary(w, e);
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_after");
  found.size() == q.limit ? w.Int64(found.back().id) : w.Null();
  w.EndObject();
  return json(b);
}

http::Response message_detail(Call& c, std::int64_t id) {
  std::optional<node::JournalEntry> e = c.ctx.admin.journal.get(id);
  if (!e) return error(404, "no message " + std::to_string(id));
  c.patient_nhs = e->nhs_number;
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  summary(w, *e);
  w.Key("raw");
  w.StartObject();
  write_string(w, "format", raw_format(*e));
  write_string(w, "text", e->raw);
  w.EndObject();
  w.Key("answer");
  if (e->ack.empty()) {
    w.Null();
  } else {
    w.StartObject();
    std::string code = ack_code(e->ack);
    if (e->ack.rfind("MSH", 0) == 0) {
      write_string(w, "kind", "ack");
      write_string(w, "status", code);
    } else {
      // HTTP and file sources journal the OperationOutcome they answered; its status follows the outcome.
      write_string(w, "kind", "http");
      w.Key("status");
      w.Int(e->status == "rejected" ? (e->reason.rfind("unreadable", 0) == 0 ? 400 : 422) : 202);
    }
    write_string(w, "text", e->ack);
    w.EndObject();
  }
  w.Key("bundle");
  rapidjson::Document bundle;
  if (!e->output.empty() && !bundle.Parse(e->output.c_str()).HasParseError()) bundle.Accept(w);
  else w.Null();
  // What the converter says of it now (the same converter, without patient tracing): its
  // warnings and unmapped parts are not journalled, and reading it again writes nothing.
  node::Conversion conv = c.ctx.admin.intake.diagnose(*e);
  w.Key("diagnostics");
  w.StartArray();
  for (const fhir::Issue& i : conv.diagnostics.issues()) {
    w.StartObject();
    write_string(w, "severity", severity(i.severity));
    write_string(w, "code", i.code);
    write_string(w, "location", i.location);
    write_string(w, "text", i.message);
    w.EndObject();
  }
  w.EndArray();
  w.Key("unmapped");
  w.StartArray();
  for (const std::string& u : conv.unmapped) {
    w.StartObject();
    write_string(w, "location", u);
    write_string(w, "text", "present in the message, not carried into FHIR");
    w.EndObject();
  }
  w.EndArray();
  w.Key("deliveries");
  w.StartArray();
  for (const node::Activity::Attempt& a : c.ctx.activity.attempts(id)) {
    w.StartObject();
    write_string(w, "destination", a.destination);
    w.Key("attempt");
    w.Int(a.attempt);
    write_string(w, "at", a.at);
    write_string(w, "outcome", a.outcome);
    write_string(w, "detail", a.detail);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json(b);
}

http::Response messages_replay(Call& c) {
  rapidjson::Document d;
  http::Response bad;
  if (!body_object(c.r, d, bad)) return bad;
  if (!d.HasMember("ids") || !d["ids"].IsArray() || d["ids"].Empty()) return error(400, "ids is a list of message ids");
  if (d["ids"].Size() > kMaxReplay) return error(400, "at most 100 messages are replayed at once");
  std::vector<std::int64_t> ids;
  for (const auto& v : d["ids"].GetArray()) {
    if (!v.IsInt64() || v.GetInt64() < 1) return error(400, "ids are message ids (positive numbers)");
    ids.push_back(v.GetInt64());
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (std::int64_t id : ids) {
    // The admin API's own replay (a refused message is converted again first), one at a time.
    http::Request one;
    one.method = "POST";
    one.path = "/messages/" + std::to_string(id) + "/replay";
    http::Response r = api::admin_handle(c.ctx.admin, one);
    rapidjson::Document out;
    out.Parse(r.body.c_str());
    std::string outcome = out.IsObject() ? member_string(out, "outcome") : "";
    std::string err = out.IsObject() ? member_string(out, "error") : "";
    if (outcome.empty()) outcome = "failed";
    if (outcome == "held" || outcome == "rejected") outcome = "failed";
    w.StartObject();
    w.Key("id");
    w.Int64(id);
    write_string(w, "outcome", outcome);
    write_string(w, "error", err);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json(b);
}

}  // namespace hidewire::dashboard
