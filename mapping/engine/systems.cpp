// Code systems and identifier systems as URIs: named in a message (CWE-3, CX-4, EI-2/3), through
// the node's authority table and the maps' (tables.json "assigning-authority").
#include "mapping/engine/datatypes.hpp"

#include <cctype>

namespace hidewire::mapping {
namespace {

const std::string* table_lookup(const MapSet& maps, const AuthorityTable* extra, const std::string& name) {
  if (extra)
    if (auto it = extra->find(name); it != extra->end()) return &it->second;
  if (!maps.authorities) return nullptr;
  auto it = maps.authorities->codes.find(name);
  return it == maps.authorities->codes.end() ? nullptr : &it->second;
}

}  // namespace

std::string coding_system(const std::string& v2_system, const std::string& fallback, const MapSet& maps,
                          const AuthorityTable* extra) {
  if (v2_system == "SCT" || v2_system == "SNM" || v2_system == "SNOMED") return "http://snomed.info/sct";
  if (v2_system == "LN" || v2_system == "LOINC") return "http://loinc.org";
  if (v2_system == "I10" || v2_system == "ICD10") return "http://hl7.org/fhir/sid/icd-10";
  if (v2_system == "UCUM") return "http://unitsofmeasure.org";
  if (v2_system.size() >= 7 && v2_system.rfind("HL7", 0) == 0)  // HL70063 -> v2-0063
    return "http://terminology.hl7.org/CodeSystem/v2-" + v2_system.substr(3);
  if (const std::string* uri = table_lookup(maps, extra, v2_system)) return *uri;
  if (!v2_system.empty()) return "urn:hidewire:codesystem:" + percent_encode(v2_system);  // local systems keep their name
  return fallback;
}

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string identifier_system(const std::string& ns, const std::string& uid, const std::string& uid_type, const MapSet& maps,
                              const AuthorityTable* extra) {
  if (!ns.empty())
    if (const std::string* uri = table_lookup(maps, extra, ns)) return *uri;
  if (!uid.empty()) {
    if (const std::string* uri = table_lookup(maps, extra, uid)) return *uri;
    bool oid = uid.find_first_not_of("0123456789.") == std::string::npos && uid.find("..") == std::string::npos &&
               uid.front() != '.' && uid.back() != '.';
    if (oid && (uid_type == "ISO" || uid_type.empty())) return "urn:oid:" + uid;
    if ((uid_type == "URI" || uid_type == "URL") && uid.find_first_of(" \t\"<>") == std::string::npos &&
        uid.find(':') != std::string::npos)
      return uid;
  }
  return "urn:hidewire:identifier:" + percent_encode(ns.empty() ? (uid.empty() ? "local" : uid) : ns);
}

}  // namespace hidewire::mapping
