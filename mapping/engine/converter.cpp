#include "mapping/engine/converter.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "hl7v2/structures.hpp"
#include "fhir/bundle_builder.hpp"
#include "fhir/nhs_number.hpp"
#include "mapping/engine/datatypes.hpp"
#include "mapping/engine/encoding.hpp"
#include "mapping/engine/json_path.hpp"
#include "mapping/engine/pool_memory.hpp"

namespace hidewire::mapping {
namespace {

using hl7v2::Group;
using hl7v2::Message;
using hl7v2::Segment;

struct Entry {
  std::string type;
  JsonValue res;
  std::string full_url;
};

void find_groups(const Group& g, const std::string& name, std::vector<const Group*>& out) {
  for (const Group& c : g.groups) {
    if (c.name == name) out.push_back(&c);
    find_groups(c, name, out);
  }
}

// The field being converted, for the report of an unexpected failure ("PID-3").
struct Where {
  const Segment* seg = nullptr;
  int field = 0;
  std::string text() const { return seg ? std::string(seg->name) + "-" + std::to_string(field) : std::string(); }
};

class Builder {
 public:
  Builder(const Message& m, const MapSet& maps, Conversion& out, Where& where)
      : m_(m), maps_(maps), out_(out), where_(where) {
    seed_ = std::string(m.sending_facility()) + "|" + std::string(m.control_id());
    entries_.reserve(16);
    used_.assign(m.segments.size(), 0);
    used_map_.assign(m.segments.size(), nullptr);
  }

  void run(const MessageMap& mm, const ConvertOptions& opts) {
    update_patient_ = mm.update_patient;
    authorities_ = opts.authorities;
    find_patient_key(opts);
    for (const ResourceRule& rule : mm.resources) apply_rule(rule, nullptr);
    where_ = {};
    link(mm);
    if (mm.merge_patients) merge_patients();
    report_unmapped();
    message_time_ = message_time();
    if (opts.received_at.empty() && message_time_.empty())  // Provenance.recorded
      out_.diagnostics.error("value", "MSH-7", "MSH-7 is not a readable timestamp: '" + std::string(m_.segments.front().field(7)) + "'");
    if (out_.diagnostics.has_errors()) return;
    out_.bundle_json = bundle(opts);
    out_.ok = true;
  }

 private:
  JsonAlloc& a() { return pool_; }

  void find_patient_key(const ConvertOptions& opts) {
    const Segment* pid = m_.first("PID");
    if (!pid) return;
    std::vector<std::string_view> reps = split_repetitions(pid->field(3), m_.delims.repetition);
    for (std::size_t r = 1; r <= reps.size(); ++r) {
      std::string_view rep = reps[r - 1];
      std::string auth(m_.piece(rep, 0, 4, 1)), type(m_.piece(rep, 0, 5));
      if (auth != "NHS" && type != "NH") continue;
      std::string value = fhir::normalise_nhs_number(m_.unescape(m_.piece(rep, 0, 1)));
      std::string problem = fhir::check_nhs_number(value);
      std::string loc = "PID-3[" + std::to_string(r) + "].1";
      if (!problem.empty() && opts.trace_invalid_nhs_number) {
        out_.diagnostics.warning("value", loc, problem + ": the patient is traced instead", "nhs-number");
        return;
      }
      if (!problem.empty()) {
        out_.diagnostics.error("value", loc, problem, "nhs-number");
        return;
      }
      out_.nhs_number = value;
      return;
    }
    out_.diagnostics.warning("required", "PID-3", "no NHS number (assigning authority NHS or type NH): the patient is keyed by local identifiers only");
  }

  std::size_t new_entry(const std::string& type) {
    Entry e;
    e.type = type;
    e.res.SetObject();
    e.res.AddMember("resourceType", JsonValue(type.c_str(), a()), a());
    e.full_url = fhir::build::stable_uuid(seed_, entries_.size());
    entries_.push_back(std::move(e));
    return entries_.size() - 1;
  }

