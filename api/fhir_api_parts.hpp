// What the FHIR API's files share: paths, JSON strings, resource and Bundle answers, refusals.
// Internal to api/.
#pragma once

#include <string>
#include <vector>

#include "api/access_trail.hpp"
#include "net/http/server.hpp"
#include "node/fhir_store.hpp"

namespace hidewire::http {

std::vector<std::string> split_path(const std::string& path);
std::string json_string(const std::string& s);
Response resource_response(const node::StoredResource& r, int status);
Response bundle_of(const std::string& type, const std::vector<node::StoredResource>& rs, const std::string& base,
                   const std::string& next_link, const std::string& outcome_entry = "");
// A refusal, recorded in the trail as a minor failure with its reason.
Response refused(AccessTrail& trail, Response r, const std::string& why);
// A write checked and authorised: `apply` writes the store once the write is audited
// (AccessTrail::apply); the answer returned here is a placeholder, never sent.
Response deferred_write(AccessTrail& trail, std::function<Response(AccessTrail& after)> apply);
// Said in a Bundle when a restriction held something back, without saying what.
std::string withheld_entry();
// The answer to a read of a resource a restriction holds back.
Response withheld_answer();

}  // namespace hidewire::http
