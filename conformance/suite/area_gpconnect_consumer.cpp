// Area: the product as a GP Connect consumer. The suite is a GP Connect provider
// (--gpc-listen https://HOST:PORT, mutual TLS with --listen-ca) for the window; the product is
// made to ask it for a structured record (Access Record Structured 1.6), and each call is checked:
// the Spine headers, the cross-organisation audit JWT's claims (its signature, given the product's key), the Parameters.
#include <rapidjson/document.h>

#include <cctype>

#include "conformance/suite/probes.hpp"
#include "fhir/nhs_number.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr std::string_view kInteraction = "urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1";

std::string base64url_decode(std::string_view in) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52
          : c == '-' || c == '+' ? 62 : c == '_' || c == '/' ? 63 : -1;
    if (v < 0) break;  // '=' padding or the end of the part
    acc = (acc << 6) | static_cast<unsigned>(v);
    if ((bits += 6) >= 8) out += static_cast<char>((acc >> (bits -= 8)) & 0xFF);
  }
  return out;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

std::string header(const ProviderCall& c, const std::string& name) {
  auto it = c.headers.find(name);
  return it == c.headers.end() ? std::string() : it->second;
}

bool claim_resource(const rapidjson::Document& claims, const char* name, const char* type) {
  auto it = claims.FindMember(name);
  return it != claims.MemberEnd() && it->value.IsObject() && it->value.HasMember("resourceType") && it->value["resourceType"] == type;
}

// What is wrong with the audit JWT; empty when nothing. `shown` gets its header and claims, for evidence.
std::string check_token(const std::string& authorization, std::string& shown) {
  if (authorization.rfind("Bearer ", 0) != 0) return "no Authorization: Bearer token";
  std::string jwt = authorization.substr(7);
  auto a = jwt.find('.'), b = a == std::string::npos ? a : jwt.find('.', a + 1);
  if (b == std::string::npos) return "the bearer token is not a JWT (header.claims.signature)";
  shown = base64url_decode(std::string_view(jwt).substr(0, a)) + "\n" + base64url_decode(std::string_view(jwt).substr(a + 1, b - a - 1));
  rapidjson::Document claims;
  std::string text = base64url_decode(std::string_view(jwt).substr(a + 1, b - a - 1));
  claims.Parse(text.c_str(), text.size());
  if (claims.HasParseError() || !claims.IsObject()) return "the JWT's claims are not a JSON object";
  for (const char* c : {"iss", "aud", "sub", "reason_for_request", "requested_scope"})
    if (!claims.HasMember(c) || !claims[c].IsString() || claims[c].GetStringLength() == 0) return std::string("the JWT has no ") + c + " claim";
  if (!claims.HasMember("iat") || !claims["iat"].IsInt64() || !claims.HasMember("exp") || !claims["exp"].IsInt64())
    return "the JWT lacks iat or exp as numbers";
  std::int64_t life = claims["exp"].GetInt64() - claims["iat"].GetInt64();
  if (life <= 0 || life > 300) return "the JWT's exp is " + std::to_string(life) + " s after its iat, not at most 300";
  if (claims["reason_for_request"] != "directcare") return "reason_for_request is not directcare";
  if (std::string_view(claims["requested_scope"].GetString()).rfind("patient/*.read", 0) != 0) return "requested_scope is not patient/*.read";
  if (!claim_resource(claims, "requesting_device", "Device")) return "requesting_device is not a Device";
  if (!claim_resource(claims, "requesting_organization", "Organization")) return "requesting_organization is not an Organization";
  if (!claim_resource(claims, "requesting_practitioner", "Practitioner")) return "requesting_practitioner is not a Practitioner";
  return {};
}

// With --gpc-consumer-key: the JWT must be signed (not GP Connect's unsigned form) and its
// signature verify with that key. `shown` gets the verdict, for evidence.
std::string check_signature(const Target& t, const std::string& authorization, std::string& shown) {
  if (t.consumer_key.empty()) return {};
  std::string jwt = authorization.substr(7), why;
  if (jwt.back() == '.') return "the JWT is unsigned (alg none), but the product's key was given: its signature cannot be checked";
  bool good = t.verify && t.verify(jwt, t.consumer_key, why);
  shown += std::string("\nsignature: ") + (good ? "verified with " : "does not verify with ") + t.consumer_key;
  return good ? std::string() : "the JWT's signature does not verify with the product's key " + t.consumer_key + (why.empty() ? "" : ": " + why);
}

