// A GP Connect provider stub for the consumer's tests: a GP system's Access Record Structured
// endpoint over mutual TLS (holders.hpp's server and test CA), serving the specification's
// examples (tests/data/gpconnect) and the ten-year record (tests/data/gpconnect-records) by NHS
// number, refusing what a real provider behind the Spine proxy refuses: a missing or wrong Ssp
// header or Accept (400 BAD_REQUEST), a JWT without GP Connect's audit claims or with another
// aud (400 BAD_REQUEST), an invalid NHS number (the example INVALID_NHS_NUMBER), a dissenting
// patient (the example NO_PATIENT_CONSENT) and an unknown one (the example PATIENT_NOT_FOUND).
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <regex>

#include "fhir/nhs_number.hpp"
#include "tests/federation/holders.hpp"
#include "tests/fhir/test_support.hpp"

namespace hw_fed_test {

inline constexpr const char* kTenYears = "9733001007";   // Margaret Hargreaves, B82099
inline constexpr const char* kAllergies = "9485211007";  // the allergies example's patient
inline constexpr const char* kDissent = "9434765919";    // dissented from sharing
inline constexpr const char* kUnknown = "4010232137";    // not registered here

struct GpcProvider {
  Holder server;
  std::string asid, consumer_asid;
  bool expect_unsigned = false;
  std::map<std::string, std::string> records;  // NHS number -> STU3 Bundle
  std::vector<std::string> refused;            // why, for the test's checks
  std::vector<std::string> trace_ids;

  GpcProvider(std::string ods, std::string our_asid, std::string consumer)
      : server(std::move(ods), "gp-practice", "a81001"), asid(std::move(our_asid)), consumer_asid(std::move(consumer)) {
    server.open = true;  // this stub checks the Spine headers and the JWT itself, as a provider does
    records[kTenYears] = hw_test::read_file(hw_test::data_path("gpconnect-records/hargreaves_ten_years.json"));
    std::string allergies = hw_test::read_file(hw_test::data_path("gpconnect/structured_allergies_response1.json"));
    // The example's resolved-allergies List names another patient (1234567890), an erratum of
    // the example that a real answer so made is refused for (federation/answer_scan): one patient.
    for (const char* wrong : {"9999999999", "1234567890"})
      for (std::size_t at = allergies.find(wrong); at != std::string::npos; at = allergies.find(wrong, at)) allergies.replace(at, 10, kAllergies);
    records[kAllergies] = allergies;
    server.answer = [this](const std::string& op, const hidewire::http::Request& r, Reply reply) { answer(op, r, std::move(reply)); };
  }
  std::string url() const { return server.url(); }
  std::size_t calls() { return server.calls("$gpc.getstructuredrecord"); }

  static hidewire::http::Response file(int status, const std::string& name) {
    auto r = Holder::json(status, hw_test::read_file(hw_test::data_path("gpconnect/" + name)));
    r.content_type = "application/fhir+json;charset=utf-8";
    return r;
  }
  void refuse(const std::string& why, Reply& reply) {
    {
      std::lock_guard lock(server.mu);
      refused.push_back(why);
    }
    reply(Holder::spine(400, "BAD_REQUEST", why));
  }

  std::string check_jwt(const std::string& authorization) const {
    if (authorization.rfind("Bearer ", 0) != 0) return "no bearer JWT";
    std::string error;
    auto jwt = hidewire::auth::parse_jwt(authorization.substr(7), error);
    if (!jwt) return "not a JWT: " + error;
    if (expect_unsigned != (jwt->alg == "none" && jwt->empty_signature)) return "JWT alg " + jwt->alg + " not as configured";
    rapidjson::Document c;
    c.Parse(jwt->claims_json.c_str());
    for (const char* claim : {"iss", "sub", "aud", "iat", "exp", "reason_for_request", "requested_scope", "requesting_device", "requesting_organization",
                              "requesting_practitioner"})
      if (!c.HasMember(claim)) return std::string("JWT claim missing: ") + claim;
    if (std::string(c["aud"].GetString()) != url() + "/Patient/$gpc.getstructuredrecord") return "JWT aud is not this endpoint";
    if (c["exp"].GetInt64() - c["iat"].GetInt64() > 300) return "JWT lives more than 5 minutes";
    if (std::string(c["requested_scope"].GetString()) != "patient/*.read") return "JWT requested_scope";
    const auto& org = c["requesting_organization"];
    if (!org.HasMember("identifier") || std::string(org["identifier"][0]["system"].GetString()) != "https://fhir.nhs.uk/Id/ods-organization-code")
      return "requesting_organization has no ODS code";
    return {};
  }

  void answer(const std::string& op, const hidewire::http::Request& r, Reply reply) {
    if (op != "$gpc.getstructuredrecord") return reply(Holder::spine(404, "NOT_IMPLEMENTED", "only $gpc.getstructuredrecord"));
    static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    std::string trace = r.header("ssp-traceid");
    if (!std::regex_match(trace, uuid)) return refuse("Ssp-TraceID is not a UUID", reply);
    if (r.header("ssp-from") != consumer_asid) return refuse("Ssp-From is not the consumer's ASID", reply);
    if (r.header("ssp-to") != asid) return refuse("Ssp-To is not this provider's ASID", reply);
    if (r.header("ssp-interactionid") != "urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1")
      return refuse("Ssp-InteractionID is not gpc.getstructuredrecord-1", reply);
    if (r.header("accept").find("application/fhir+json") == std::string::npos) return refuse("Accept is not application/fhir+json", reply);
    if (std::string why = check_jwt(r.header("authorization")); !why.empty()) return refuse(why, reply);
    {
      std::lock_guard lock(server.mu);
      trace_ids.push_back(trace);
    }
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (d.HasParseError() || !d.HasMember("parameter")) return reply(Holder::spine(422, "INVALID_RESOURCE", "not Parameters"));
    std::string nhs;
    for (const auto& p : d["parameter"].GetArray())
      if (std::string(p["name"].GetString()) == "patientNHSNumber") nhs = p["valueIdentifier"]["value"].GetString();
    if (!hidewire::fhir::is_valid_nhs_number(nhs)) return reply(file(400, "error_INVALID_NHS_NUMBER.json"));
    if (nhs == kDissent) return reply(file(403, "error_NO_PATIENT_CONSENT.json"));
    auto it = records.find(nhs);
    if (it == records.end()) return reply(file(404, "error_PATIENT_NOT_FOUND.json"));
    auto ok = Holder::json(200, it->second);
    ok.content_type = "application/fhir+json;charset=utf-8";
    reply(std::move(ok));
  }
};

}  // namespace hw_fed_test
