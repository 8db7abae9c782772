// Converter: one message format (HL7 v2, FHIR, later STU3, CDA, CSV...) into a FHIR R4 transaction
// Bundle keyed by the NHS number. Pure: no I/O, thread-safe, never throws (a failure is a refused
// conversion with its reason). The intake picks the converter by the message's format, and
// replay uses the same one, so a fixed map lets a refused message through.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "node/caller.hpp"

namespace hidewire::node {

// An operator's answer for a message held at patient matching (docs/MATCHING.md): key it to this
// NHS number, or record the person as a new patient under the message's own identifiers.
struct PatientResolution {
  std::string nhs_number;    // empty with new_patient
  bool new_patient = false;
  std::int64_t journal_id = 0;  // the held message (names a local identifier when it has none)
};

// What the intake knows of a message besides its text.
struct MessageInfo {
  std::string channel;      // the source's name
  std::string format;       // the converter's name: hl7v2, fhir
  std::string received_at;  // FHIR instant
  std::string content_hash; // sha256_hex of the text when the intake has it (empty: not known)
  // Who sent it, as the source authenticated them (a replay: as journalled). Null: not known
  // (tools, tests), treated as Anonymous. Converters check what the message says about its
  // sender (MSH-4, a Provenance) against it.
  const Caller* caller = nullptr;
  // The node traces patients without a valid NHS number (node/patient_tracing.hpp): a converter
  // may then take an NHS number failing Modulus 11 as missing (a warning) instead of refusing.
  bool trace_patients = false;
  const PatientResolution* resolution = nullptr;  // a held message being resolved
};

struct Conversion {
  enum class Status {
    Converted,   // bundle_json holds the transaction Bundle
    Refused,     // readable, but its content cannot be accepted (AE, 422)
    Unreadable,  // not a message of this format at all (AR, 400)
  };
  Status status = Status::Unreadable;
  std::string bundle_json;
  // Errors (the refusal) and warnings; locations in the input's own terms (PID-3[1].1, Patient.name[0]).
  fhir::Diagnostics diagnostics;
  std::vector<std::string> unmapped;  // parts present in the input but not carried (PID-19, ZU1)
  // Identity read from the message: resends are known by (channel, sender, control_id).
  std::string sender, control_id;
  std::string event;       // the message type, for routing (ADT^A01); empty when the format has none
  std::string nhs_number;  // the patient's key, when found and valid
  // Converted, but the patient could not be traced to one NHS number: journalled as "held" with
  // this reason, neither stored nor routed until an operator resolves it (docs/MATCHING.md).
  std::string held;
};

class Converter {
 public:
  virtual ~Converter() = default;
  // Must not throw: a failure is a Refused conversion with its reason. Not `noexcept`, so that
  // a converter that throws anyway is caught by the intake (the message refused and kept)
  // instead of ending the node through std::terminate.
  virtual Conversion convert(std::string_view raw, const MessageInfo& info) const = 0;
  // A file of many messages (a delimited export of many people): each message's own text, to be
  // converted, journalled and answered on its own, so one bad part never rejects the others.
  // Empty: the text is one message. Must not throw.
  virtual std::vector<std::string> split(std::string_view raw, const MessageInfo& info) const {
    (void)raw, (void)info;
    return {};
  }
};

}  // namespace hidewire::node
