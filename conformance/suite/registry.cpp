#include <stdexcept>

#include "conformance/suite/requirements.hpp"
#include "conformance/suite/suite.hpp"

namespace hidewire::conformance::suite {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Pass: return "pass";
    case Status::Fail: return "fail";
    case Status::Skip: return "skip";
    case Status::Error: return "error";
  }
  return "error";
}

void Result::set(Status s, std::string why) {
  if (status != Status::Pass) return;
  status = s;
  message = std::move(why);
}

// Every area registered explicitly, in run order: the sender area last, so the product has the
// whole listening window (the receiver tests' own messages may come back through it).
const std::vector<TestCase>& tests() {
  static const std::vector<TestCase> all = [] {
    std::vector<TestCase> out;
    add_v2_receiver_tests(out);
    add_fhir_server_tests(out);
    add_gpconnect_provider_tests(out);
    add_access_tests(out);
    add_consent_tests(out);
    add_gpconnect_audit_tests(out);  // after GPC-DISSENT, whose refused request it looks for
    add_gpconnect_answer_tests(out);  // while the suite's GP Connect provider still listens: before the window is waited for
    add_gpconnect_consumer_tests(out);
    add_sender_tests(out);
    for (const TestCase& t : out)
      for (const std::string& r : t.requirements)
        if (!requirements().find(r)) throw std::runtime_error("test " + t.id + " names unknown requirement " + r);
    return out;
  }();
  return all;
}

}  // namespace hidewire::conformance::suite