  // `sm` is never null: the maps are checked when read, every name a rule gives has a map.
  void apply_segment(std::size_t entry, std::size_t seg_index, const SegmentMap* map) {
    const Segment& seg = m_.segments[seg_index];
    used(seg_index);
    if (!used_map_[seg_index]) used_map_[seg_index] = map;
    const SegmentMap& sm = *map;
    for (const FieldMap& f : sm.fields) {
      if (f.when_field && m_.piece(seg.field(static_cast<std::size_t>(f.when_field)), 1, 1) != f.when_equals) continue;
      std::string_view text = seg.field(static_cast<std::size_t>(f.field));
      if (text.empty() || text == "\"\"") continue;
      // The location is written only when something is reported (most fields report nothing).
      auto loc = [&] { return std::string(seg.name) + "-" + std::to_string(f.field); };
      where_ = {&seg, f.field};
      bool more = text.find(m_.delims.repetition) != std::string_view::npos;
      if (!f.repeat && more) out_.unmapped.push_back(loc() + " (repetitions after the first)");
      for (std::size_t start = 0; start != std::string_view::npos;) {
        std::size_t end = f.repeat ? text.find(m_.delims.repetition, start) : std::string_view::npos;
        std::string_view rep = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!f.repeat && more) rep = text.substr(0, text.find(m_.delims.repetition));
        start = end == std::string_view::npos ? end : end + 1;
        if (rep.empty()) continue;
        Converted c;
        try {
          convert_value(c, f, m_, seg, rep, maps_, a(), authorities_);
        } catch (const std::out_of_range&) {  // a number too large for its FHIR type: the message's fault
          c.problem = "'" + std::string(rep) + "' is out of range for " + f.path;
        } catch (const std::exception& e) {
          c.problem = "cannot convert '" + std::string(rep) + "': " + e.what();
        }
        if (!c.problem.empty()) {
          out_.diagnostics.error("value", loc(), c.problem);
          continue;
        }
        if (!c.warning.empty()) out_.diagnostics.warning("value", loc(), c.warning);
        if (c.empty) continue;
        if (c.suffix.empty()) {
          set_path(entries_[entry].res, f.path, std::move(c.value), a());
        } else {
          path_.assign(f.path).append(c.suffix);
          set_path(entries_[entry].res, path_, std::move(c.value), a());
        }
      }
    }
  }

  // `only_missing`: a merged segment's defaults fill what the resource does not have yet.
  void apply_defaults(std::size_t entry, const SegmentMap* map, bool only_missing = false) {
    if (!map->defaults) return;
    JsonValue& res = entries_[entry].res;
    for (auto& m : map->defaults->GetObject())
      if (!only_missing || !res.HasMember(m.name)) res.AddMember(JsonValue(m.name, a()), JsonValue(m.value, a()), a());
  }

  // Segments named `name` within `scope` (its own segments) or the whole message.
  std::vector<std::size_t> segments(const std::string& map_name, const Group* scope) const {
    std::string_view name = segment_of(map_name);
    // Names are three characters (the parser takes three): compared inline, not by memcmp.
    auto named = [&](std::size_t i) {
      std::string_view n = m_.segments[i].name;
      return n.size() == name.size() && (n.size() == 3 ? n[0] == name[0] && n[1] == name[1] && n[2] == name[2] : n == name);
    };
    std::vector<std::size_t> out;
    if (scope) {
      for (std::size_t i : scope->segments)
        if (named(i)) out.push_back(i);
      return out;
    }
    for (std::size_t i = 0; i < m_.segments.size(); ++i)
      if (named(i)) out.push_back(i);
    return out;
  }

