// The `ambulance` converter: an ambulance service's patient report at handover, as its ePR
// vendor sends it (JSON or XML; one map per vendor in mapping/ambulance/, docs/AMBULANCE.md),
// into a FHIR R4 transaction Bundle keyed by the NHS number. The vendor is recognised from the
// report itself (the XML document element, the JSON schema member). The report's ambulance
// service (its ODS code) must be the sender's organisation as its credential established it.
// Its event is "ePR^handover" when the patient was conveyed, else "ePR^non-conveyance"; the
// receiving hospital is Encounter.hospitalization.destination, for routes (docs/CONFIG.md).
#pragma once

#include <string>
#include <vector>

#include "node/registry.hpp"
#include "plugins/converters/ambulance/epr_codes.hpp"
#include "plugins/converters/ambulance/epr_map.hpp"

namespace hidewire::plugins::ambulance {

// The maps linked into the binary, read once (thread-safe); throws MapError if one is wrong.
struct Maps {
  std::vector<VendorMap> vendors;
  Codes codes;
  static const Maps& builtin();
};

// Settings (`converters.ambulance`): "vendors": the vendor maps accepted (default: every one).
struct Settings {
  std::vector<std::string> vendors;
};

std::unique_ptr<node::Converter> make(const Settings& s, const Maps& maps = Maps::builtin());
node::ConverterBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::ambulance
