// HL7 v2 batch files (FHS / BHS ... MSH ... BTS / FTS) and frames or files holding several
// messages back to back: split into their messages, and the batch of ACKs that answers them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::hl7v2 {

struct Batch {
  bool enveloped = false;           // an FHS or BHS was present
  bool file = false;                // an FHS was present: the answer has an FHS / FTS too
  std::string header;               // the first BHS (else FHS) line, as sent: for the answer's envelope
  std::vector<std::string_view> messages;  // each from its MSH up to the next MSH or envelope segment
  long declared_count = -1;         // BTS-1, -1 when absent
};

// Splits `text` (any of \r, \n, \r\n segment ends; a byte-order mark and blank lines anywhere
// between messages). Text that holds no MSH at all is one "message", so the receiver answers AR.
Batch split_batch(std::string_view text);
// True when `text` is a batch envelope or holds more than one message.
bool is_batch(std::string_view text);

// The answer to a batch: a BHS (sender and receiver swapped, BHS-12 = the batch's BHS-11), the
// ACKs in message order, a BTS with their count; an FHS / FTS pair when the batch had an FHS.
// `acks` are complete ACK messages with \r segment ends. An unenveloped batch gets the ACKs
// alone, back to back.
std::string batch_answer(const Batch& batch, const std::vector<std::string>& acks, std::string_view timestamp);

}  // namespace hidewire::hl7v2
