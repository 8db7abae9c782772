// A set of FHIRPath values that answers "does it hold one that `=` calls equal to v?" in about
// constant time, for distinct(), isDistinct(), union, intersect, exclude, subsetOf, supersetOf,
// repeat() and `|`: comparing each item with every other one made them quadratic, and bdl-7
// runs isDistinct() over every entry of a Bundle.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "fhirpath/value.hpp"

namespace hidewire::fhirpath {

// Holds pointers: a value added must stay where it is while the index is used.
class ValueIndex {
 public:
  // Some value added so far x with equal(x, v) == true (the argument order the callers used).
  bool contains(const Value& v) const;
  void add(const Value& v);
  // Adds v unless an equal value is there; true when added.
  bool insert(const Value& v);
  void reserve(std::size_t n);

 private:
  // Values are filed by a canonical form that equal values share (strings by their text,
  // dates by their UTC fields and precision, elements by their content...) and `equal` confirms
  // a match. Numbers are equal within a relative tolerance, so they are kept in order and the
  // neighbours within it are compared. Values no canonical form captures are compared with all.
  struct Keys;
  static Keys keys(const Value& v);
  bool matches(std::size_t item, const Value& v) const;
  bool contains(const Value& v, const Keys& k) const;
  void add(const Value& v, const Keys& k);

  void file(std::size_t hash, std::size_t item);
  void rehash(std::size_t size);

  struct Slot {
    std::size_t hash = 0;
    std::size_t item = kEmpty;  // index into items_
  };
  static constexpr std::size_t kEmpty = ~std::size_t{0};

  std::vector<const Value*> items_;
  std::vector<Slot> slots_;  // canonical hash -> item, open addressing (a power of two, at most half full)
  std::size_t filed_ = 0;
  std::multimap<double, std::size_t> numbers_;  // Integer and Decimal -> item
  std::vector<std::size_t> wild_;               // compared with every value
};

// distinct() of a collection: first occurrences, in order.
Collection distinct_values(const Collection& c);

}  // namespace hidewire::fhirpath
