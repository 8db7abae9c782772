// The declarative HL7 v2 -> FHIR maps (mapping/v2/*.json), read once into typed structs.
// Every problem in the map files is reported with its JSON path.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::mapping {

struct MapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The v2 data type converters, in the order of kConverterNames (map_model.cpp).
enum class Conv : std::uint8_t { CX, XPN, XPN_TEXT, XAD, XTN, CWE, DT, DTM, DTM_INSTANT, ID, ID_CODING, ID_CODING_CC, ST, FT,
                                 NM_INT, NM, CWE_TEXT, YN, PL, XCN_REF, XON_ODS, EI, OBX_VALUE, TQ_START, TQ_END, None };

struct CodeTable;

struct FieldMap {
  int field = 0;
  std::string path;            // FHIR path: name, name.sub, name[] (append), name[0]
  std::string type;            // converter: CX, XPN, XAD, XTN, CWE, DT, DTM, ID, ...
  Conv conv = Conv::None;      // `type`, resolved when the maps are read (compared per value)
  bool repeat = false;         // map every repetition
  std::string table;           // code table for ID* types
  std::string system;          // coding system for CWE when the message gives none
  std::string use;             // ContactPoint.use for XTN
  std::string reference_type;  // for *_REF types
  std::string id_type;         // identifier type code for EI
  int when_field = 0;          // map only when this field's first component...
  std::string when_equals;     // ...equals this (PRD-1 RP -> requester, RT -> performer)
  const CodeTable* table_map = nullptr;  // `table`, resolved when the maps are read
};

struct SegmentMap {
  std::string segment;
  std::string resource;  // empty: the segment only adds to another resource
  std::string defaults_json;  // values a new resource starts with (status...), overwritten by fields
  std::shared_ptr<const rapidjson::Document> defaults;  // the same, read once (copied into each resource)
  std::vector<FieldMap> fields;
  std::vector<int> ignore;
  bool ignored(int field) const;
  bool mapped(int field) const;
  // Mapped or ignored: a field present that is neither is reported as not mapped.
  bool accounted(int field) const { return field >= 0 && static_cast<std::size_t>(field) < accounted_.size() && accounted_[field]; }
  std::vector<bool> accounted_;  // by field number, filled when the maps are read
};

// A segment map is named by its segment ("OBR") or by the segment and a variant ("OBR:order"),
// so one segment maps to different resources in different messages (a result's OBR is a
// DiagnosticReport, an order's a ServiceRequest) without copying the maps it shares.
std::string_view segment_of(std::string_view map_name);

struct ResourceRule {
  std::string from;                 // segment map
  std::vector<std::string> merge;   // more segments onto the same resource
  bool each = false;
  std::string group;                // one resource per instance of this group
  std::string notes;                // NTE segments -> note[].text
  std::string content;              // OBX-5 text -> attachment
  std::string parent_link;          // path on the parent that references this resource
  std::string reason_for;           // resource type this one is the reason of (reasonReference)
  std::vector<std::string> events;  // only for these trigger events (all when empty)
  std::unique_ptr<ResourceRule> children;
  // The segment maps `from`, `merge` and `notes` name, resolved when the maps are read (the
  // converter looked each up by name for every message).
  const SegmentMap* from_map = nullptr;
  std::vector<const SegmentMap*> merge_maps;
  const SegmentMap* notes_map = nullptr;
};

struct MessageMap {
  std::string structure;
  std::map<std::string, std::map<std::string, std::string>> status;  // resource type -> trigger event -> status
  bool merge_patients = false;
  bool update_patient = false;  // ADT owns demographics: PUT; other messages only create if absent
  std::vector<ResourceRule> resources;
};

struct CodeTable {
  std::string system;
  std::string unknown;  // the code for a value not in the map (a required binding's "unknown"); empty: none
  std::map<std::string, std::string> codes;
};

struct MapSet {
  std::map<std::string, SegmentMap, std::less<>> segments;  // found by a segment's name as sent
  std::map<std::string, MessageMap> messages;
  std::map<std::string, std::string> message_aliases;  // structure -> the structure whose map it uses ("same_as")
  std::map<std::string, CodeTable, std::less<>> tables;
  const CodeTable* authorities = nullptr;  // tables "assigning-authority", resolved when read

  // The maps linked into the binary (mapping/v2), read once; thread-safe.
  static const MapSet& builtin();
  // Reads the three map documents; throws MapError naming the JSON path of each problem.
  static MapSet load(const std::string& segments_json, const std::string& messages_json, const std::string& tables_json);

  const MessageMap* message(const std::string& structure) const;
};

}  // namespace hidewire::mapping
