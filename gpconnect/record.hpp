// One patient's resources from the store, each parsed once, indexed by "Type/id", with the small
// reads the clinical areas need (codes, dates, references). Internal to gpconnect/.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node/fhir_store.hpp"

namespace hidewire::gpconnect {

using Json = rapidjson::Value;

struct Item {
  const node::StoredResource* stored = nullptr;
  rapidjson::Document doc;
  std::string key;  // Type/id
  std::string_view type() const { return stored->type; }
};

class Record {
 public:
  explicit Record(const std::vector<node::StoredResource>& resources);
  const std::vector<std::unique_ptr<Item>>& items() const { return items_; }
  const Item* find(const std::string& key) const;
  // Items of one type, in store order.
  std::vector<const Item*> of_type(std::string_view type) const;

 private:
  std::vector<std::unique_ptr<Item>> items_;
  std::map<std::string, const Item*> by_key_;
};

const Json* member(const Json& o, const char* key);
// The string at a dotted path ("effectivePeriod.start"), or empty.
std::string text_at(const Json& o, std::string_view path);
// The first non-empty string among the paths.
std::string first_text(const Json& o, std::initializer_list<std::string_view> paths);
// A Reference's "Type/id" (relative or the tail of an absolute URL), or empty.
std::string reference_key(const Json* reference);
// Whether any coding of the CodeableConcept (or array of them) has this code (and system, if given).
bool has_code(const Json* concept_or_list, std::string_view code, std::string_view system = {});
// The first coding code of a CodeableConcept, or empty.
std::string first_code(const Json* concept_);
// Every Reference.reference in the resource, anywhere, as "Type/id".
void each_reference(const Json& v, std::vector<std::string>& out);

}  // namespace hidewire::gpconnect
