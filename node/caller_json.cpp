#include "node/caller_json.hpp"

#include <rapidjson/document.h>

#include "fhir/json_escape.hpp"

namespace hidewire::node {
namespace {

void field(std::string& out, const char* name, const std::string& value) {
  if (value.empty()) return;
  out += out.size() > 1 ? ",\"" : "\"";
  out += name;
  out += "\":\"";
  out += fhir::json_escape(value);
  out += '"';
}

std::string text(const rapidjson::Value& o, const char* name) {
  auto it = o.FindMember(name);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

Caller::Kind kind_of(const std::string& s) {
  if (s == "peer") return Caller::Kind::Peer;
  if (s == "system") return Caller::Kind::System;
  if (s == "patient") return Caller::Kind::Patient;
  return Caller::Kind::Anonymous;
}

}  // namespace

std::string caller_json(const Caller& c) {
  std::string out = "{";
  field(out, "kind", to_string(c.kind));
  field(out, "id", c.id);
  field(out, "ods", c.ods_code);
  field(out, "address", c.address);
  field(out, "request_id", c.request_id);
  // The JWT's id, so a token used on a source stays used across a restart (the audit keeps it).
  if (!c.token_id.empty()) field(out, "jti", c.token_id);
  if (!c.purpose.empty()) field(out, "purpose", c.purpose);
  if (!c.facilities.empty()) {
    out += ",\"facilities\":[";
    for (std::size_t i = 0; i < c.facilities.size(); ++i) out += (i ? ",\"" : "\"") + fhir::json_escape(c.facilities[i]) + "\"";
    out += "]";
  }
  if (c.person_present) {
    std::string person = "{";
    field(person, "id", c.person.id);
    field(person, "name", c.person.name);
    field(person, "sds_role", c.person.sds_role);
    out += ",\"person\":" + person + "}";
  }
  return out + "}";
}

Caller caller_from_json(std::string_view json) {
  Caller c;
  rapidjson::Document d;
  if (json.empty() || d.Parse(json.data(), json.size()).HasParseError() || !d.IsObject()) return c;
  c.kind = kind_of(text(d, "kind"));
  c.id = text(d, "id");
  c.ods_code = text(d, "ods");
  c.address = text(d, "address");
  c.request_id = text(d, "request_id");
  c.token_id = text(d, "jti");
  c.purpose = text(d, "purpose");
  if (auto f = d.FindMember("facilities"); f != d.MemberEnd() && f->value.IsArray())
    for (const auto& v : f->value.GetArray())
      if (v.IsString()) c.facilities.emplace_back(v.GetString(), v.GetStringLength());
  if (auto p = d.FindMember("person"); p != d.MemberEnd() && p->value.IsObject()) {
    c.person_present = true;
    c.person = {text(p->value, "id"), text(p->value, "name"), text(p->value, "sds_role")};
  }
  return c;
}

}  // namespace hidewire::node
