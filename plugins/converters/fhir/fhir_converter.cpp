#include "plugins/converters/fhir/fhir_converter.hpp"

#include "fhir/bundle_builder.hpp"
#include "fhir/codec.hpp"
#include "fhir/json_numbers.hpp"
#include "fhir/schema.hpp"
#include "node/intake.hpp"
#include "plugins/converters/fhir/provenance_check.hpp"

namespace hidewire::plugins::fhir_converter {
namespace {

using node::Conversion;

std::string text_of(const fhir::Node* n) { return n ? std::string(n->value) : ""; }

// The organisation the credential established, for the Provenance this converter writes.
std::string sender_ods(const node::MessageInfo& info) {
  return info.caller && info.caller->kind != node::Caller::Kind::Anonymous ? info.caller->ods_code : std::string();
}

// What the store's transaction would refuse, found now: the error's text, or empty.
std::string unappliable(const fhir::Node& bundle) {
  std::string type = text_of(bundle.child("type"));
  if (type != "transaction")
    return "a '" + type + "' Bundle is not applied by this node: send a transaction Bundle or a single resource";
  std::size_t i = 0;
  for (const fhir::Node& entry : bundle.children) {
    if (entry.name != "entry") continue;
    std::string at = "Bundle.entry[" + std::to_string(i++) + "]";
    const fhir::Node* req = entry.child("request");
    if (!entry.child("resource")) return at + ": needs a resource";
    if (!req) return at + ": needs a request";
    std::string method = text_of(req->child("method")), url = text_of(req->child("url"));
    if (method != "POST" && method != "PUT") return at + ".request.method: " + method + " is not supported in transactions (POST, PUT)";
    std::string criteria = method == "PUT" && url.find('?') != std::string::npos ? url.substr(url.find('?') + 1) : text_of(req->child("ifNoneExist"));
    if (!criteria.empty() && (criteria.rfind("identifier=", 0) != 0 || criteria.find('|') == std::string::npos))
      return at + ".request: unsupported conditional criteria '" + criteria + "' (identifier=system|value only)";
  }
  if (i == 0) return "the transaction Bundle has no entries";
  return {};
}

// A single resource as a transaction, with the shared building blocks: keyed by its NHS number
// (a Patient) or its identifier, so sending the same person twice updates one Patient instead of
// making two; unkeyed resources are created. A Provenance names the message it came from.
std::string wrap(const fhir::Node& root, const std::string& type, const std::string& body_hash, const node::MessageInfo& info) {
  namespace build = fhir::build;
  rapidjson::Document doc;
  if (!fhir::json::parse(fhir::write_json(root), doc)) throw std::runtime_error("the resource could not be written as JSON");
  auto& a = doc.GetAllocator();
  std::string full_url = build::stable_uuid(body_hash, 0);
  std::string nhs = type == "Patient" ? build::nhs_number_of(doc) : "";
  std::string url = build::conditional_url(type, doc, nhs);
  rapidjson::Value resource;
  resource.CopyFrom(doc, a);
  std::vector<rapidjson::Value> entries;
  entries.push_back(build::transaction_entry(full_url, type, std::move(resource), url, build::Write::Upsert, a,
                                             /*declare=*/false));
  build::Source src{info.received_at, info.channel.empty() ? "a FHIR sender" : "source " + info.channel, "urn:hidewire:message-sha256",
                    body_hash, "FHIR " + type, sender_ods(info)};
  entries.push_back(build::transaction_entry(build::stable_uuid(body_hash, 1), "Provenance", build::provenance({full_url}, src, a), "",
                                             build::Write::Create, a));
  return fhir::json::write(build::transaction_bundle(entries, info.received_at, a));
}

class FhirConverter final : public node::Converter {
 public:
  Conversion convert(std::string_view raw, const node::MessageInfo& info) const override {
    Conversion out;
    try {
      out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
      fhir::Node root;
      if (!fhir::parse_any(raw, fhir::Schema::r4(), root, out.diagnostics)) {
        out.status = Conversion::Status::Unreadable;
        if (out.diagnostics.empty()) out.diagnostics.add(fhir::Severity::Fatal, "structure", "", "not a FHIR resource in JSON or XML");
        return out;
      }
      std::string type(root.resource_type());
      out.event = type;
      if (info.caller)
        if (ForgedAgent f = forged_provenance_agent(root, *info.caller); !f.location.empty()) {
          out.status = Conversion::Status::Refused;
          out.diagnostics.error("security", f.location, f.message);
          return out;
        }
      if (type == "Bundle") {
        if (std::string why = unappliable(root); !why.empty()) {
          out.status = Conversion::Status::Refused;
          out.diagnostics.error("not-supported", "Bundle", why);
          return out;
        }
        out.bundle_json = fhir::detect_format(raw) == fhir::Format::Json ? std::string(raw) : fhir::write_json(root);
      } else {
        out.bundle_json = wrap(root, type, out.control_id, info);
      }
      out.status = Conversion::Status::Converted;
    } catch (const std::exception& e) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.add(fhir::Severity::Fatal, "exception", "", std::string("the FHIR converter failed: ") + e.what());
    }
    return out;
  }
};

}  // namespace

node::ConverterBuilder factory(node::ConfigReader&) {
  return [] { return std::make_unique<FhirConverter>(); };
}

}  // namespace hidewire::plugins::fhir_converter
