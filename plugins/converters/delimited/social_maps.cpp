#include "plugins/converters/delimited/social_maps.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fhir/clock.hpp"
#include "node/intake.hpp"

extern "C" const char hw_social_codes_json[];
extern "C" const char hw_social_liquidlogic_leeds[];
extern "C" const char hw_social_mosaic_kirklees[];
extern "C" const char hw_social_caredirector_calderdale[];
extern "C" const char hw_social_prsb_la_record[];

namespace hidewire::plugins::social {

const Maps& Maps::builtin() {
  static const Maps m = [] {
    Maps maps;
    maps.codes = load_codes(hw_social_codes_json, "mapping/social/fhir_codes.json");
    maps.maps.push_back(load_social_map(hw_social_liquidlogic_leeds, "mapping/social/liquidlogic_leeds.json"));
    maps.maps.push_back(load_social_map(hw_social_mosaic_kirklees, "mapping/social/mosaic_kirklees.json"));
    maps.maps.push_back(load_social_map(hw_social_caredirector_calderdale, "mapping/social/caredirector_calderdale.json"));
    maps.maps.push_back(load_social_map(hw_social_prsb_la_record, "mapping/social/prsb_la_record.json"));
    return maps;
  }();
  return m;
}

SocialMap load_map_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw MapError(path + ": cannot be read");
  std::stringstream ss;
  ss << f.rdbuf();
  return load_social_map(ss.str(), path);
}

const SocialMap* Selected::choose(const node::MessageInfo& info, const std::string& first_line, const std::string& root) const {
  if (auto it = by_source.find(info.channel); it != by_source.end()) return it->second.get();
  if (maps.size() == 1) return maps.front().get();
  for (const auto& m : maps) {
    if (m->format == "xml" && m->root == root) return m.get();
    if (m->format == "delimited" && m->header && !m->recognise.empty() && first_line.find(m->recognise) != std::string::npos) return m.get();
  }
  return nullptr;
}

bool select_maps(node::ConfigReader& r, const std::string& format, Selected& out) {
  Settings s;
  r.boolean("builtin", s.builtin);
  r.strings("maps", s.maps);
  r.strings("map_files", s.map_files);
  r.array("source_maps", [&](node::ConfigReader& e) {
    std::string source, map;
    e.str("source", source, true);
    e.str("map", map, true);
    s.source_maps[source] = map;
  });
  const Maps* builtin = nullptr;
  try {
    builtin = &Maps::builtin();
  } catch (const MapError& e) {
    r.problem("", std::string("the built-in social-care maps are wrong: ") + e.what());
    return false;
  }
  out.codes = &builtin->codes;
  std::string wanted = format == "delimited" ? "delimited" : "xml";
  for (const SocialMap& m : builtin->maps)
    if (s.builtin && m.format == wanted && (s.maps.empty() || std::find(s.maps.begin(), s.maps.end(), m.name) != s.maps.end()))
      out.maps.push_back(std::shared_ptr<const SocialMap>(&m, [](const SocialMap*) {}));
  for (const std::string& name : s.maps)
    if (std::none_of(builtin->maps.begin(), builtin->maps.end(), [&](const SocialMap& m) { return m.name == name && m.format == wanted; }))
      r.problem("maps", "no built-in " + wanted + " map named '" + name + "'");
  for (const std::string& path : s.map_files) {
    try {
      auto m = std::make_shared<const SocialMap>(load_map_file(path));
      if (m->format != wanted) r.problem("map_files", path + ": a " + m->format + " map, not " + wanted);
      else out.maps.push_back(m);
    } catch (const MapError& e) {
      r.problem("map_files", e.what());
    }
  }
  for (const auto& [source, name] : s.source_maps) {
    auto it = std::find_if(out.maps.begin(), out.maps.end(), [&](const auto& m) { return m->name == name; });
    if (it == out.maps.end()) r.problem("source_maps", "no " + wanted + " map named '" + name + "' for source '" + source + "'");
    else out.by_source[source] = *it;
  }
  return true;
}

node::Conversion SocialConverter::convert(std::string_view raw, const node::MessageInfo& info) const {
  node::Conversion out;
  try {
    convert_into(raw, info, out);
  } catch (const std::exception& e) {
    refuse(out, what_ + " failed: " + e.what());
  } catch (...) {
    refuse(out, what_ + " failed");
  }
  return out;
}

void refuse(node::Conversion& out, const std::string& why) {
  out.status = node::Conversion::Status::Refused;
  out.bundle_json.clear();
  out.diagnostics.add(fhir::Severity::Fatal, "exception", "", why, "conversion-failed");
}

void finish_conversion(const Record& r, const SocialMap& map, const Codes& codes, std::string_view raw, const node::MessageInfo& info,
                       node::Conversion& out) {
  using node::Conversion;
  out.sender = map.council_ods;
  out.event = "social-care^" + map.format;
  BundleOptions opts;
  opts.received_at = info.received_at.empty() ? fhir::utc_now_instant() : info.received_at;
  const node::Caller* caller = info.caller;
  if (caller && caller->kind != node::Caller::Kind::Anonymous) opts.sender_ods = caller->ods_code;
  opts.control_id = out.control_id.empty() ? (info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash) : out.control_id;
  out.control_id = opts.control_id;
  opts.agent = info.channel.empty() ? map.name + " export" : "source " + info.channel + " (" + map.name + " export)";
  opts.council_ods = map.council_ods;
  opts.council_name = map.council_name;
  if (auto c = r.lists.find("council"); c != r.lists.end() && !c->second.empty()) {
    if (const std::string& ods = c->second.front().text("ods"); !ods.empty()) opts.council_ods = ods;
    if (const std::string& name = c->second.front().text("name"); !name.empty()) opts.council_name = name;
  }
  out.sender = opts.council_ods;
  opts.map_name = map.name;
  opts.trace_patients = info.trace_patients;
  BuiltBundle b = make_bundle(r, codes, opts, out.diagnostics);
  out.nhs_number = b.nhs_number;
  for (const std::string& u : out.unmapped) out.diagnostics.warning("not-supported", u, "not mapped: left out", "unmapped");
  if (out.diagnostics.has_errors() || b.json.empty()) {
    out.status = Conversion::Status::Refused;
    return;
  }
  out.bundle_json = std::move(b.json);
  out.status = Conversion::Status::Converted;
}

}  // namespace hidewire::plugins::social
