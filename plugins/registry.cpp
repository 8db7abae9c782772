// The one list of built-in plugins. A new source format is a folder under plugins/ plus one line
// here (docs/ARCHITECTURE.md).
#include "plugins/registry.hpp"

#include <rapidjson/document.h>

#include "plugins/access/allow_all/allow_all.hpp"
#include "plugins/access/consent/consent_policy.hpp"
#include "plugins/audit/sqlite/plugin.hpp"
#include "plugins/converters/ambulance/ambulance_converter.hpp"
#include "plugins/converters/cda/cda_converter.hpp"
#include "plugins/converters/delimited/delimited_converter.hpp"
#include "plugins/converters/fhir/fhir_converter.hpp"
#include "plugins/converters/hl7v2/hl7v2_converter.hpp"
#include "plugins/converters/prsb_xml/prsb_converter.hpp"
#include "plugins/converters/stu3/stu3_converter.hpp"
#include "plugins/journals/sqlite/plugin.hpp"
#include "plugins/patient_index/pds/pds_index.hpp"
#include "plugins/patient_index/store/store_index.hpp"
#include "plugins/sinks/file/file_sink.hpp"
#include "plugins/sinks/fhir_store/fhir_store_sink.hpp"
#include "plugins/sinks/http_fhir/http_fhir_sink.hpp"
#include "plugins/sinks/mllp/mllp_sink.hpp"
#include "plugins/sources/file_drop/file_drop_source.hpp"
#include "plugins/sources/http_fhir/http_fhir_source.hpp"
#include "plugins/sources/mllp/mllp_source.hpp"
#include "plugins/stores/sqlite/plugin.hpp"

namespace hidewire::plugins {

const node::Registry& builtin() {
  static const node::Registry r = [] {
    node::Registry r;
    r.add_source("mllp-hl7v2", mllp_source::factory);
    r.add_source("http-fhir", http_fhir_source::factory);
    r.add_source("file-drop", file_drop_source::factory);

    r.add_converter("hl7v2", hl7v2_converter::factory);
    r.add_converter("fhir", fhir_converter::factory);
    r.add_converter("fhir-stu3", stu3_converter::factory);
    r.add_converter("ambulance", ambulance::factory);
    r.add_converter("cda", cda::factory);
    r.add_converter("delimited", delimited::factory);
    r.add_converter("prsb-xml", prsb_xml::factory);

    r.add_sink("fhir-store", fhir_store_sink::factory);
    r.add_sink("http-fhir", http_fhir_sink::factory);
    r.add_sink("mllp", mllp_sink::factory);
    r.add_sink("file", file_sink::factory);

    r.add_store("sqlite", sqlite_store::factory);
    r.add_journal("sqlite", sqlite_journal::factory);
    r.add_access_policy("allow-all", allow_all::factory);
    r.add_access_policy("consent", consent::factory);
    r.add_audit_log("sqlite", sqlite_audit::factory);
    r.add_patient_index("sqlite-store", store_index::factory);
    r.add_patient_index("pds", pds_index::factory);
    return r;
  }();
  return r;
}

std::unique_ptr<node::Converter> make_converter(const std::string& format) { return make_converter(format, "{}"); }

std::unique_ptr<node::Converter> make_converter(const std::string& format, const std::string& settings_json) {
  rapidjson::Document doc;
  doc.Parse(settings_json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("converter settings: not a JSON object");
  std::vector<std::string> problems;
  node::ConverterBuilder build;
  {
    node::ConfigReader r(&doc, "$.converters." + format, problems);
    build = builtin().converters.by_type.at(format)(r);
  }
  if (!problems.empty()) throw std::runtime_error(problems.front());
  return build();
}

std::unique_ptr<node::Sink> make_sink(const std::string& type, const std::string& name, const std::string& settings_json,
                                      node::FhirStore* store) {
  rapidjson::Document doc;
  doc.Parse(settings_json.c_str());
  if (doc.HasParseError()) throw std::runtime_error("sink settings: invalid JSON");
  std::vector<std::string> problems;
  node::SinkBuilder build;
  {
    node::ConfigReader r(&doc, "$", problems);
    build = builtin().sinks.by_type.at(type)(r);
  }
  if (!problems.empty()) throw std::runtime_error(problems.front());
  if (!store && type == "fhir-store") throw std::runtime_error("a fhir-store sink needs a store");
  node::FhirStore* none = nullptr;
  node::SinkContext ctx{store ? *store : *none, name, nullptr, {}, {}};
  return build(ctx);
}

}  // namespace hidewire::plugins
