#include "hl7v2/structures.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace hidewire::hl7v2 {
namespace {

// Notation: segment names and groups NAME{...}; suffix ? optional, * optional repeating,
// + required repeating, none required. A group's first set is what may start it.
struct StructureText {
  std::string_view name, text;
};
constexpr StructureText kStructures[] = {
    {"ADT_A01", "MSH SFT* EVN PID PD1? ROL* NK1* PV1 PV2? ROL* DB1* OBX* AL1* DG1* DRG? PROCEDURE{PR1 ROL*}* GT1* "
                "INSURANCE{IN1 IN2? IN3* ROL*}* ACC? UB1? UB2? PDA?"},
    {"ADT_A02", "MSH SFT* EVN PID PD1? ROL* PV1 PV2? DB1* OBX* PDA?"},
    {"ADT_A03", "MSH SFT* EVN PID PD1? ROL* NK1* PV1 PV2? ROL* DB1* AL1* DG1* DRG? PROCEDURE{PR1 ROL*}* OBX* GT1* "
                "INSURANCE{IN1 IN2? IN3* ROL*}* ACC? PDA?"},
    {"ADT_A05", "MSH SFT* EVN PID PD1? ROL* NK1* PV1 PV2? ROL* DB1* OBX* AL1* DG1* DRG? PROCEDURE{PR1 ROL*}* GT1* "
                "INSURANCE{IN1 IN2? IN3* ROL*}* ACC? UB1? UB2?"},
    {"ADT_A39", "MSH SFT* EVN PATIENT{PID PD1? MRG PV1?}+"},
    {"ORU_R01", "MSH SFT* PATIENT_RESULT{PATIENT{PID PD1? NTE* NK1* VISIT{PV1 PV2?}?}? ORDER_OBSERVATION{ORC? OBR NTE* "
                "TIMING_QTY{TQ1 TQ2*}* CTD? OBSERVATION{OBX NTE*}* FT1* CTI* SPECIMEN{SPM OBX*}*}+}+ DSC?"},
    {"MDM_T02", "MSH SFT* EVN PID PV1 COMMON_ORDER{ORC TIMING{TQ1 TQ2*}* OBR NTE*}* TXA CON* OBSERVATION{OBX NTE*}+"},
    {"SIU_S12", "MSH SFT* SCH TQ1* NTE* PATIENT{PID PD1? PV1? PV2? OBX* DG1*}* RESOURCES{RGS SERVICE{AIS NTE*}* "
                "GENERAL_RESOURCE{AIG NTE*}* LOCATION_RESOURCE{AIL NTE*}* PERSONNEL_RESOURCE{AIP NTE*}*}+"},
    {"REF_I12", "MSH SFT* RF1? AUTHORIZATION_CONTACT{AUT CTD?}? PROVIDER_CONTACT{PRD CTD*}+ PID NK1* GT1* "
                "INSURANCE{IN1 IN2? IN3?}* ACC? DG1* DRG* AL1* PROCEDURE{PR1 AUTHORIZATION_CONTACT{AUT CTD?}?}* "
                "OBSERVATION{OBR NTE* RESULTS_NOTES{OBX NTE*}*}* PATIENT_VISIT{PV1 PV2?}? NTE*"},
    {"MDM_T01", "MSH SFT* EVN PID PV1 COMMON_ORDER{ORC TIMING{TQ1 TQ2*}* OBR NTE*}* TXA CON*"},
    // Orders: the order detail (OBR, RXO, RXE...) is kept in the ORDER group itself, so a
    // ServiceRequest or MedicationRequest merges it from its own order, not from every order.
    {"ORM_O01", "MSH SFT* NTE* PATIENT{PID PD1? NTE* NK1* PATIENT_VISIT{PV1 PV2?}? INSURANCE{IN1 IN2? IN3?}* GT1? AL1*}? "
                "ORDER{ORC TIMING{TQ1 TQ2*}* OBR? NTE* CTD? DG1* OBSERVATION{OBX NTE*}* SPECIMEN{SPM OBX* CONTAINER{SAC OBX*}*}* "
                "FT1* CTI* BLG?}+"},
    {"RDE_O11", "MSH SFT* NTE* PATIENT{PID PD1? NTE* PATIENT_VISIT{PV1 PV2?}? INSURANCE{IN1 IN2? IN3?}* GT1? AL1*}? "
                "ORDER{ORC TIMING{TQ1 TQ2*}* RXO? NTE* RXR* RXC* RXE NTE* TIMING_ENCODED{TQ1 TQ2*}* RXR* RXC* "
                "OBSERVATION{OBX NTE*}* FT1* BLG? CTI*}+"},
    {"RDS_O13", "MSH SFT* NTE* PATIENT{PID PD1? NTE* AL1* PATIENT_VISIT{PV1 PV2?}?}? "
                "ORDER{ORC TIMING{TQ1 TQ2*}* RXO? NTE* RXR* RXC* RXE? NTE* TIMING_ENCODED{TQ1 TQ2*}* RXR* RXC* RXD NTE* RXR* RXC* "
                "OBSERVATION{OBX NTE*}* FT1*}+"},
    {"VXU_V04", "MSH SFT* PID PD1? NK1* PATIENT{PV1 PV2?}? GT1* INSURANCE{IN1 IN2? IN3?}* "
                "ORDER{ORC? TIMING{TQ1 TQ2*}* RXA RXR? OBSERVATION{OBX NTE*}*}*"},
    {"OUL_R22", "MSH SFT* NTE? PATIENT{PID PD1? NTE*}? VISIT{PV1 PV2?}? SPECIMEN{SPM OBX* CONTAINER{SAC INV?}* "
                "ORDER{OBR ORC? NTE* TIMING_QTY{TQ1 TQ2*}* RESULT{OBX TCD? SID* NTE*}* CTI*}*}+ DSC?"},
    {"OUL_R23", "MSH SFT* NTE? PATIENT{PID PD1? NTE*}? VISIT{PV1 PV2?}? SPECIMEN{SPM OBX* CONTAINER{SAC INV? "
                "ORDER{OBR ORC? NTE* TIMING_QTY{TQ1 TQ2*}* RESULT{OBX TCD? SID* NTE*}* CTI*}+}+}+ DSC?"},
    {"OUL_R24", "MSH SFT* NTE? PATIENT{PID PD1? NTE*}? VISIT{PV1 PV2?}? ORDER{OBR ORC? NTE* TIMING_QTY{TQ1 TQ2*}* "
                "SPECIMEN{SPM OBX* CONTAINER{SAC INV?}*}* RESULT{OBX TCD? SID* NTE*}* CTI*}+ DSC?"},
};

// Structures that share a definition with another (v2.5.1 Appendix: message type to structure).
// Also the names v2.3 senders give when they leave MSH-9.3 out (message code_trigger event).
// ADT_A06 (A06, A07) and ADT_A16 only add segments ADT_A01 keeps where they appear (MRG...).
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"ADT_A04", "ADT_A01"}, {"ADT_A08", "ADT_A01"}, {"ADT_A13", "ADT_A01"}, {"ADT_A06", "ADT_A01"}, {"ADT_A07", "ADT_A01"},
    {"ADT_A16", "ADT_A01"}, {"ADT_A11", "ADT_A09"}, {"ADT_A10", "ADT_A09"}, {"ADT_A15", "ADT_A09"}, {"ADT_A21", "ADT_A09"},
    {"ADT_A22", "ADT_A09"}, {"ADT_A23", "ADT_A09"}, {"ADT_A25", "ADT_A09"}, {"ADT_A26", "ADT_A09"}, {"ADT_A27", "ADT_A09"},
    {"ADT_A12", "ADT_A02"}, {"ADT_A45", "ADT_A02"}, {"ADT_A54", "ADT_A02"}, {"ADT_A55", "ADT_A02"},
    {"ADT_A14", "ADT_A05"}, {"ADT_A28", "ADT_A05"}, {"ADT_A31", "ADT_A05"}, {"ADT_A40", "ADT_A39"}, {"ADT_A47", "ADT_A30"},
    {"ADT_A43", "ADT_A41"}, {"ADT_A44", "ADT_A41"}, {"ADT_A42", "ADT_A39"},
    {"MDM_T03", "MDM_T01"}, {"MDM_T05", "MDM_T01"}, {"MDM_T07", "MDM_T01"}, {"MDM_T09", "MDM_T01"}, {"MDM_T11", "MDM_T01"},
    {"MDM_T04", "MDM_T02"}, {"MDM_T06", "MDM_T02"}, {"MDM_T08", "MDM_T02"}, {"MDM_T10", "MDM_T02"},
    {"SIU_S13", "SIU_S12"}, {"SIU_S14", "SIU_S12"}, {"SIU_S15", "SIU_S12"}, {"SIU_S16", "SIU_S12"}, {"SIU_S17", "SIU_S12"},
    {"SIU_S26", "SIU_S12"}, {"REF_I13", "REF_I12"}, {"REF_I14", "REF_I12"},
    {"OML_O21", "ORM_O01"}, {"OMG_O19", "ORM_O01"}, {"RDE_O25", "RDE_O11"}, {"BAR_P05", "BAR_P01"}, {"BAR_P02", "BAR_P01"},
    {"BAR_P12", "BAR_P01"}, {"DFT_P11", "DFT_P03"}, {"PPR_PC2", "PPR_PC1"}, {"PPR_PC3", "PPR_PC1"}};

