#include "plugins/common/bundle_parts.hpp"

#include "mapping/engine/json_path.hpp"

namespace hidewire::plugins {

namespace build = fhir::build;

BundleParts::J BundleParts::identifier(const std::string& system, const std::string& value) { return identifier_json(system, value, a()); }

BundleParts::J BundleParts::ref(int e) {
  J o(rapidjson::kObjectType);
  o.AddMember("reference", str(entries[static_cast<std::size_t>(e)].full_url), a());
  return o;
}

int BundleParts::add(const std::string& seed, const std::string& type, J res, build::Write how) {
  return add_pending(entries, seed, type, std::move(res), how);
}

std::string BundleParts::finish(const std::string& seed, const build::Source& source, const std::string& nhs_number,
                                const std::string& timestamp) {
  std::vector<std::string> targets;
  for (const Entry& e : entries) targets.push_back(e.full_url);
  J prov = build::provenance(targets, source, a());
  add(seed, "Provenance", std::move(prov), build::Write::Create);
  std::vector<int> order(entries.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  return transaction(order, nhs_number, timestamp);
}

std::string BundleParts::transaction(const std::vector<int>& order, const std::string& nhs_number, const std::string& timestamp) {
  std::vector<J> list;
  for (int i : order) {
    Entry& e = entries[static_cast<std::size_t>(i)];
    std::string url = e.type == "Provenance" ? "" : build::conditional_url(e.type, e.res, e.type == "Patient" ? nhs_number : "");
    list.push_back(build::transaction_entry(e.full_url, e.type, std::move(e.res), url, e.how, a()));
  }
  return mapping::write_with_raw_numbers(build::transaction_bundle(list, timestamp, a()));
}

}  // namespace hidewire::plugins
