// Conversion and the conformance gate grow linearly with a message's size: a message 8 times
// larger takes about 8 times as long (a quadratic step makes it 64). Ratios, not wall-clock
// limits, so a slow or busy machine does not fail them.
#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>

#include "hl7v2/message.hpp"
#include "bench/large_messages.hpp"
#include "conformance/gate.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;

namespace {

// CPU time of this thread: a busy machine's other work does not count.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Seconds for parse + convert + gate.
double seconds(const std::string& text) {
  double t0 = cpu_seconds();
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err);
  REQUIRE_MESSAGE(m, err.message);
  mapping::Conversion c = mapping::convert(*m);
  REQUIRE(c.ok);
  fhir::Diagnostics gate = conformance::check(c.bundle_json);
  REQUIRE_FALSE(gate.has_errors());
  return cpu_seconds() - t0;
}

// The best of a few runs of each size, taken in turn so both meet the same conditions.
void check_linear(const std::string& small, const std::string& large) {
  seconds(small);  // warm-up: the schema, the maps, the compiled invariants
  double a = 1e9, b = 1e9;
  for (int r = 0; r < 3; ++r) {
    a = std::min(a, seconds(small));
    b = std::min(b, seconds(large));
  }
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
