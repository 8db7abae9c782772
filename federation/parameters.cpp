#include "federation/parameters.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "auth/claims.hpp"
#include "fhir/json_escape.hpp"
#include "fhir/nhs_number.hpp"

namespace hidewire::federation {
namespace {

Refusal invalid(std::string diagnostics) {
  Refusal r;
  r.diagnostics = std::move(diagnostics);
  return r;
}

std::string text(const rapidjson::Value& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

// GP Connect 1.6's clinical areas: what the GP is asked for when the caller names none.
constexpr const char* kAllAreas =
    R"({"name":"includeAllergies","part":[{"name":"includeResolvedAllergies","valueBoolean":true}]},)"
    R"({"name":"includeMedication","part":[{"name":"includePrescriptionIssues","valueBoolean":true}]},)"
    R"({"name":"includeConsultations"},{"name":"includeProblems"},{"name":"includeImmunisations"},)"
    R"({"name":"includeUncategorisedData"},{"name":"includeInvestigations"},{"name":"includeReferrals"},)"
    R"({"name":"includeDiaryEntries"})";

bool is_gp_area(const std::string& name) {
  for (const char* n : {"includeAllergies", "includeMedication", "includeConsultations", "includeProblems", "includeImmunisations",
                        "includeUncategorisedData", "includeInvestigations", "includeReferrals", "includeDiaryEntries"})
    if (name == n) return true;
  return false;
}

}  // namespace

std::string refusal_body(const Refusal& r) {
  return R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":")" + r.issue_code +
         R"(","details":{"coding":[{"system":"https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode","code":")" + r.spine_code +
         R"(","display":")" + fhir::json_escape(r.display) + R"("}]},"diagnostics":")" + fhir::json_escape(r.diagnostics) + "\"}]}";
}

std::optional<Refusal> parse_record_request(const std::string& body, RecordRequest& out) {
  rapidjson::Document d;
  if (d.Parse(body.c_str(), body.size()).HasParseError() || !d.IsObject()) {
    Refusal r{400, "invalid", "BAD_REQUEST", "Bad request", "the body is not JSON: a Parameters resource is expected"};
    return r;
  }
  if (text(d, "resourceType") != "Parameters") {
    Refusal r{422, "invalid", "INVALID_RESOURCE", "Invalid validation of resource", "the body must be a Parameters resource"};
    return r;
  }
  auto params = d.FindMember("parameter");
  if (params == d.MemberEnd() || !params->value.IsArray()) return invalid("Parameters.parameter is missing: patientNHSNumber is required");
  bool have_nhs = false;
  for (const auto& p : params->value.GetArray()) {
    std::string name = text(p, "name");
    if (name == "patientNHSNumber") {
      auto id = p.FindMember("valueIdentifier");
      if (have_nhs) return invalid("patientNHSNumber is given twice");
      if (id == p.MemberEnd() || !id->value.IsObject()) return invalid("patientNHSNumber must be a valueIdentifier");
      if (text(id->value, "system") != fhir::kNhsNumberSystem) {
        Refusal r{422, "invalid", "INVALID_IDENTIFIER_SYSTEM", "Invalid identifier system",
                  "patientNHSNumber's system must be https://fhir.nhs.uk/Id/nhs-number"};
        return r;
      }
      out.nhs_number = text(id->value, "value");
      if (!fhir::is_valid_nhs_number(out.nhs_number)) {
        Refusal r{400, "value", "INVALID_NHS_NUMBER", "Invalid NHS number", "patientNHSNumber is not a valid NHS number"};
        return r;
      }
      have_nhs = true;
    } else if (name == "purposeOfUse") {
      std::string code = text(p, "valueCode");
      out.purpose = auth::normalise_purpose(code);
      if (out.purpose.empty()) return invalid("purposeOfUse '" + code + "' is not known (directcare, emergency)");
    } else if (is_gp_area(name)) {
      rapidjson::StringBuffer b;
      rapidjson::Writer<rapidjson::StringBuffer> w(b);
      p.Accept(w);
      out.gp_parameters.emplace_back(b.GetString(), b.GetSize());
    } else {
      return invalid("unknown parameter '" + name + "'");
    }
  }
  if (!have_nhs) return invalid("patientNHSNumber is required");
  return std::nullopt;
}

std::string nhs_number_parameters(const std::string& nhs) {
  return R"({"resourceType":"Parameters","parameter":[{"name":"patientNHSNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
         fhir::json_escape(nhs) + "\"}}]}";
}

std::string structured_record_parameters(const RecordRequest& r) {
  std::string s = nhs_number_parameters(r.nhs_number);
  s.resize(s.size() - 2);  // before "]}"
  if (r.gp_parameters.empty()) {
    s += ',';
    s += kAllAreas;
  }
  for (const std::string& p : r.gp_parameters) s += "," + p;
  return s + "]}";
}

}  // namespace hidewire::federation
