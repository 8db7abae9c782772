// ACKs for the intake's outcomes (node/intake.hpp), shared by the sources that take HL7 v2.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "node/intake.hpp"

namespace hidewire::plugins {

class V2Responder final : public node::Responder {
 public:
  std::string answer(std::string_view raw, const node::Outcome& outcome) const override;
  // The AR for a frame that could not even be taken (too large).
  std::string reject_frame(const std::string& error) const;
  // The AR, with an ERR segment saying why, for a message from a sender who is refused (not
  // authenticated, or not allowed): nothing of it was taken.
  std::string refuse_sender(std::string_view raw, const std::string& why) const;

 private:
  std::string next_control_id() const;
  mutable std::atomic<std::uint64_t> seq_{0};
};

// "PID-3[1].1" (a converter location) as an ERR-2 location "PID^1^3^1^1".
std::string err_location(const std::string& v2_location);

}  // namespace hidewire::plugins
