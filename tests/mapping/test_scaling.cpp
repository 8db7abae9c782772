// Conversion and the conformance gate grow linearly with a message's size: a message 8 times
// larger takes about 8 times as long (a quadratic step makes it 64). Ratios, not wall-clock
// limits, so a slow or busy machine does not fail them.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "adapters/hl7v2/message.hpp"
#include "bench/large_messages.hpp"
#include "conformance/gate.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

namespace {

// Seconds for parse + convert + gate, the best of `runs` (the least disturbed by other load).
double seconds(const std::string& text, int runs) {
  double best = 1e9;
  for (int r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    hl7v2::ParseError err;
    auto m = hl7v2::parse(text, err);
    REQUIRE_MESSAGE(m, err.message);
    mapping::Conversion c = mapping::convert(*m);
    REQUIRE(c.ok);
    fhir::Diagnostics gate = conformance::check(c.bundle_json);
    REQUIRE_FALSE(gate.has_errors());
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void check_linear(const std::string& small, const std::string& large) {
  seconds(small, 1);  // warm-up: the schema, the maps, the compiled invariants
  double a = seconds(small, 3), b = seconds(large, 2);
  MESSAGE("n: " << a << " s, 8n: " << b << " s, ratio " << b / a);
  CHECK(b / a < 24);
}

}  // namespace

TEST_CASE("an ORU^R01 with 8,000 OBX takes about 8 times one with 1,000") {
  check_linear(large_oru(1000), large_oru(8000));
}

TEST_CASE("an ADT^A01 with 16,000 PID-3 repetitions takes about 8 times one with 2,000") {
  check_linear(large_adt(2000), large_adt(16000));
}