  std::size_t make(const ResourceRule& rule, std::size_t seg_index, const Group* scope) {
    std::size_t e = new_entry(rule.from_map->resource);
    apply_defaults(e, rule.from_map);
    apply_segment(e, seg_index, rule.from_map);
    for (std::size_t k = 0; k < rule.merge.size(); ++k) {
      std::vector<std::size_t> found = segments(rule.merge[k], scope);
      if (!found.empty()) apply_defaults(e, rule.merge_maps[k], true);
      for (std::size_t i : found) apply_segment(e, i, rule.merge_maps[k]);
    }
    if (!rule.notes.empty())
      for (std::size_t i : segments(rule.notes, scope)) apply_segment(e, i, rule.notes_map);
    if (!rule.content.empty()) attach_content(e, segments(rule.content, scope));
    if (!rule.reason_for.empty()) reasons_.emplace_back(rule.reason_for, e);
    return e;
  }

  void attach_content(std::size_t e, const std::vector<std::size_t>& obx) {
    std::string text;
    for (std::size_t i : obx) {
      used(i);
      if (!text.empty()) text += "\n";
      text += m_.unescape(m_.segments[i].field(5));
    }
    std::string b64 = base64(text);
    JsonValue att(rapidjson::kObjectType);
    att.AddMember("contentType", "text/plain; charset=utf-8", a());
    att.AddMember("data", JsonValue(b64.c_str(), a()), a());
    set_path(entries_[e].res, "content[].attachment", std::move(att), a());
  }

  void apply_rule(const ResourceRule& rule, const Group* scope) {
    if (!rule.events.empty() &&
        std::find(rule.events.begin(), rule.events.end(), std::string(m_.trigger_event())) == rule.events.end())
      return;
    if (!rule.group.empty()) {
      std::vector<const Group*> instances;
      if (scope) {
        for (const Group& g : scope->groups)
          if (g.name == rule.group) instances.push_back(&g);
      } else {
        find_groups(m_.root, rule.group, instances);
      }
      for (const Group* g : instances) {
        std::vector<std::size_t> from = segments(rule.from, g);
        if (from.empty()) continue;
        std::size_t parent = make(rule, from.front(), g);
        if (!rule.children) continue;
        for (const Group& child : g->groups) {
          if (child.name != rule.children->group) continue;
          std::vector<std::size_t> cf = segments(rule.children->from, &child);
          if (cf.empty()) continue;
          std::size_t c = make(*rule.children, cf.front(), &child);
          JsonValue ref(rapidjson::kObjectType);
          ref.AddMember("reference", JsonValue(entries_[c].full_url.c_str(), a()), a());
          set_path(entries_[parent].res, rule.children->parent_link, std::move(ref), a());
        }
      }
      return;
    }
    std::vector<std::size_t> from = segments(rule.from, scope);
    if (rule.each) {
      for (std::size_t i : from) make(rule, i, scope);
    } else if (!from.empty()) {
      make(rule, from.front(), scope);
    }
  }

  JsonValue reference(std::size_t e) {
    JsonValue ref(rapidjson::kObjectType);
    ref.AddMember("reference", JsonValue(entries_[e].full_url.c_str(), a()), a());
    return ref;
  }

