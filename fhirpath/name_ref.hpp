// Cheap comparison of FHIRPath names (functions, operators) with string literals.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>

namespace hidewire::fhirpath {

// A function or operator name as a dispatch sees it: compared with each literal by length first
// (a call runs down dozens of names; std::string == "..." measures the literal each time), and
// usable as the std::string it wraps.
struct NameRef {
  const std::string& s;
  template <std::size_t N>
  bool operator==(const char (&lit)[N]) const {
    return s.size() == N - 1 && std::memcmp(s.data(), lit, N - 1) == 0;
  }
  template <std::size_t N>
  bool operator!=(const char (&lit)[N]) const {
    return !(*this == lit);
  }
  operator const std::string&() const { return s; }
  const char* c_str() const { return s.c_str(); }
  std::size_t rfind(const char* x, std::size_t pos = std::string::npos) const { return s.rfind(x, pos); }
  std::string substr(std::size_t pos, std::size_t count = std::string::npos) const { return s.substr(pos, count); }
  friend std::string operator+(const NameRef& a, const char* b) { return a.s + b; }
  friend std::string operator+(const char* a, const NameRef& b) { return a + b.s; }
};

}  // namespace hidewire::fhirpath
