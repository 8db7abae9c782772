#include "plugins/converters/ambulance/ambulance_converter.hpp"

#include <algorithm>

#include "fhir/clock.hpp"
#include "node/intake.hpp"
#include "plugins/common/resource_building.hpp"
#include "plugins/converters/ambulance/epr_bundle.hpp"

extern "C" const char hw_amb_codes_json[];
extern "C" const char hw_amb_vendor_clinix_json[];
extern "C" const char hw_amb_vendor_medaxis_xml[];

namespace hidewire::plugins::ambulance {
namespace {

using node::Conversion;

class AmbulanceConverter final : public node::Converter {
 public:
  AmbulanceConverter(std::vector<const VendorMap*> vendors, const Codes& codes) : vendors_(std::move(vendors)), codes_(codes) {}

  Conversion convert(std::string_view raw, const node::MessageInfo& info) const override {
    return guarded_conversion("the ambulance converter", [&](Conversion& out) { convert_into(raw, info, out); });
  }

 private:

  void convert_into(std::string_view raw, const node::MessageInfo& info, Conversion& out) const {
    out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
    std::size_t start = raw.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    std::string syntax = start == std::string_view::npos ? "" : raw[start] == '{' ? "json" : raw[start] == '<' ? "xml" : "";
    TreeNode tree;
    std::string unreadable = syntax.empty() ? "an ambulance ePR report must be JSON or XML"
                                            : syntax == "json" ? read_json(raw.substr(start), tree) : read_xml(raw.substr(start), tree);
    if (!unreadable.empty()) {
      out.status = Conversion::Status::Unreadable;
      out.diagnostics.add(fhir::Severity::Fatal, "structure", "", unreadable);
      return;
    }
    auto vendor = std::find_if(vendors_.begin(), vendors_.end(), [&](const VendorMap* v) { return v->recognises(tree, syntax); });
    if (vendor == vendors_.end()) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("not-supported", syntax == "xml" ? tree.name : "",
                            "the " + syntax + " report is not in the form of any configured ePR vendor's map", "unsupported-message");
      return;
    }
    const VendorMap& map = **vendor;
    Record r = map.apply(tree, out.diagnostics);
    const Value* ods = r.get("service.ods");
    out.sender = ods ? ods->text : "";
    out.event = "ePR";
    const node::Caller* caller = info.caller;
    if (ods && caller && caller->kind != node::Caller::Kind::Anonymous && !caller->speaks_for(ods->text)) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("security", ods->at,
                            "the report names ambulance service '" + ods->text + "', but it came from " + caller->describe() +
                                " whose organisation is " + (caller->ods_code.empty() ? "not known" : caller->ods_code) +
                                ": a sender may only send for its own organisation");
      return;
    }
    BundleOptions opts;
    // Tools and tests may not say when it arrived: now, as the intake would.
    opts.received_at = info.received_at.empty() ? fhir::utc_now_instant() : info.received_at;
    if (caller && caller->kind != node::Caller::Kind::Anonymous) opts.sender_ods = caller->ods_code;
    opts.control_id = out.control_id;
    opts.agent = info.channel.empty() ? map.name + " ePR" : "source " + info.channel + " (" + map.name + " ePR)";
    opts.vendor = map.name;
    BuiltBundle b = make_bundle(r, codes_, opts, out.diagnostics);
    unused_leaves(tree, map.ignore, out.unmapped);
    out.event = b.event.empty() ? "ePR" : b.event;
    out.nhs_number = b.nhs_number;
    if (out.diagnostics.has_errors() || b.json.empty()) {
      out.status = Conversion::Status::Refused;
      return;
    }
    out.bundle_json = std::move(b.json);
    out.status = Conversion::Status::Converted;
  }

  std::vector<const VendorMap*> vendors_;
  const Codes& codes_;
};

}  // namespace

const Maps& Maps::builtin() {
  static const Maps m = [] {
    Maps maps;
    maps.codes = load_codes(hw_amb_codes_json, "mapping/ambulance/fhir_codes.json");
    maps.vendors.push_back(load_vendor_map(hw_amb_vendor_clinix_json, "mapping/ambulance/vendor_clinix_json.json"));
    maps.vendors.push_back(load_vendor_map(hw_amb_vendor_medaxis_xml, "mapping/ambulance/vendor_medaxis_xml.json"));
    return maps;
  }();
  return m;
}

std::unique_ptr<node::Converter> make(const Settings& s, const Maps& maps) {
  std::vector<const VendorMap*> vendors;
  for (const VendorMap& v : maps.vendors)
    if (s.vendors.empty() || std::find(s.vendors.begin(), s.vendors.end(), v.name) != s.vendors.end()) vendors.push_back(&v);
  return std::make_unique<AmbulanceConverter>(std::move(vendors), maps.codes);
}

node::ConverterBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.strings("vendors", s.vendors);
  const Maps* maps = nullptr;
  try {
    maps = &Maps::builtin();
  } catch (const MapError& e) {
    r.problem("", std::string("the built-in ambulance maps are wrong: ") + e.what());
    return {};
  }
  for (const std::string& v : s.vendors)
    if (std::none_of(maps->vendors.begin(), maps->vendors.end(), [&](const VendorMap& m) { return m.name == v; })) {
      std::string known;
      for (const VendorMap& m : maps->vendors) known += (known.empty() ? "" : ", ") + m.name;
      r.problem("vendors", "no ePR vendor map named '" + v + "' (known: " + known + ")");
    }
  return [s, maps] { return make(s, *maps); };
}

}  // namespace hidewire::plugins::ambulance
