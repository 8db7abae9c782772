#include "plugins/converters/prsb_xml/prsb_converter.hpp"

#include <pugixml.hpp>

#include <set>

#include "node/intake.hpp"

namespace hidewire::plugins::prsb_xml {
namespace {

using node::Conversion;
using social::SocialMap;

std::string local_name(const char* qname) {
  const char* colon = std::strchr(qname, ':');
  return colon ? colon + 1 : qname;
}

// Every element at `path` ('/'-separated local names) below `from`, in document order.
void find_all(pugi::xml_node from, std::string_view path, std::vector<pugi::xml_node>& out) {
  std::size_t slash = path.find('/');
  std::string head(path.substr(0, slash));
  for (pugi::xml_node k = from.first_child(); k; k = k.next_sibling()) {
    if (k.type() != pugi::node_element || local_name(k.name()) != head) continue;
    if (slash == std::string_view::npos) out.push_back(k);
    else find_all(k, path.substr(slash + 1), out);
  }
}

std::string path_of(pugi::xml_node n, pugi::xml_node root) {
  std::string p;
  for (; n && n != root; n = n.parent()) p = local_name(n.name()) + (p.empty() ? "" : "/" + p);
  return p;
}

struct Reader {
  const SocialMap& map;
  pugi::xml_node root;
  fhir::Diagnostics& d;
  std::set<const void*> used;

  void read(pugi::xml_node from, const social::FieldSpec& f, social::Item& into) {
    std::vector<pugi::xml_node> found;
    find_all(from, f.path, found);
    for (std::size_t i = 0; i < found.size(); ++i) {
      used.insert(found[i].internal_object());
      std::string at = path_of(found[i], root) + (found.size() > 1 ? "[" + std::to_string(i + 1) + "]" : "");
      map.read(f, found[i].child_value(), at, into, d);
    }
  }

  // Elements with text that no path read, each path once.
  void unused(pugi::xml_node n, std::vector<std::string>& out) {
    for (pugi::xml_node k = n.first_child(); k; k = k.next_sibling()) {
      if (k.type() != pugi::node_element) continue;
      std::string p = path_of(k, root);
      if (map.ignored(p)) continue;
      bool leaf = !k.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; });
      if (!leaf) {
        unused(k, out);
        continue;
      }
      std::string text = k.child_value();
      if (text.find_first_not_of(" \t\r\n") == std::string::npos || used.count(k.internal_object())) continue;
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
  }
};

class PrsbConverter final : public social::SocialConverter {
 public:
  explicit PrsbConverter(social::Selected maps) : SocialConverter(std::move(maps), "the PRSB XML converter") {}

 private:
  void convert_into(std::string_view raw, const node::MessageInfo& info, Conversion& out) const override {
    out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
    pugi::xml_document doc;
    // No DOCTYPE processing: pugixml never loads external entities.
    pugi::xml_parse_result ok = doc.load_buffer(raw.data(), raw.size(), pugi::parse_default & ~pugi::parse_doctype);
    pugi::xml_node root = doc.document_element();
    if (!ok || !root) {
      out.status = Conversion::Status::Unreadable;
      out.diagnostics.add(fhir::Severity::Fatal, "structure", "", std::string("not well-formed XML: ") + ok.description());
      return;
    }
    std::string root_name = local_name(root.name());
    const SocialMap* map = maps_.choose(info, "", root_name);
    if (!map || map->root != root_name) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("not-supported", root_name, "the document element '" + root_name + "' is not the one of any configured PRSB map",
                            "unsupported-message");
      return;
    }
    Reader rd{*map, root, out.diagnostics, {}};
    social::Record rec;
    std::map<std::string, social::Item> top;
    for (const auto& f : map->fields) rd.read(root, f, top[f.section]);
    for (auto& [section, item] : top) {
      if (section == "person") rec.person = std::move(item);
      else if (!item.empty()) rec.add(section, std::move(item));
    }
    for (const auto& list : map->lists) {
      std::vector<pugi::xml_node> found;
      find_all(root, list.path, found);
      for (pugi::xml_node el : found) {
        std::map<std::string, social::Item> items;
        for (const auto& f : list.fields) rd.read(el, f, items[f.section]);
        for (auto& [section, item] : items)
          if (!item.empty()) rec.add(section, std::move(item));
      }
    }
    rd.unused(root, out.unmapped);
    social::finish_conversion(rec, *map, *maps_.codes, raw, info, out);
  }
};

}  // namespace

node::ConverterBuilder factory(node::ConfigReader& r) { return social::factory_of<PrsbConverter>(r, "prsb-xml"); }

}  // namespace hidewire::plugins::prsb_xml
