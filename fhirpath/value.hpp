// FHIRPath values: references into the FHIR tree (no copies) or System values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fhir/node.hpp"

namespace hidewire::fhirpath {

enum class VType : std::uint8_t { Node, Boolean, Integer, Decimal, String, Date, DateTime, Time, Quantity, TypeInfo };

// Date, DateTime and Time with the precision they were written with (1 year ... 7 milliseconds;
// a Time uses 4 hour ... 7 milliseconds).
struct Moment {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int precision = 0;
  bool has_tz = false;
  int tz_minutes = 0;
  bool is_time = false;
};

struct Value {
  VType type = VType::Boolean;
  const fhir::Node* node = nullptr;  // VType::Node
  bool b = false;
  std::int64_t i = 0;
  double d = 0;        // Decimal and Quantity value
  int scale = 0;       // digits after the decimal point as written (Decimal, Quantity)
  std::string s;       // String; Date/DateTime/Time text; Quantity unit
  Moment m;            // Date, DateTime, Time

  static Value boolean(bool v) { Value x; x.type = VType::Boolean; x.b = v; return x; }
  static Value integer(std::int64_t v) { Value x; x.type = VType::Integer; x.i = v; return x; }
  static Value decimal(double v, int scale);
  static Value decimal_text(const std::string& text);  // keeps the written scale
  static Value string(std::string v) { Value x; x.type = VType::String; x.s = std::move(v); return x; }
  static Value of_node(const fhir::Node* n) { Value x; x.type = VType::Node; x.node = n; return x; }
  static Value quantity(double v, int scale, std::string unit) { Value x; x.type = VType::Quantity; x.d = v; x.scale = scale; x.s = std::move(unit); return x; }
  // TypeInfo keeps "namespace.name" in s.
  static Value type_info(const std::string& ns, const std::string& name) { Value x; x.type = VType::TypeInfo; x.s = ns + "." + name; return x; }
  static std::optional<Value> date_time(const std::string& text, VType t);  // parses Date/DateTime/Time
};

using Collection = std::vector<Value>;

// A FHIR primitive node as a System value (booleans, numbers, dates, strings); Quantity-typed
// nodes as Quantity. nullopt for complex nodes and primitives without a value.
std::optional<Value> to_system(const Value& v);
// FHIR type name of a value: "string", "HumanName", "Patient"; System values: "Boolean", ...
std::string type_name(const Value& v);
bool is_system(const Value& v);

std::string format_decimal(double d, int scale);
std::string to_display(const Value& v);  // toString() form

// A moment with a zone moved to UTC, as `=` and comparisons do when both sides carry a zone
// (from minute precision on; the calendar day is not renormalised).
Moment moment_in_utc(Moment m);

// Equality per FHIRPath `=`: nullopt when the answer is empty (e.g. differing date precision).
std::optional<bool> equal(const Value& a, const Value& b);
bool equivalent(const Value& a, const Value& b);
// Ordering for < > <= >=: nullopt when not comparable; throws std::runtime_error on type errors.
std::optional<int> compare(const Value& a, const Value& b);

// Calendar unit normalisation: "days" -> "day", UCUM "d" -> "day" (for arithmetic on dates).
std::string calendar_unit(const std::string& unit);
// Converts a quantity to the given unit when UCUM allows (mg<->g, cm<->m, time units...).
std::optional<double> convert_quantity(double value, const std::string& from, const std::string& to);

}  // namespace hidewire::fhirpath