std::string check_parameters(const std::string& body) {
  rapidjson::Document d;
  if (!parse_resource(body, "Parameters", d) || !d.HasMember("parameter") || !d["parameter"].IsArray()) return "the body is not Parameters";
  for (const auto& p : d["parameter"].GetArray()) {
    if (!p.IsObject() || !p.HasMember("name") || p["name"] != "patientNHSNumber") continue;
    if (!p.HasMember("valueIdentifier") || !p["valueIdentifier"].IsObject()) return "patientNHSNumber is not an Identifier";
    const auto& id = p["valueIdentifier"];
    if (!id.HasMember("system") || id["system"] != fhir::kNhsNumberSystem.data()) return "patientNHSNumber's system is not the NHS number's";
    if (!id.HasMember("value") || !id["value"].IsString() || !fhir::is_valid_nhs_number(id["value"].GetString()))
      return "patientNHSNumber is not a valid NHS number";
    return {};
  }
  return "no patientNHSNumber parameter";
}

void consumer_request(Context& ctx, Result& r) {
  const Received& got = ctx.received();
  if (!got.gpc_listened) return r.skip("no --gpc-listen https://HOST:PORT given: the product as a GP Connect consumer was not exercised");
  if (got.gpc_calls.empty())
    return r.fail("no GP Connect call arrived at " + got.gpc_at + " within " + std::to_string(static_cast<int>(got.window_seconds)) + " s");
  for (std::size_t i = 0; i < got.gpc_calls.size(); ++i) {
    const ProviderCall& c = got.gpc_calls[i];
    std::string shown, why;
    std::string token_problem = check_token(header(c, "authorization"), shown);
    std::string signature_problem = token_problem.empty() ? check_signature(ctx.target, header(c, "authorization"), shown) : "";
    if (c.method != "POST" || !std::string_view(c.path).ends_with("/Patient/$gpc.getstructuredrecord"))
      why = c.method + " " + c.path + " is not POST [base]/Patient/$gpc.getstructuredrecord";
    else if (!is_uuid(header(c, "ssp-traceid"))) why = "Ssp-TraceID '" + header(c, "ssp-traceid") + "' is not a UUID";
    else if (header(c, "ssp-from").empty() || header(c, "ssp-to").empty()) why = "Ssp-From or Ssp-To is missing";
    else if (header(c, "ssp-interactionid") != kInteraction) why = "Ssp-InteractionID is '" + header(c, "ssp-interactionid") + "'";
    else if (header(c, "accept").find("application/fhir+json") == std::string::npos) why = "Accept does not ask for application/fhir+json";
    else if (!token_problem.empty()) why = token_problem;
    else if (!signature_problem.empty()) why = signature_problem;
    else why = check_parameters(c.body);
    std::string request = c.method + " " + c.path + "\n";
    for (const auto& [k, v] : c.headers) request += k + ": " + (k == "authorization" ? "Bearer (JWT; header and claims below)" : v) + "\n";
    request += "\n" + clip(c.body) + "\n\nJWT header and claims:\n" + shown;
    std::string label = "GP Connect call " + std::to_string(i + 1) + " from the product";
    r.evidence.push_back({label, request, why.empty() ? "as GP Connect 1.6 asks" : why});
    if (!why.empty()) r.fail(label + ": " + why);
  }
}

}  // namespace

void add_gpconnect_consumer_tests(std::vector<TestCase>& out) {
  out.push_back({"GPC-CONSUMER-REQUEST", "GP Connect consumer: the Spine headers, the audit JWT's claims and the Parameters of each call",
                 "gpconnect-consumer", {"GPC-ASR-05", "MU-GPACCESS-01"}, consumer_request});
}

}  // namespace hidewire::conformance::suite