  void link(const MessageMap& mm) {
    int patient = -1, encounter = -1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].type == "Patient" && patient < 0) patient = static_cast<int>(i);
      if (entries_[i].type == "Encounter" && encounter < 0) encounter = static_cast<int>(i);
    }
    std::string event(m_.trigger_event());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      if (auto by_type = mm.status.find(e.type); by_type != mm.status.end())
        if (auto st = by_type->second.find(event); st != by_type->second.end())
          set_path(e.res, "status", JsonValue(st->second.c_str(), a()), a());
      if (fhir::build::LinkPaths l = fhir::build::link_paths(e.type); l.patient) {
        if (patient >= 0) {
          if (e.type == "Appointment") {
            JsonValue p(rapidjson::kObjectType);
            p.AddMember("actor", reference(static_cast<std::size_t>(patient)), a());
            set_path(e.res, "participant[]", std::move(p), a());
          } else {
            set_path(e.res, l.patient, reference(static_cast<std::size_t>(patient)), a());
          }
        }
        if (encounter >= 0 && l.encounter) set_path(e.res, l.encounter, reference(static_cast<std::size_t>(encounter)), a());
      }
      auto parts = e.res.FindMember("participant");
      if (e.type == "Appointment" && parts != e.res.MemberEnd() && parts->value.IsArray())  // participant.status is required
        for (auto& p : parts->value.GetArray())
          if (p.IsObject() && !p.HasMember("status")) p.AddMember("status", "accepted", a());
    }
    for (auto& [type, cond] : reasons_)
      for (Entry& e : entries_)
        if (e.type == type) set_path(e.res, "reasonReference[]", reference(cond), a());
  }

  // ADT^A40: MRG-1 names the superseded record; it is marked inactive and linked both ways.
  void merge_patients() {
    const Segment* mrg = m_.first("MRG");
    if (!mrg || entries_.empty()) {
      out_.diagnostics.error("required", "MRG", "a merge message needs an MRG segment naming the superseded patient");
      return;
    }
    std::string old_nhs;
    for (std::string_view rep : split_repetitions(mrg->field(1), m_.delims.repetition))
      if (m_.piece(rep, 0, 4, 1) == "NHS" || m_.piece(rep, 0, 5) == "NH")
        old_nhs = fhir::normalise_nhs_number(m_.unescape(m_.piece(rep, 0, 1)));
    if (old_nhs.empty() || !fhir::is_valid_nhs_number(old_nhs)) {
      out_.diagnostics.error("value", "MRG-1", "MRG-1 must hold the superseded NHS number (valid, type NH)", "nhs-number");
      return;
    }
    std::size_t old = new_entry("Patient");
    old_nhs_ = old_nhs;
    JsonValue id(rapidjson::kObjectType);
    id.AddMember("system", JsonValue(std::string(kNhsNumberSystem).c_str(), a()), a());
    id.AddMember("value", JsonValue(old_nhs.c_str(), a()), a());
    set_path(entries_[old].res, "identifier[]", std::move(id), a());
    entries_[old].res.AddMember("active", false, a());
    JsonValue to_new(rapidjson::kObjectType), to_old(rapidjson::kObjectType);
    to_new.AddMember("other", reference(0), a());
    to_new.AddMember("type", "replaced-by", a());
    set_path(entries_[old].res, "link[]", std::move(to_new), a());
    to_old.AddMember("other", reference(old), a());
    to_old.AddMember("type", "replaces", a());
    set_path(entries_[0].res, "link[]", std::move(to_old), a());
    used(static_cast<std::size_t>(mrg - m_.segments.data()));
  }

  void report_unmapped() {
    for (std::size_t i = 1; i < m_.segments.size(); ++i) {
      const Segment& s = m_.segments[i];
      const SegmentMap* sm = used_map_[i];  // the map it went through (a variant), else the segment's own
      if (!sm)
        if (auto it = maps_.segments.find(s.name); it != maps_.segments.end()) sm = &it->second;
      if (!sm || (!used_[i] && !sm->fields.empty())) {
        out_.unmapped.push_back(std::string(s.name) + (!sm ? " (no map for this segment)" : " (segment not used by this message type)"));
        continue;
      }
      for (std::size_t f = 1; f < s.fields.size(); ++f)
        if (!s.fields[f].empty() && !sm->accounted(static_cast<int>(f)))
          out_.unmapped.push_back(std::string(s.name) + "-" + std::to_string(f));
    }
  }

  // MSH-7 as an instant; a date alone (legal in v2) is taken as the start of that day.
  std::string message_time() const {
    std::string_view ts = m_.segments.front().field(7);
    std::string t = v2_datetime(ts, true);
    if (t.empty() && ts.size() == 8 && !v2_date(ts).empty()) t = v2_datetime(std::string(ts) + "0000", true);
    return t;
  }

  std::string bundle(const ConvertOptions& opts) {
    namespace build = fhir::build;
    std::string when = opts.received_at.empty() ? message_time_ : opts.received_at;
    std::size_t prov = new_entry("Provenance");
    std::vector<std::string> targets;
    for (std::size_t i = 0; i < prov; ++i) targets.push_back(entries_[i].full_url);
    build::Source src{when, std::string(m_.sending_application()) + " at " + std::string(m_.sending_facility()),
                      "urn:hidewire:hl7v2-message-control-id", std::string(m_.control_id()),
                      std::string(m_.message_code()) + "^" + std::string(m_.trigger_event()), opts.sender_ods};
    entries_[prov].res = build::provenance(targets, src, a());
    std::vector<JsonValue> list;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      // The first Patient is the message's patient, keyed by its NHS number; a merge's second by the old one.
      const std::string& nhs = e.type != "Patient" ? std::string() : i == 0 ? out_.nhs_number : old_nhs_;
      std::string url = build::conditional_url(e.type, e.res, nhs);
      // Results, documents and bookings carry thin demographics: they create the patient if
      // absent (ifNoneExist) but never overwrite what admissions wrote.
      build::Write how = e.type == "Patient" && !update_patient_ ? build::Write::CreateIfAbsent : build::Write::Upsert;
      list.push_back(build::transaction_entry(e.full_url, e.type, std::move(e.res), url, how, a()));
    }
    return write_with_raw_numbers(build::transaction_bundle(list, when, a()));
  }

  const Message& m_;
  const MapSet& maps_;
  Conversion& out_;
  Where& where_;  // the field being converted, for the report of an unexpected failure
  std::string path_;  // a field's path with its choice suffix (valueQuantity)
  PoolMemory memory_;  // before pool_, which starts in it
  JsonAlloc pool_{memory_.data(), memory_.size()};
  std::vector<Entry> entries_;
  std::vector<char> used_;                       // per segment: taken by a rule
  std::vector<const SegmentMap*> used_map_;      // per segment: the map it went through first
  void used(std::size_t i) { used_[i] = 1; }
  std::vector<std::pair<std::string, std::size_t>> reasons_;
  std::string seed_, old_nhs_, message_time_;
  bool update_patient_ = false;
  const AuthorityTable* authorities_ = nullptr;
};

