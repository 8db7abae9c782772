// Time per OBX of one large ORU^R01 (bench/large_messages.hpp), and per identifier of an
// ADT^A01 with a long PID-3, through what the node does with it: parse, convert, and the
// conformance gate (parse the Bundle, validate, invariants). Linear work gives the same time
// per item at every size.
// Usage: bench_large [SIZES...]   default 1000 8000 19000; one thread, best of 3 (1 above 8,000)
// Wall time and this thread's CPU time are both given: on a shared machine the CPU time is the
// figure to compare.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "hl7v2/message.hpp"
#include "bench/large_messages.hpp"
#include "conformance/gate.hpp"
#include "mapping/engine/converter.hpp"

using namespace hidewire;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
  double convert = 0, gate = 0;  // seconds: parse + convert, conformance::check
  double cpu = 0;                // this thread's CPU seconds for both
};

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Timing run(const std::string& text) {
  Timing t;
  double c0 = cpu_seconds();
  auto t0 = Clock::now();
  hl7v2::ParseError err;
  auto m = hl7v2::parse(text, err, hl7v2::ParseLimits{64u << 20, 100000, 2000});
  if (!m) std::fprintf(stderr, "unreadable: %s\n", err.message.c_str()), std::exit(1);
  mapping::Conversion c = mapping::convert(*m);
  if (!c.ok) std::fprintf(stderr, "not converted\n"), std::exit(1);
  auto t1 = Clock::now();
  fhir::Diagnostics d = conformance::check(c.bundle_json);
  if (d.has_errors()) std::fprintf(stderr, "the gate refused it: %s\n", d.issues().front().message.c_str()), std::exit(1);
  t.convert = std::chrono::duration<double>(t1 - t0).count();
  t.gate = std::chrono::duration<double>(Clock::now() - t1).count();
  t.cpu = cpu_seconds() - c0;
  return t;
}

Timing best(const std::string& text, int runs) {
  Timing b{1e9, 1e9, 1e9};
  for (int i = 0; i < runs; ++i) {
    Timing t = run(text);
    if (t.cpu < b.cpu) b = t;
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 8000, 19000};
  run(large_oru(10));  // warm-up: the schema, the maps, the compiled invariants
  std::printf("| message | items | parse + convert (wall) | gate (wall) | total wall | total CPU | CPU per item |\n"
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const char* kind : {"ORU^R01, N OBX", "ADT^A01, N PID-3 repetitions"}) {
    for (int n : sizes) {
      bool oru = kind[0] == 'O';
      Timing t = best(oru ? large_oru(n) : large_adt(n), n > 8000 ? 1 : 3);
      std::printf("| %s | %d | %.3f s | %.3f s | %.3f s | %.3f s | %.1f us |\n", kind, n, t.convert, t.gate, t.convert + t.gate,
                  t.cpu, t.cpu * 1e6 / n);
      std::fflush(stdout);
    }
  }
}
