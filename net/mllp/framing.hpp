// MLLP framing: <VT> message <FS><CR>. The decoder takes bytes as they arrive and yields whole
// frames; bytes outside a frame are skipped and counted, an oversized frame is an error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::mllp {

inline constexpr char kStartBlock = 0x0B;
inline constexpr char kEndBlock = 0x1C;
inline constexpr char kCarriageReturn = 0x0D;

std::string frame(std::string_view payload);

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes) : max_(max_frame_bytes) {}
  // Appends complete frames to `out`. Returns false (with `error`) when a frame exceeds the
  // limit: the connection should then be answered (AR) and closed.
  bool feed(std::string_view bytes, std::vector<std::string>& out, std::string& error);
  std::size_t skipped_bytes() const { return skipped_; }
  bool in_frame() const { return in_frame_; }  // a frame has started and not yet ended

 private:
  std::size_t max_;
  bool in_frame_ = false;
  bool saw_end_ = false;
  std::string buf_;
  std::size_t skipped_ = 0;
};

}  // namespace hidewire::mllp
