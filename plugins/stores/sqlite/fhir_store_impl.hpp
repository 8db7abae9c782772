// Internals shared by the store's two source files (fhir_store.cpp: opening, reads and searches;
// fhir_store_transaction.cpp: transactions): row mapping, writing a version, conditional
// matching, and the JSON helpers they use. Not for other users of the store.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fhir/bundle_builder.hpp"
#include "fhir/clock.hpp"
#include "plugins/stores/sqlite/fhir_store.hpp"
#include "plugins/common/sqlite.hpp"
#include "fhir/json_numbers.hpp"

namespace hidewire::plugins::detail {

using sqlite::exec;
using sqlite::Stmt;

// A new resource id, sorting by creation time (defined in fhir_store.cpp).
std::string new_id();

// Numbers are kept as written (json_numbers.hpp): a decimal 1.50 is stored as 1.50, not "1.50".
inline std::string write(const rapidjson::Value& v) { return fhir::json::write(v); }

inline rapidjson::Document parse_resource(const std::string& json) {
  rapidjson::Document d;
  if (!fhir::json::parse(json, d) || !d.IsObject() || !d.HasMember("resourceType") || !d["resourceType"].IsString())
    throw StoreError(400, "not a FHIR resource in JSON");
  return d;
}

// Identifiers of a resource (system|value), its NHS number, and the patient it belongs to.
struct Index {
  std::vector<std::pair<std::string, std::string>> identifiers;
  std::string patient;  // Patient/<id>
};

inline Index index_of(const rapidjson::Value& r, const std::string& type, const std::string& id) {
  Index ix;
  for (const char* key : {"identifier", "masterIdentifier"}) {
    auto it = r.FindMember(key);
    if (it == r.MemberEnd()) continue;
    auto add = [&](const rapidjson::Value& i) {
      if (i.IsObject() && i.HasMember("system") && i.HasMember("value") && i["system"].IsString() && i["value"].IsString())
        ix.identifiers.emplace_back(i["system"].GetString(), i["value"].GetString());
    };
    if (it->value.IsArray())
      for (const auto& i : it->value.GetArray()) add(i);
    else
      add(it->value);
  }
  if (type == "Patient") ix.patient = "Patient/" + id;
  for (const char* key : {"subject", "patient"}) {
    auto it = r.FindMember(key);
    if (it != r.MemberEnd() && it->value.IsObject() && it->value.HasMember("reference") && it->value["reference"].IsString()) {
      std::string ref = it->value["reference"].GetString();
      if (ref.rfind("Patient/", 0) == 0) ix.patient = ref;
    }
  }
  return ix;
}

// Rewrites every "reference" in `v` found in `ids` (urn:uuid:... -> Type/id).
inline void rewrite_refs(rapidjson::Value& v, const std::map<std::string, std::string>& ids, rapidjson::Document::AllocatorType& a) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (std::string_view(m.name.GetString()) == "reference" && m.value.IsString()) {
        auto it = ids.find(m.value.GetString());
        if (it != ids.end()) m.value.SetString(it->second.c_str(), a);
      } else {
        rewrite_refs(m.value, ids, a);
      }
    }
  } else if (v.IsArray()) {
    for (auto& x : v.GetArray()) rewrite_refs(x, ids, a);
  }
}

}  // namespace hidewire::plugins::detail

namespace hidewire::plugins {

using sqlite::Stmt;
using sqlite::exec;

// Joins a `resources r` row to the body of its current version.
#define CURRENT_BODY_JOIN "JOIN history h ON h.type = r.type AND h.id = r.id AND h.version = r.version"

struct SqliteFhirStore::Impl {
  static StoredResource row(const Stmt& s) {
    StoredResource r;
    r.type = s.text(0);
    r.id = s.text(1);
    r.version = static_cast<int>(s.integer(2));
    r.last_updated = s.text(3);
    r.deleted = s.integer(4) != 0;
    r.json = s.text(5);
    return r;
  }

