#include "matching/demographics.hpp"

#include "fhir/nhs_number.hpp"
#include "matching/normalise.hpp"

namespace hidewire::matching {
namespace {

std::string text(const rapidjson::Value& o, const char* key) {
  if (!o.IsObject()) return {};
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
}

const rapidjson::Value* array(const rapidjson::Value& o, const char* key) {
  if (!o.IsObject()) return nullptr;
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

}  // namespace

Demographics demographics_of(const rapidjson::Value& p) {
  Demographics d;
  if (const rapidjson::Value* ids = array(p, "identifier"))
    for (const auto& id : ids->GetArray())
      if (text(id, "system") == fhir::kNhsNumberSystem) {
        d.nhs_number = text(id, "value");
        break;
      }
  if (const rapidjson::Value* names = array(p, "name")) {
    const rapidjson::Value* chosen = nullptr;
    for (const auto& n : names->GetArray())
      if (!chosen || text(n, "use") == "official") chosen = &n;
    if (chosen) {
      d.family = text(*chosen, "family");
      if (const rapidjson::Value* given = array(*chosen, "given"))
        for (const auto& g : given->GetArray())
          if (g.IsString()) d.given.emplace_back(g.GetString(), g.GetStringLength());
    }
  }
  d.birth_date = text(p, "birthDate");
  if (const rapidjson::Value* addresses = array(p, "address"))
    for (const auto& a : addresses->GetArray())
      // ZZ99 is the NHS's pseudo postcode (ZZ99 3VZ no fixed abode): no address to match on.
      if (std::string pc = normalise_postcode(text(a, "postalCode")); !pc.empty() && outward_code(pc) != "ZZ99") {
        d.postcode = pc;
        break;
      }
  d.gender = text(p, "gender");
  return d;
}

std::string transposed_birth_date(const std::string& b) {
  if (b.size() != 10 || b[4] != '-' || b[7] != '-') return {};
  std::string month = b.substr(5, 2), day = b.substr(8, 2);
  if (month == day || day > "12" || day < "01") return {};
  return b.substr(0, 5) + day + "-" + month;
}

}  // namespace hidewire::matching
