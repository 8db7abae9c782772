#include "plugins/patient_index/pds/pds_index.hpp"

#include <rapidjson/document.h>

#include <future>

#include "federation/peer_client.hpp"
#include "fhir/bundle_builder.hpp"

namespace hidewire::plugins::pds_index {
namespace {

using fhir::build::encode_query_value;

class PdsIndex final : public matching::PatientIndex {
 public:
  explicit PdsIndex(Settings s) : s_(std::move(s)) {
    while (!s_.url.empty() && s_.url.back() == '/') s_.url.pop_back();
  }

  std::vector<matching::Candidate> candidates(const matching::Demographics& q) const override {
    // PDS asks for family name, given name and date of birth at least.
    if (q.family.empty() || q.given.empty() || q.birth_date.empty()) return {};
    std::vector<matching::Candidate> out = search(q, q.birth_date);
    // Nobody on the date as given: a day and month transposed is the commonest slip.
    if (std::string t = matching::transposed_birth_date(q.birth_date); out.empty() && !t.empty()) out = search(q, t);
    return out;
  }
  std::string name() const override { return "pds"; }

 private:
  std::vector<matching::Candidate> search(const matching::Demographics& q, const std::string& birth_date) const {
    federation::PeerCall call;
    call.get = true;
    call.url = s_.url + "/Patient?family=" + encode_query_value(q.family) + "&given=" + encode_query_value(q.given.front()) +
               "&birthdate=eq" + birth_date;
    if (!q.postcode.empty()) call.url += "&address-postalcode=" + encode_query_value(q.postcode);
    if (!q.gender.empty()) call.url += "&gender=" + q.gender;
    call.tls = s_.tls;
    call.deadline = federation::Clock::now() + std::chrono::milliseconds(s_.timeout_ms);
    std::promise<federation::PeerReply> done;
    std::future<federation::PeerReply> reply = done.get_future();
    client_.post(std::move(call), [&done](federation::PeerReply r) { done.set_value(std::move(r)); });
    federation::PeerReply r = reply.get();  // the deadline ends every call
    if (r.kind != federation::PeerReply::Kind::Answered) throw matching::IndexUnavailable("PDS did not answer: " + r.error);
    if (r.status != 200) throw matching::IndexUnavailable("PDS answered HTTP " + std::to_string(r.status));
    rapidjson::Document d;
    if (d.Parse(r.body.c_str()).HasParseError() || !d.IsObject() || !d.HasMember("resourceType") || !d["resourceType"].IsString() ||
        std::string_view(d["resourceType"].GetString()) != "Bundle")
      throw matching::IndexUnavailable("PDS answered something other than a Bundle");
    std::vector<matching::Candidate> out;
    if (!d.HasMember("entry") || !d["entry"].IsArray()) return out;
    for (const auto& e : d["entry"].GetArray()) {
      if (!e.IsObject() || !e.HasMember("resource") || !e["resource"].IsObject()) continue;
      const rapidjson::Value& p = e["resource"];
      std::string id = p.HasMember("id") && p["id"].IsString() ? p["id"].GetString() : "";
      out.push_back({matching::demographics_of(p), true, name(), "Patient/" + id});
    }
    return out;
  }

  Settings s_;
  mutable federation::PeerClient client_;
};

}  // namespace

node::PatientIndexBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("url", s.url, true);
  r.tls(s.tls);
  r.num("timeout_ms", s.timeout_ms, 100, 60000);
  if (!s.url.empty() && s.url.rfind("https://", 0) != 0) r.problem("url", "PDS is asked over https:// only");
  if (s.tls.ca_file.empty() || !s.tls.enabled())
    r.problem("tls", "needs cert and key (this node's client certificate: PDS is asked over mutual TLS) and ca (the service's CA, pinned)");
  return [s](const node::StorageContext&) { return std::make_unique<PdsIndex>(s); };
}

}  // namespace hidewire::plugins::pds_index
