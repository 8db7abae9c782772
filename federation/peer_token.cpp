#include "federation/peer_token.hpp"

#include <algorithm>
#include <ctime>

#include "auth/claims.hpp"
#include "fhir/json_escape.hpp"

namespace hidewire::federation {
namespace {

std::string q(const std::string& s) { return "\"" + fhir::json_escape(s) + "\""; }

std::string identifier(const char* system, const std::string& value) {
  return std::string(R"({"system":")") + system + R"(","value":)" + q(value) + "}";
}

// "Chidi Okafor" -> {"family":"Okafor","given":["Chidi"]}: the caller keeps the name as one string.
std::string human_name(const std::string& full) {
  std::string name = full;
  while (!name.empty() && name.back() == ' ') name.pop_back();
  auto space = name.rfind(' ');
  if (space == std::string::npos) return "{\"family\":" + q(name) + "}";
  std::string given = name.substr(0, space);
  while (!given.empty() && given.back() == ' ') given.pop_back();
  return "{\"family\":" + q(name.substr(space + 1)) + ",\"given\":[" + q(given) + "]}";
}

}  // namespace

std::string reason_for_request(const std::string& purpose) {
  if (purpose == "direct-care") return "directcare";
  return purpose;
}

std::string peer_claims(const TokenIssuer& is, const node::Caller& c, const std::string& peer_url, long long now,
                        const std::string& jti) {
  const node::Person& p = c.person;
  std::string s = "{\"iss\":" + q(is.iss) + ",\"sub\":" + q(p.id) + ",\"aud\":" + q(peer_url) + ",\"iat\":" + std::to_string(now) +
                  ",\"exp\":" + std::to_string(now + std::min(is.lifetime_s, 300)) + ",\"jti\":" + q(jti);
  s += ",\"reason_for_request\":" + q(reason_for_request(c.purpose));
  s += ",\"requested_scope\":" + q(c.scope.empty() ? "patient/*.read" : c.scope);
  s += R"(,"requesting_device":{"resourceType":"Device","identifier":[)" + identifier("urn:hidewire:node", is.node_name) +
       R"(],"model":"hidewire","version":"0.1.0"})";
  s += R"(,"requesting_organization":{"resourceType":"Organization","identifier":[)" + identifier(auth::kOdsSystem, is.node_ods) + "]";
  if (!is.node_name.empty()) s += ",\"name\":" + q(is.node_name);
  s += "}";
  s += R"(,"requesting_practitioner":{"resourceType":"Practitioner","id":)" + q(p.id) + ",\"identifier\":[" +
       identifier(auth::kSdsUserSystem, p.id);
  if (!p.sds_role.empty()) s += "," + identifier(auth::kSdsJobRoleSystem, p.sds_role);
  s += "]";
  if (!p.name.empty()) s += ",\"name\":[" + human_name(p.name) + "]";
  s += "}";
  if (!c.break_glass_reason.empty()) s += ",\"break_glass_reason\":" + q(c.break_glass_reason);
  s += "}";
  return s;
}

std::string mint_peer_token(const TokenIssuer& is, const node::Caller& c, const std::string& peer_url) {
  return auth::sign_jwt(peer_claims(is, c, peer_url, static_cast<long long>(std::time(nullptr)), auth::random_uuid()), is.key);
}

}  // namespace hidewire::federation
