#include "net/mllp/framing.hpp"

namespace hidewire::mllp {

std::string frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out += kStartBlock;
  out.append(payload);
  out += kEndBlock;
  out += kCarriageReturn;
  return out;
}

bool FrameDecoder::feed(std::string_view bytes, std::vector<std::string>& out, std::string& error) {
  for (char c : bytes) {
    if (!in_frame_) {
      if (c == kStartBlock) {
        in_frame_ = true;
        buf_.clear();
      } else {
        ++skipped_;  // noise between frames (keep-alive newlines, stray bytes)
      }
      continue;
    }
    if (saw_end_) {
      saw_end_ = false;
      if (c == kCarriageReturn) {
        out.push_back(std::move(buf_));
        buf_.clear();
        in_frame_ = false;
        continue;
      }
      buf_ += kEndBlock;  // a lone FS inside the message: data, not the end
    }
    if (c == kEndBlock) {
      saw_end_ = true;
      continue;
    }
    if (c == kStartBlock) {  // a new frame began before this one ended: restart
      skipped_ += buf_.size() + 1;
      buf_.clear();
      continue;
    }
    buf_ += c;
    if (buf_.size() > max_) {
      error = "MLLP frame larger than the limit of " + std::to_string(max_) + " bytes";
      in_frame_ = false;
      buf_.clear();
      return false;
    }
  }
  return true;
}

}  // namespace hidewire::mllp
