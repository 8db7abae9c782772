// How the suite speaks to a product: FHIR over HTTP(S) with libcurl, HL7 v2 over MLLP; each call
// recorded as an Exchange. Also the messages and NHS numbers the suite makes.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/suite/suite.hpp"

namespace hidewire::conformance::suite {

struct HttpAnswer {
  long status = 0;      // 0: no answer (`error` says why)
  std::string headers;  // as received, one per line
  std::string body;
  std::string error;
};

// One request to target.fhir_base + path; `authenticate` false sends neither the token nor the
// client certificate. Appends the exchange to `evidence`.
HttpAnswer http_call(const Target& target, const std::string& method, const std::string& path, const std::string& body,
                     bool authenticate, const std::string& label, std::vector<Exchange>& evidence,
                     const std::vector<std::string>& extra_headers = {});
// The value of header `name` (case-insensitive) in `headers`; empty when absent.
std::string header_value(const std::string& headers, std::string_view name);

// Sends `frame_payload` on a new MLLP connection and returns the ACK payload; empty with `error`
// set when none came. Appends the exchange to `evidence`.
std::string mllp_call(const Target& target, const std::string& frame_payload, const std::string& label,
                      std::vector<Exchange>& evidence, std::string& error);

// Evidence text: at most 64 KiB of `s`, saying how much was left out.
std::string clip(const std::string& s);
// HL7 v2 with its segments one a line (they end in CR).
std::string readable(std::string s);

// The first error the node's own gate (R4 structure, invariants, NHS number rules) finds in
// `json`, as "location: message"; empty when it is valid.
std::string first_r4_error(const std::string& json);
// Parses `body` into `d`; true when it is a JSON object with resourceType `type`.
bool parse_resource(const std::string& body, std::string_view type, rapidjson::Document& d);

// The resourceType of a JSON body; empty when it is not a JSON object with one.
std::string resource_type(const std::string& body);
// A JSON OperationOutcome with at least one issue.
bool is_operation_outcome(const std::string& body);
// Bundle.total of a JSON Bundle, else the number of its entries; -1 when not a Bundle.
long bundle_count(const std::string& body);

// The Spine error or warning code of an OperationOutcome (the first issue's details.coding with
// a Spine-ErrorOrWarningCode system); empty when none.
std::string spine_code(const std::string& body);
std::string spine_code_of(const rapidjson::Value& outcome);
// In a searchset of AuditEvents, the one with an entity whose what.identifier.value is
// `request_id` (IHE BALP's XrequestId entity); null when none.
const rapidjson::Value* audit_of_request(const rapidjson::Document& d, const std::string& request_id);

// A valid NHS number (Modulus 11) made from `seed`, different for different seeds.
std::string nhs_number_from(std::uint64_t seed);
// The same number with a wrong check digit (fails Modulus 11).
std::string with_wrong_check_digit(const std::string& nhs);
// An ADT^A01 (v2.5.1) admission for a made-up patient with `nhs` in PID-3.
std::string adt_a01(const std::string& control_id, const std::string& nhs, const std::string& facility);

}  // namespace hidewire::conformance::suite