void fail(Conversion& out, const std::string& where, const std::string& what) {
  out.ok = false;
  out.bundle_json.clear();
  out.diagnostics.add(fhir::Severity::Fatal, "exception", where,
                      "the message could not be converted: " + what + (where.empty() ? "" : " (while converting " + where + ")"),
                      "conversion-failed");
}

}  // namespace

Conversion convert(const hl7v2::Message& m, const MapSet& maps, const ConvertOptions& opts) {
  Conversion out;
  // Nothing in a message may end the process: whatever escapes the builder (a value no check
  // foresaw, a map that contradicts itself, memory) refuses this message alone, which is kept
  // with its reason and can be replayed once the cause is fixed.
  Where where;
  try {
    // The trigger event's own map first: a v2.5 structure is shared by events that make
    // different resources (ADT_A39 is A40's merge and A41's account merge, ADT_A21 is A29's
    // delete as well as A25's cancel), then the structure MSH-9.3 names.
    std::string event(m.trigger_event());
    const MessageMap* mm = nullptr;
    if (!event.empty())
      mm = maps.message(std::string(hl7v2::canonical_structure(std::string(m.message_code()) + "_" + event)));
    if (!mm) mm = maps.message(std::string(hl7v2::canonical_structure(m.structure())));
    if (!mm) {
      out.diagnostics.error("not-supported", "MSH-9",
                            "message type " + std::string(m.message_code()) + "^" + std::string(m.trigger_event()) +
                                " (structure " + m.structure() + ") has no map to FHIR",
                            "unsupported-message");
      return out;
    }
    Builder b(m, maps, out, where);
    b.run(*mm, opts);
  } catch (const std::exception& e) {
    fail(out, where.text(), e.what());
  } catch (...) {
    fail(out, where.text(), "unknown exception");
  }
  return out;
}

}  // namespace hidewire::mapping
