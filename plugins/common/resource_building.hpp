// What converters that build their resources one by one share (ambulance, cda): each resource
// waiting for its transaction entry, the small FHIR value builders, and the guard that makes
// an exception a refused conversion, as node::Converter promises. Header only.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "node/converter.hpp"

namespace hidewire::plugins {

// A resource made, before it becomes a transaction entry.
struct PendingEntry {
  std::string type;
  rapidjson::Value res;
  std::string full_url;
  fhir::build::Write how;
};

// Appends the resource with its stable fullUrl (from `seed`, the message's identity); its index.
inline int add_pending(std::vector<PendingEntry>& entries, const std::string& seed, const std::string& type, rapidjson::Value res,
                       fhir::build::Write how) {
  entries.push_back(PendingEntry{type, std::move(res), fhir::build::stable_uuid(seed, entries.size()), how});
  return static_cast<int>(entries.size()) - 1;
}

inline rapidjson::Value json_string(const std::string& s, fhir::build::Alloc& a) {
  return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// A Coding; system and display left out when empty.
inline rapidjson::Value coding_json(const std::string& system, const std::string& code, const std::string& display, fhir::build::Alloc& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  if (!system.empty()) o.AddMember("system", json_string(system, a), a);
  o.AddMember("code", json_string(code, a), a);
  if (!display.empty()) o.AddMember("display", json_string(display, a), a);
  return o;
}

inline rapidjson::Value identifier_json(const std::string& system, const std::string& value, fhir::build::Alloc& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  o.AddMember("system", json_string(system, a), a);
  o.AddMember("value", json_string(value, a), a);
  return o;
}

// Runs `convert_into(out)`; an exception refuses the message, naming `what` ("the CDA converter").
template <class F>
node::Conversion guarded_conversion(const char* what, F&& convert_into) {
  node::Conversion out;
  auto refuse = [&](const std::string& why) {
    out.status = node::Conversion::Status::Refused;
    out.bundle_json.clear();
    out.diagnostics.add(fhir::Severity::Fatal, "exception", "", why, "conversion-failed");
  };
  try {
    convert_into(out);
  } catch (const std::exception& e) {
    refuse(std::string(what) + " failed: " + e.what());
  } catch (...) {
    refuse(std::string(what) + " failed");
  }
  return out;
}

}  // namespace hidewire::plugins
