// The social-care maps a converter uses: the ones linked into the binary (mapping/social/*.json),
// files named in the configuration (`map_files`) or on the command line (`--map`), and which
// source's files each map reads (`source_maps`). Shared by the `delimited` and `prsb_xml`
// converters, which differ only in how they read a record.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/converter.hpp"
#include "node/registry.hpp"
#include "plugins/converters/delimited/social_bundle.hpp"

namespace hidewire::plugins::social {

struct Maps {
  std::vector<SocialMap> maps;
  Codes codes;
  static const Maps& builtin();  // read once (thread-safe); throws MapError if one is wrong
};

// Reads a map file; throws MapError.
SocialMap load_map_file(const std::string& path);

// Settings (`converters.delimited`, `converters.prsb-xml`): "maps": the built-in maps accepted
// (default: every one of the format; "builtin": false for none); "map_files": more maps, read at start; "source_maps":
// [{"source": NAME, "map": NAME}], the map of a source's files (else the only map, else the one
// whose `recognise` header or root the file has).
struct Settings {
  bool builtin = true;
  std::vector<std::string> maps, map_files;
  std::map<std::string, std::string> source_maps;
};

// The maps of `format` the settings select: problems reported on `r` (no such map, a wrong file).
struct Selected {
  std::vector<std::shared_ptr<const SocialMap>> maps;
  std::map<std::string, std::shared_ptr<const SocialMap>> by_source;
  const Codes* codes = nullptr;
  const SocialMap* choose(const node::MessageInfo& info, const std::string& first_line, const std::string& root) const;
};
bool select_maps(node::ConfigReader& r, const std::string& format, Selected& out);

// What both converters share: a failure inside is a refusal with its reason, never an exception.
class SocialConverter : public node::Converter {
 public:
  SocialConverter(Selected maps, std::string what) : maps_(std::move(maps)), what_(std::move(what)) {}
  node::Conversion convert(std::string_view raw, const node::MessageInfo& info) const final;

 protected:
  virtual void convert_into(std::string_view raw, const node::MessageInfo& info, node::Conversion& out) const = 0;
  Selected maps_;

 private:
  std::string what_;  // "the delimited converter", for its refusals
};

// The factory of converter `C` (constructed from its Selected maps) for `format`.
template <typename C>
node::ConverterBuilder factory_of(node::ConfigReader& r, const std::string& format) {
  Selected maps;
  if (!select_maps(r, format, maps)) return {};
  return [maps]() -> std::unique_ptr<node::Converter> { return std::make_unique<C>(maps); };
}

// The record `r` made into `out` by `map`: the Bundle, or refused with its reasons.
void finish_conversion(const Record& r, const SocialMap& map, const Codes& codes, std::string_view raw, const node::MessageInfo& info,
                       node::Conversion& out);
void refuse(node::Conversion& out, const std::string& why);

}  // namespace hidewire::plugins::social
