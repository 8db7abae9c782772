#include "auth/claims.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

namespace hidewire::auth {
namespace {

using Value = rapidjson::Value;

std::string str(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

// A claim that must be a string when present.
void reg_string(const Value& o, const char* key, std::string& out, bool& bad) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return;
  if (it->value.IsString()) out.assign(it->value.GetString(), it->value.GetStringLength());
  else bad = true;
}

// NumericDate: seconds since the epoch (a fraction is allowed by RFC 7519; it is dropped).
// Bounded to [0, 2^40): the lifetime and replay checks add and subtract these, and a value
// near the edge of long long overflowed them (exp - iat wrapped negative: a token for ever).
void reg_time(const Value& o, const char* key, std::optional<long long>& out, bool& bad) {
  constexpr double kMax = 1099511627776.0;  // 2^40 s: some 34,000 years
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return;
  if (!it->value.IsNumber()) {
    bad = true;
    return;
  }
  double v = it->value.IsInt64() ? static_cast<double>(it->value.GetInt64()) : it->value.GetDouble();
  if (!(v >= 0 && v < kMax)) {  // NaN fails both
    bad = true;
    return;
  }
  out = it->value.IsInt64() ? it->value.GetInt64() : static_cast<long long>(v);
}

// The value of the identifier with `system` in a FHIR resource's identifier array.
std::string identifier(const Value& resource, const char* system) {
  auto ids = resource.FindMember("identifier");
  if (ids == resource.MemberEnd() || !ids->value.IsArray()) return {};
  for (const Value& id : ids->value.GetArray())
    if (id.IsObject() && str(id, "system") == system) return str(id, "value");
  return {};
}

// HumanName[0] as "Given Family" (prefixes left out).
std::string human_name(const Value& resource) {
  auto names = resource.FindMember("name");
  if (names == resource.MemberEnd() || !names->value.IsArray() || names->value.Empty() || !names->value[0].IsObject()) return {};
  const Value& n = names->value[0];
  std::string out;
  auto given = n.FindMember("given");
  if (given != n.MemberEnd() && given->value.IsArray())
    for (const Value& g : given->value.GetArray())
      if (g.IsString()) out += (out.empty() ? "" : " ") + std::string(g.GetString());
  std::string family = str(n, "family");
  if (!family.empty()) out += (out.empty() ? "" : " ") + family;
  return out;
}

// purposeOfUse: a string, a Coding, a CodeableConcept, or an array of those (the first counts).
std::string purpose_code(const Value& v) {
  if (v.IsString()) return v.GetString();
  if (v.IsArray()) return v.Empty() ? std::string() : purpose_code(v[0]);
  if (!v.IsObject()) return {};
  if (v.HasMember("code")) return str(v, "code");
  auto coding = v.FindMember("coding");
  if (coding != v.MemberEnd()) return purpose_code(coding->value);
  return {};
}

}  // namespace

std::string normalise_purpose(const std::string& raw) {
  std::string p;
  for (char c : raw)
    if (c != ' ' && c != '_' && c != '-') p += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (p == "directcare" || p == "treat") return "direct-care";
  if (p == "emergency" || p == "etreat" || p == "emergencycare") return "emergency";
  if (p == "secondaryuse" || p == "hresch" || p == "hoperat") return "secondary-use";
  if (p == "patientaccess" || p == "patrqt" || p == "patientrequest") return "patient-access";
  return {};
}

Claims read_claims(const std::string& json) {
  Claims c;
  rapidjson::Document d;
  if (d.Parse(json.c_str(), json.size()).HasParseError() || !d.IsObject()) {
    c.bad_types = true;
    return c;
  }
  reg_string(d, "iss", c.iss, c.bad_types);
  reg_string(d, "sub", c.sub, c.bad_types);
  reg_string(d, "jti", c.jti, c.bad_types);
  reg_time(d, "iat", c.iat, c.bad_types);
  reg_time(d, "exp", c.exp, c.bad_types);
  if (auto aud = d.FindMember("aud"); aud != d.MemberEnd()) {
    if (aud->value.IsString()) c.aud.emplace_back(aud->value.GetString());
    else if (aud->value.IsArray())
      for (const Value& a : aud->value.GetArray()) {
        if (a.IsString()) c.aud.emplace_back(a.GetString());
        else c.bad_types = true;
      }
    else c.bad_types = true;
  }
  if (auto org = d.FindMember("requesting_organization"); org != d.MemberEnd() && org->value.IsObject())
    c.org_ods = identifier(org->value, kOdsSystem);
  if (auto pr = d.FindMember("requesting_practitioner"); pr != d.MemberEnd() && pr->value.IsObject()) {
    const Value& p = pr->value;
    c.has_practitioner = true;
    c.practitioner_id = str(p, "id");
    if (c.practitioner_id.empty()) c.practitioner_id = identifier(p, kSdsUserSystem);
    c.practitioner_name = human_name(p);
    c.sds_role = identifier(p, kSdsJobRoleSystem);
  }
  c.purpose_raw = str(d, "reason_for_request");
  if (auto pou = d.FindMember("purposeOfUse"); c.purpose_raw.empty() && pou != d.MemberEnd()) c.purpose_raw = purpose_code(pou->value);
  c.purpose = normalise_purpose(c.purpose_raw);
  c.scope = str(d, "requested_scope");
  c.break_glass_reason = str(d, "break_glass_reason");
  return c;
}

std::string string_claim(const std::string& json, const std::string& name) {
  rapidjson::Document d;
  if (d.Parse(json.c_str(), json.size()).HasParseError() || !d.IsObject()) return {};
  return str(d, name.c_str());
}

}  // namespace hidewire::auth