  // Stores a new version of type/id (version 1 when new); the caller holds the lock and the
  // SQLite transaction. With `if_match` (> 0), only over that version: read and written in the
  // same transaction, so two writers holding the same version cannot both succeed.
  static StoredResource put(sqlite::StmtCache& db, rapidjson::Document& d, const std::string& type, const std::string& id,
                            int if_match = 0) {
    int version = 1;
    {
      Stmt s(db, "SELECT version FROM resources WHERE type = ? AND id = ?");
      s.bind(1, type).bind(2, id);
      if (s.step()) version = static_cast<int>(s.integer(0)) + 1;
    }
    if (if_match > 0 && if_match != version - 1)
      throw StoreError(412, type + "/" + id + (version == 1 ? " does not exist" : " is at version " + std::to_string(version - 1)) +
                                ", not the version W/\"" + std::to_string(if_match) + "\" named by If-Match: read it again and resend");
    auto& a = d.GetAllocator();
    std::string when = fhir::utc_now_instant();
    d.RemoveMember("id");
    d.AddMember("id", rapidjson::Value(id.c_str(), a), a);
    rapidjson::Value meta(rapidjson::kObjectType);
    if (d.HasMember("meta") && d["meta"].IsObject()) meta.CopyFrom(d["meta"], a);
    meta.RemoveMember("versionId");
    meta.RemoveMember("lastUpdated");
    meta.AddMember("versionId", rapidjson::Value(std::to_string(version).c_str(), a), a);
    meta.AddMember("lastUpdated", rapidjson::Value(when.c_str(), a), a);
    d.RemoveMember("meta");
    d.AddMember("meta", meta, a);
    StoredResource out{type, id, version, when, false, detail::write(d)};
    // The body is kept once, in history; `resources` points at the current version (its json
    // column is empty: rows from stores made before this are read through history as well).
    Stmt up(db, "INSERT INTO resources(type, id, version, last_updated, deleted, json) VALUES(?, ?, ?, ?, 0, NULL) "
                "ON CONFLICT(type, id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated, "
                "deleted = 0, json = NULL");
    up.bind(1, type).bind(2, id).bind(3, version).bind(4, when);
    up.step();
    Stmt h(db, "INSERT INTO history(type, id, version, last_updated, deleted, json) VALUES(?, ?, ?, ?, 0, ?)");
    h.bind(1, type).bind(2, id).bind(3, version).bind(4, when).bind(5, out.json);
    h.step();
    detail::Index ix = detail::index_of(d, type, id);
    if (version > 1) {  // a new resource has no index rows to replace
      Stmt del(db, "DELETE FROM identifiers WHERE type = ? AND id = ?");
      del.bind(1, type).bind(2, id);
      del.step();
    }
    for (auto& [sys, val] : ix.identifiers) {
      Stmt ins(db, "INSERT OR IGNORE INTO identifiers(type, id, system, value) VALUES(?, ?, ?, ?)");  // repeats kept once
      ins.bind(1, type).bind(2, id).bind(3, sys).bind(4, val);
      ins.step();
    }
    if (!ix.patient.empty()) {
      Stmt pl(db, "INSERT INTO patient_links(type, id, patient) VALUES(?, ?, ?) ON CONFLICT(type, id) DO UPDATE SET patient = excluded.patient");
      pl.bind(1, type).bind(2, id).bind(3, ix.patient);
      pl.step();
    } else if (version > 1) {
      Stmt pl(db, "DELETE FROM patient_links WHERE type = ? AND id = ?");
      pl.bind(1, type).bind(2, id);
      pl.step();
    }
    return out;
  }

  // Ids of `type` matching "identifier=system|value" (the only conditional criterion used).
  static std::vector<std::string> match(sqlite::StmtCache& db, const std::string& type, const std::string& criteria) {
    static const std::string kPrefix = "identifier=";
    if (criteria.rfind(kPrefix, 0) != 0) throw StoreError(400, "unsupported conditional criteria '" + criteria + "' (identifier=system|value only)");
    std::string token = criteria.substr(kPrefix.size());
    auto bar = token.find('|');
    if (bar == std::string::npos) throw StoreError(400, "identifier criteria need system|value: '" + criteria + "'");
    // No DISTINCT: with it SQLite walked the by-resource index to keep ids in order.
    Stmt s(db, "SELECT id FROM identifiers WHERE type = ? AND system = ? AND value = ?");
    s.bind(1, type).bind(2, fhir::build::decode_query_value(token.substr(0, bar))).bind(3, fhir::build::decode_query_value(token.substr(bar + 1)));
    std::vector<std::string> out;
    while (s.step())
      if (std::string id = s.text(0); std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    return out;
  }
};

}  // namespace hidewire::plugins
