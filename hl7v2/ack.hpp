// Original-mode acknowledgements: AA accepted, AE content error (with ERR segments), AR rejected
// (unreadable). MSA-2 always echoes the received MSH-10.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hl7v2/message.hpp"

namespace hidewire::hl7v2 {

enum class AckCode { AA, AE, AR };
std::string_view ack_code_name(AckCode c);

// HL7 table 0357 codes used by hidewire.
enum ErrorCode : int {
  kSegmentSequenceError = 100,
  kRequiredFieldMissing = 101,
  kDataTypeError = 102,
  kTableValueNotFound = 103,
  kUnsupportedMessageType = 200,
  kUnsupportedEventCode = 201,
  kApplicationInternalError = 207,
};

struct AckError {
  std::string location;  // ERR-2 as SEG^sequence^field^repetition^component, e.g. "PID^1^3^1^1"
  int code = kApplicationInternalError;
  char severity = 'E';   // E error, W warning, I information
  std::string message;   // ERR-8, for people
};

struct AckOptions {
  std::string control_id;  // MSH-10 of the ACK itself
  std::string timestamp;   // MSH-7, YYYYMMDDHHMMSS(+ZZZZ)
  std::string text;        // MSA-3
};

// ACK for a message that was parsed: sender and receiver swapped, MSH-9 ACK^<event>^ACK,
// MSH-11/12 copied, MSA-2 = its MSH-10.
std::string build_ack(const Message& original, AckCode code, const std::vector<AckError>& errors, const AckOptions& opts);
// ACK (AR) for bytes that could not be parsed: MSH fields are recovered from the first line
// as far as it can be read; MSA-2 is empty when MSH-10 cannot be found.
std::string build_reject(std::string_view raw, const ParseError& why, const AckOptions& opts);

}  // namespace hidewire::hl7v2
