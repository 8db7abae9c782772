// The plugin registry: every plugin kind has one interface and is registered explicitly, by name,
// in one list (plugins/registry.cpp). A factory reads the plugin's own typed settings from its
// config object (unknown keys are errors with their JSON path) and returns a builder that makes
// the plugin when the node starts, so every configuration problem is found before anything runs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "matching/patient_index.hpp"
#include "node/access_policy.hpp"
#include "node/audit_log.hpp"
#include "node/config_reader.hpp"
#include "node/converter.hpp"
#include "node/fhir_store.hpp"
#include "node/journal.hpp"
#include "node/sink.hpp"
#include "node/source.hpp"

namespace hidewire::node {

// What plugins that keep files are given.
struct StorageContext {
  std::string data_dir;  // relative paths are under it
  std::string node_name{};  // names the node's audit log in its signed checkpoints
  std::string under(const std::string& path) const;
};

class AuditLog;
struct SinkContext {
  FhirStore& store;
  const std::string& name;
  AuditLog* audit = nullptr;  // sinks that send records to another organisation audit each export
  std::string node_ods, node_name;
};

using SourceBuilder = std::function<std::unique_ptr<Source>(SourceContext&)>;
using SinkBuilder = std::function<std::unique_ptr<Sink>(SinkContext&)>;
using ConverterBuilder = std::function<std::unique_ptr<Converter>()>;
using StoreBuilder = std::function<std::unique_ptr<FhirStore>(const StorageContext&)>;
using JournalBuilder = std::function<std::unique_ptr<Journal>(const StorageContext&)>;
using AccessPolicyBuilder = std::function<std::unique_ptr<AccessPolicy>()>;
using AuditLogBuilder = std::function<std::unique_ptr<AuditLog>(const StorageContext&)>;
// Made after the store (the store's index reads the store's file).
using PatientIndexBuilder = std::function<std::unique_ptr<matching::PatientIndex>(const StorageContext&)>;

// Each factory gets the reader of the plugin's object (with `name` and `type` already read).
template <typename Builder>
struct PluginKind {
  using Factory = std::function<Builder(ConfigReader&)>;
  std::map<std::string, Factory> by_type;
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& [t, f] : by_type) out.push_back(t);
    return out;
  }
};

class Registry {
 public:
  void add_source(const std::string& type, PluginKind<SourceBuilder>::Factory f) { sources.by_type[type] = std::move(f); }
  void add_converter(const std::string& format, PluginKind<ConverterBuilder>::Factory f) { converters.by_type[format] = std::move(f); }
  void add_sink(const std::string& type, PluginKind<SinkBuilder>::Factory f) { sinks.by_type[type] = std::move(f); }
  void add_store(const std::string& type, PluginKind<StoreBuilder>::Factory f) { stores.by_type[type] = std::move(f); }
  void add_journal(const std::string& type, PluginKind<JournalBuilder>::Factory f) { journals.by_type[type] = std::move(f); }
  void add_access_policy(const std::string& type, PluginKind<AccessPolicyBuilder>::Factory f) {
    access_policies.by_type[type] = std::move(f);
  }
  void add_audit_log(const std::string& type, PluginKind<AuditLogBuilder>::Factory f) { audit_logs.by_type[type] = std::move(f); }
  void add_patient_index(const std::string& type, PluginKind<PatientIndexBuilder>::Factory f) {
    patient_indexes.by_type[type] = std::move(f);
  }

  PluginKind<SourceBuilder> sources;
  PluginKind<ConverterBuilder> converters;
  PluginKind<SinkBuilder> sinks;
  PluginKind<StoreBuilder> stores;
  PluginKind<JournalBuilder> journals;
  PluginKind<AccessPolicyBuilder> access_policies;
  PluginKind<AuditLogBuilder> audit_logs;
  PluginKind<PatientIndexBuilder> patient_indexes;
};

}  // namespace hidewire::node
