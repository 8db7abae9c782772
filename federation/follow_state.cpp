// The follow schedule's state file: {"followed":[...],"stopped":[...]}, the patients followed
// through the API and the configured ones stopped through it. Configured patients are followed
// unless stopped; a patient followed through the API again is no longer stopped.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "fhir/nhs_number.hpp"
#include "federation/gpconnect_follow.hpp"
#include "node/private_file.hpp"

namespace hidewire::federation {

namespace {

std::set<std::string> numbers(const rapidjson::Document& d, const char* name, const std::string& path) {
  std::set<std::string> out;
  if (!d.HasMember(name)) return out;
  const rapidjson::Value& a = d[name];
  if (!a.IsArray()) throw std::runtime_error(path + ": " + name + " is not an array");
  for (const auto& v : a.GetArray()) {
    if (!v.IsString() || !fhir::is_valid_nhs_number(v.GetString())) throw std::runtime_error(path + ": " + name + " holds something not an NHS number");
    out.insert(v.GetString());
  }
  return out;
}

}  // namespace

void Follower::load_state(const std::vector<std::string>& configured) {
  for (const std::string& n : configured)
    if (fhir::is_valid_nhs_number(n)) configured_.insert(n);
  std::set<std::string> kept;
  if (!state_path_.empty()) {
    if (std::optional<std::string> text = node::read_private_file(state_path_)) {
      rapidjson::Document d;
      if (d.Parse(text->c_str(), text->size()).HasParseError() || !d.IsObject())
        throw std::runtime_error(state_path_ + ": not the follow schedule's state (a JSON object)");
      kept = numbers(d, "followed", state_path_);
      stopped_ = numbers(d, "stopped", state_path_);
    }
  }
  std::lock_guard lock(mu_);
  for (const std::string& n : configured_)
    if (!stopped_.count(n)) followed_.insert(n);
  followed_.insert(kept.begin(), kept.end());
}

void Follower::save_state(const std::set<std::string>& followed, const std::set<std::string>& stopped) const {
  if (state_path_.empty()) return;
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("followed");
  w.StartArray();
  for (const std::string& n : followed)
    if (!configured_.count(n)) w.String(n.c_str(), static_cast<rapidjson::SizeType>(n.size()));
  w.EndArray();
  w.Key("stopped");
  w.StartArray();
  for (const std::string& n : stopped) w.String(n.c_str(), static_cast<rapidjson::SizeType>(n.size()));
  w.EndArray();
  w.EndObject();
  node::write_private_file(state_path_, std::string(b.GetString(), b.GetSize()) + "\n");
}

}  // namespace hidewire::federation