struct Def {
  std::string name;        // segment or group name
  bool group = false, optional = false, repeat = false;
  std::vector<Def> members;  // for groups
  std::vector<std::string> first;  // segment names that can start this member
  std::vector<std::string> known;  // the root's: every segment name the structure names
};

void compute_first(Def& d) {
  if (!d.group) {
    d.first = {d.name};
    return;
  }
  for (Def& m : d.members) compute_first(m);
  for (Def& m : d.members) {
    d.first.insert(d.first.end(), m.first.begin(), m.first.end());
    if (!m.optional) break;
  }
}

Def parse_def(std::string_view text, std::size_t& i, std::string name) {
  Def g;
  g.name = std::move(name);
  g.group = true;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] == '}') { ++i; break; }
    std::size_t st = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    std::string n(text.substr(st, i - st));
    Def m;
    if (i < text.size() && text[i] == '{') {
      ++i;
      m = parse_def(text, i, n);
    } else {
      m.name = n;
    }
    if (i < text.size() && (text[i] == '?' || text[i] == '*' || text[i] == '+')) {
      m.optional = text[i] != '+';
      m.repeat = text[i] != '?';
      ++i;
    }
    g.members.push_back(std::move(m));
  }
  return g;
}

void collect_names(const Def& d, std::vector<std::string>& out) {
  if (!d.group) out.push_back(d.name);
  for (const Def& m : d.members) collect_names(m, out);
}

