#include "conformance/suite/tokens.hpp"

#include <ctime>
#include <random>
#include <stdexcept>

namespace hidewire::conformance::suite {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

std::string sign(const Target& t, const std::string& claims, const std::string& key) {
  if (!t.sign) throw std::runtime_error("the suite cannot sign JWTs here");
  return t.sign(claims, key);
}

std::string common_claims(const Target& t, const std::string& iss, const std::string& sub) {
  std::time_t now = std::time(nullptr);
  return "\"iss\":" + quoted(iss) + ",\"sub\":" + quoted(sub) + ",\"aud\":" + quoted(t.fhir_base) + ",\"iat\":" + std::to_string(now) +
         ",\"exp\":" + std::to_string(now + 300) + ",\"jti\":" + quoted(random_hex());
}

}  // namespace

std::string random_hex() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) out += digits[gen() % 16];
  return out;
}

std::string organisation_token(const Target& t, const JwtIdentity& who, const std::string& purpose, const std::string& break_glass_reason) {
  std::string c = "{" + common_claims(t, who.iss, "HWCONF-PRACTITIONER-1") + ",\"reason_for_request\":" + quoted(purpose) +
                  R"(,"requested_scope":"patient/*.read","requesting_device":{"resourceType":"Device","identifier":[{"system":"https://hidewire.example/conformance","value":"hidewire-conformance-suite"}],"model":"hidewire conformance suite","version":"1"})"
                  R"(,"requesting_practitioner":{"resourceType":"Practitioner","id":"HWCONF-PRACTITIONER-1","identifier":[{"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"HWCONF-PRACTITIONER-1"},{"system":"https://fhir.nhs.uk/Id/sds-role-profile-id","value":"HWCONF-ROLE-1"},{"system":"https://fhir.nhs.uk/Id/sds-job-role-name","value":"R8000"}],"name":[{"family":"CONFORMANCE","given":["TESTER"],"prefix":["Dr"]}]})";
  if (!who.ods.empty())
    c += R"(,"requesting_organization":{"resourceType":"Organization","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":)" +
         quoted(who.ods) + R"(}],"name":"conformance suite organisation"})";
  if (!break_glass_reason.empty()) c += ",\"break_glass_reason\":" + quoted(break_glass_reason);
  return sign(t, c + "}", who.key);
}

std::string patient_token(Target& t, const std::string& nhs) {
  if (t.patient_idp.given())
    return sign(t, "{" + common_claims(t, t.patient_idp.iss, nhs) + ",\"nhs_number\":" + quoted(nhs) + "}", t.patient_idp.key);
  std::string once;
  once.swap(t.patient_token);
  return once;
}

Target as_bearer(const Target& t, const std::string& token) {
  Target as = t;
  as.token = token;
  as.cert.clear();
  as.key.clear();
  return as;
}

}  // namespace hidewire::conformance::suite
