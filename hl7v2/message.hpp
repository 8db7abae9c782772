// HL7 v2 messages (v2.2-v2.8), parsed without copying: fields are views into the message's own
// buffer, split into repetitions, components and subcomponents on access, unescaped only when
// the text holds the escape character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::hl7v2 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = 0;  // v2.7+: '#' as the fifth encoding character, when present
};

struct ParseLimits {
  std::size_t max_bytes = 16u << 20;
  std::size_t max_segments = 20000;
  std::size_t max_fields = 2000;  // per segment
};

struct ParseError {
  std::string message;
  std::size_t segment = 0;  // 1-based segment number, 0 when not known
  std::size_t offset = 0;   // byte offset
};

class Message;
// The offset of the first byte after any UTF-8 byte-order marks, whitespace and blank lines
// from `from`; npos when nothing else follows.
std::size_t skip_preamble(std::string_view text, std::size_t from = 0);

// Parses one message; tolerant of a leading byte-order mark, whitespace and blank lines, and of
// \r, \n or \r\n segment ends and trailing blank lines.
// Returns nullopt and fills `error` when the message cannot be read (no MSH, bad delimiters,
// over a limit...). Never throws for bad input.
std::optional<Message> parse(std::string_view text, ParseError& error, const ParseLimits& limits = {});

struct Segment {
  std::string_view name;
  // fields[n] is field n (SEG-n); fields[0] is the name. For MSH, fields[1] is the field
  // separator itself and fields[2] the encoding characters, so MSH-9 is fields[9] as usual.
  std::vector<std::string_view> fields;
  std::size_t offset = 0;  // byte offset in the message, for messages about errors

  std::string_view field(std::size_t n) const { return n < fields.size() ? fields[n] : std::string_view(); }
};

// Segment groups of the message structure (ORU_R01: PATIENT_RESULT / ORDER_OBSERVATION /
// OBSERVATION...), as indexes into Message::segments.
struct Group {
  std::string_view name;
  std::vector<std::size_t> segments;  // this group's own segments, in order
  std::vector<Group> groups;          // child groups, in order
  std::vector<std::size_t> all() const;  // own and descendants' segments, in message order
};

class Message {
 public:
  Message() = default;
  Message(Message&&) = default;
  Message& operator=(Message&&) = default;
  Message(const Message&) = delete;  // fields are views into this message's buffer
  Message& operator=(const Message&) = delete;

  Delimiters delims;
  std::vector<Segment> segments;
  Group root;  // the structure's groups; segments the structure does not know stay at their level

  const Segment* first(std::string_view name) const;
  std::vector<const Segment*> all(std::string_view name) const;

  // Terser-style access: "PID-3", "PID-3(2).1", "PID-5.1.1", "OBX(2)-5" (1-based; a segment
  // or repetition index in parentheses). Returns the unescaped text; empty when absent.
  std::string get(std::string_view path) const;
  // Pieces of a field value (1-based repetition, component, subcomponent; 0 = whole).
  std::string_view piece(std::string_view field, int repetition, int component = 0, int subcomponent = 0) const;
  std::size_t repetitions(std::string_view field) const;
  std::string unescape(std::string_view text) const;

  std::string_view message_code() const;   // MSH-9.1, e.g. ADT
  std::string_view trigger_event() const;  // MSH-9.2, e.g. A01
  std::string structure() const;           // MSH-9.3, or code_trigger mapped for older versions
  std::string_view control_id() const;     // MSH-10
  std::string_view version() const;        // MSH-12.1
  std::string_view sending_application() const;  // MSH-3.1
  std::string_view sending_facility() const;     // MSH-4.1

  const std::string& text() const { return *buffer_; }

 private:
  friend std::optional<Message> parse(std::string_view, ParseError&, const ParseLimits&);
  std::unique_ptr<std::string> buffer_;  // segments ended by \r; every view points here, and a
                                         // move keeps it in place
};

// The delimiters MSH-1 and MSH-2 declare at the start of `msh_line`, checked as parse() checks
// them (4 or 5 distinct, non-alphanumeric encoding characters); nullopt and `error` otherwise.
std::optional<Delimiters> read_delimiters(std::string_view msh_line, ParseError& error);

// Writes the message back with its own delimiters; parse(encode(m)) reads the same message.
std::string encode(const Message& m);

std::string escape(std::string_view text, const Delimiters& d);
std::string unescape(std::string_view text, const Delimiters& d);

}  // namespace hidewire::hl7v2