const Def* definition(std::string_view structure) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::unique_ptr<Def>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(std::string(structure));
  if (it != cache.end()) return it->second.get();
  std::string_view text = structure_definition(structure);
  std::unique_ptr<Def> d;
  if (!text.empty()) {
    std::size_t i = 0;
    d = std::make_unique<Def>(parse_def(text, i, "MESSAGE"));
    compute_first(*d);
    collect_names(*d, d->known);
  }
  return cache.emplace(std::string(structure), std::move(d)).first->second.get();
}

// Segment names are three characters: compared inline rather than through memcmp, as matching
// asks this for every segment against every member that could come next.
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.size() == 3 ? a[0] == b[0] && a[1] == b[1] && a[2] == b[2] : a == b);
}
bool listed(const std::vector<std::string>& names, std::string_view seg) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return same_name(n, seg); });
}
bool starts(const Def& m, std::string_view seg) { return listed(m.first, seg); }

// Greedy match: consumes segments for group `g` from `pos`; a known segment that fits no
// remaining member closes the group; segments the structure never names (Z-segments...)
// stay with the group they appear in.
std::size_t match(const Def& g, const Message& m, std::size_t pos, Group& out, const std::vector<std::string>& known) {
  std::size_t k = 0;
  bool first_taken = false;
  while (pos < m.segments.size()) {
    std::string_view seg = m.segments[pos].name;
    std::size_t hit = g.members.size();
    for (std::size_t j = k; j < g.members.size(); ++j)
      if (starts(g.members[j], seg)) { hit = j; break; }
    if (hit == g.members.size()) {
      if (listed(known, seg) || !first_taken) return pos;
      out.segments.push_back(pos++);
      continue;
    }
    const Def& mem = g.members[hit];
    first_taken = true;
    if (mem.group) {
      Group child;
      child.name = mem.name;
      pos = match(mem, m, pos, child, known);
      out.groups.push_back(std::move(child));
    } else {
      out.segments.push_back(pos++);
    }
    k = mem.repeat ? hit : hit + 1;
  }
  return pos;
}

}  // namespace

std::vector<std::size_t> Group::all() const {
  std::vector<std::size_t> out = segments;
  for (const Group& g : groups) {
    auto sub = g.all();
    out.insert(out.end(), sub.begin(), sub.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string_view canonical_structure(std::string_view structure) {
  static const std::unordered_map<std::string_view, std::string_view> kByAlias(std::begin(kAliases), std::end(kAliases));
  auto it = kByAlias.find(structure);
  return it == kByAlias.end() ? structure : it->second;
}

std::string_view structure_definition(std::string_view structure) {
  structure = canonical_structure(structure);
  for (const StructureText& s : kStructures)
    if (s.name == structure) return s.text;
  return {};
}

void build_groups(Message& m) {
  m.root = Group{};
  m.root.name = "MESSAGE";
  const Def* def = definition(m.structure());
  if (!def) {
    for (std::size_t i = 0; i < m.segments.size(); ++i) m.root.segments.push_back(i);
    return;
  }
  const std::vector<std::string>& known = def->known;
  // A segment out of structure order is kept at the top level, and matching starts again after
  // it, so the groups that follow (the next ORDER...) are still found.
  for (std::size_t pos = match(*def, m, 0, m.root, known); pos < m.segments.size();
       pos = match(*def, m, pos + 1, m.root, known))
    m.root.segments.push_back(pos);
}

}  // namespace hidewire::hl7v2
