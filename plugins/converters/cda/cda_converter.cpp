#include "plugins/converters/cda/cda_converter.hpp"

#include "fhir/clock.hpp"
#include "mapping/engine/json_path.hpp"
#include "node/intake.hpp"
#include "plugins/common/resource_building.hpp"
#include "plugins/converters/cda/cda_context.hpp"

namespace hidewire::plugins::cda {
namespace {

using node::Conversion;
namespace build = fhir::build;
using Write = build::Write;

constexpr const char* kOdsAddressPrefix = "urn:nhs-uk:addressing:ods:";

// The ClinicalDocument: the document element, or the first payload of an ITK envelope holding
// one. Marks the envelope's parts it reads; the ODS address of its first addressee goes to `address`.
Xml find_document(Xml root, Seen& seen, std::string& address, bool& enveloped) {
  std::string_view name = local_name(root.name());
  enveloped = name == "DistributionEnvelope";
  if (!enveloped) return name == "ClinicalDocument" ? root : Xml();
  seen.mark(root);
  Xml header = child(root, "header");
  if (header) seen.mark(header);
  if (Xml list = child(header, "addresslist")) {
    seen.mark(list);
    for (Xml a : children(list, "address")) {
      seen.mark(a);
      std::string uri = attr(a, "uri");
      if (address.empty() && uri.rfind(kOdsAddressPrefix, 0) == 0) address = uri.substr(std::string(kOdsAddressPrefix).size());
    }
  }
  Xml payloads = child(root, "payloads");
  for (Xml p : children(payloads, "payload"))
    if (Xml doc = child(p, "ClinicalDocument")) {
      seen.mark(payloads), seen.mark(p);
      return doc;
    }
  return {};
}

J composition(Ctx& c, Xml doc, J sections) {
  J comp(rapidjson::kObjectType);
  comp.AddMember("resourceType", "Composition", c.a());
  J ident = c.identifier(c.read(doc, "setId"));
  if (ident.IsNull()) ident = c.identifier(c.read(doc, "id"));
  else c.read(doc, "id"), c.read(doc, "versionNumber");  // one version of the set: the Composition is the set's, each version updates it
  comp.AddMember("identifier", ident, c.a());
  comp.AddMember("status", "final", c.a());
  comp.AddMember("type", c.codeable(child(doc, "code")), c.a());
  comp.AddMember("subject", c.ref(c.patient), c.a());
  if (c.encounter >= 0) comp.AddMember("encounter", c.ref(c.encounter), c.a());
  std::string date = c.time(child(doc, "effectiveTime"));
  if (date.empty()) c.d.error("required", "ClinicalDocument/effectiveTime", "the document has no effectiveTime: when it was written is not known");
  comp.AddMember("date", c.str(date), c.a());
  J authors(rapidjson::kArrayType);
  for (int a : c.authors) authors.PushBack(c.ref(a), c.a());
  if (authors.Empty() && c.custodian >= 0) authors.PushBack(c.ref(c.custodian), c.a());
  if (authors.Empty()) c.d.error("required", "ClinicalDocument/author", "the document names no author");
  comp.AddMember("author", authors, c.a());
  std::string title = text_of(c.read(doc, "title"));
  comp.AddMember("title", c.str(title.empty() ? "NHS 111 report" : title), c.a());
  if (Xml conf = c.read(doc, "confidentialityCode")) {
    auto it = c.maps.confidentiality.find(attr(conf, "code"));
    if (it != c.maps.confidentiality.end()) comp.AddMember("confidentiality", c.str(it->second), c.a());
  }
  if (c.custodian >= 0) comp.AddMember("custodian", c.ref(c.custodian), c.a());
  // A replacement document (relatedDocument RPLC) says which one it replaces.
  J relates(rapidjson::kArrayType);
  for (Xml rel : children(doc, "relatedDocument")) {
    J target = c.identifier(child(c.read(c.read(rel), "parentDocument"), "id"));
    if (target.IsNull()) continue;
    J r(rapidjson::kObjectType);
    r.AddMember("code", J(attr(rel, "typeCode") == "APND" ? "appends" : attr(rel, "typeCode") == "XFRM" ? "transforms" : "replaces", c.a()), c.a());
    r.AddMember("targetIdentifier", target, c.a());
    relates.PushBack(r, c.a());
  }
  if (!relates.Empty()) comp.AddMember("relatesTo", relates, c.a());
  comp.AddMember("section", sections, c.a());
  return comp;
}

class CdaConverter final : public node::Converter {
 public:
  CdaConverter(Settings s, const Maps& maps) : settings_(s), maps_(maps) {}

  Conversion convert(std::string_view raw, const node::MessageInfo& info) const override {
    return guarded_conversion("the CDA converter", [&](Conversion& out) { convert_into(raw, info, out); });
  }

 private:

  static void unreadable(Conversion& out, const std::string& why) {
    out.status = Conversion::Status::Unreadable;
    out.diagnostics.add(fhir::Severity::Fatal, "structure", "", why);
  }

  void convert_into(std::string_view raw, const node::MessageInfo& info, Conversion& out) const {
    out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
    pugi::xml_document xml;
    pugi::xml_parse_result parsed = xml.load_buffer(raw.data(), raw.size(), pugi::parse_default & ~pugi::parse_doctype);
    if (!parsed) return unreadable(out, std::string("not well-formed XML: ") + parsed.description() + " at byte " + std::to_string(parsed.offset));
    Ctx c(maps_, out.diagnostics, out.control_id);
    c.trace_patients = info.trace_patients;
    std::string address;
    bool enveloped = false;
    Xml root = xml.document_element();
    Xml doc = find_document(root, c.seen, address, enveloped);
    if (!doc) return unreadable(out, enveloped ? "the ITK distribution envelope carries no ClinicalDocument payload"
                                               : "not an NHS CDA document: the document element is '" + std::string(root.name()) + "'");
    if (settings_.envelope_required && !enveloped) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("not-supported", "ClinicalDocument", "this node takes CDA documents only in their ITK distribution envelope");
      return;
    }
    c.read(doc);
    J setid = c.identifier(child(doc, "setId"));
    if (setid.IsNull()) setid = c.identifier(child(doc, "id"));
    if (setid.IsNull()) {
      out.status = Conversion::Status::Refused;
      out.diagnostics.error("required", "ClinicalDocument/id", "the document has no id: its versions could not be told apart");
      return;
    }
    c.record_key = setid["value"].GetString();
    Xml type = c.read(doc, "messageType");
    out.event = attr(type, "extension").empty() ? "CDA" : "CDA^" + attr(type, "extension");
    add_header(c, doc);
    if (c.gp < 0 && !address.empty()) add_addressed_gp(c, address);
    J sections = make_sections(c, doc);
    J comp = composition(c, doc, std::move(sections));
    out.nhs_number = c.nhs_number;
    out.sender = c.custodian_ods;
    // The custodian is the 111 service that sends: only its own systems may send for it.
    const node::Caller* caller = info.caller;
    if (caller && caller->kind != node::Caller::Kind::Anonymous && !c.custodian_ods.empty() && !caller->speaks_for(c.custodian_ods))
      out.diagnostics.error("security", "ClinicalDocument/custodian",
                            "the document's custodian is '" + c.custodian_ods + "', but it came from " + caller->describe() +
                                " whose organisation is " + (caller->ods_code.empty() ? "not known" : caller->ods_code) +
                                ": a sender may only send for its own organisation");
    unmapped(root, c.seen, maps_.ignore, out.unmapped);
    if (out.diagnostics.has_errors()) {
      out.status = Conversion::Status::Refused;
      return;
    }
    out.bundle_json = bundle(c, std::move(comp), info, settings_.document);
    out.status = Conversion::Status::Converted;
  }

  // No recipient organisation in the document: the envelope's ODS address is the registered GP.
  static void add_addressed_gp(Ctx& c, const std::string& ods) {
    if (auto known = c.organisations.find(ods); known != c.organisations.end()) {
      c.gp = known->second;
    } else {
      J org(rapidjson::kObjectType), ids(rapidjson::kArrayType);
      org.AddMember("resourceType", "Organization", c.a());
      ids.PushBack(c.identifier(build::kOdsSystem, ods), c.a());
      org.AddMember("identifier", ids, c.a());
      c.gp = c.add("Organization", std::move(org), Write::CreateIfAbsent);
    }
    c.gp_ods = ods;
    J list(rapidjson::kArrayType);
    list.PushBack(c.ref_with_identifier(c.gp), c.a());
    c.entries[static_cast<std::size_t>(c.patient)].res.AddMember("generalPractitioner", list, c.a());
  }

  static std::string bundle(Ctx& c, J comp, const node::MessageInfo& info, bool document) {
    int composition = c.add("Composition", std::move(comp), Write::Upsert);
    std::vector<std::string> targets;
    for (const Entry& e : c.entries) targets.push_back(e.full_url);
    std::string received = info.received_at.empty() ? fhir::utc_now_instant() : info.received_at;
    std::string sender = info.caller && info.caller->kind != node::Caller::Kind::Anonymous ? info.caller->ods_code : "";
    build::Source src{received, info.channel.empty() ? "an NHS 111 service" : "source " + info.channel, "urn:hidewire:message-sha256",
                      c.control_id, "NHS CDA document " + c.record_key, sender};
    int prov = c.add("Provenance", build::provenance(targets, src, c.a()), Write::Create);
    // The document's Composition first, as a FHIR document puts it.
    std::vector<int> order{composition};
    for (int i = 0; i < static_cast<int>(c.entries.size()); ++i)
      if (i != composition && i != prov) order.push_back(i);
    order.push_back(prov);
    if (document) return document_bundle(c, order, received);
    return c.transaction(order, c.nhs_number, received);
  }

  // The same entries as a FHIR document: identifier the Composition's, timestamp its date (an
  // instant needs a time: else when received), no requests, no Provenance.
  static std::string document_bundle(Ctx& c, const std::vector<int>& order, const std::string& received) {
    J& comp = c.entries[static_cast<std::size_t>(order.front())].res;
    J doc(rapidjson::kObjectType), list(rapidjson::kArrayType);
    doc.AddMember("resourceType", "Bundle", c.a());
    doc.AddMember("identifier", J(comp["identifier"], c.a()), c.a());
    doc.AddMember("type", "document", c.a());
    doc.AddMember("timestamp", comp["date"].GetStringLength() > 10 ? J(comp["date"], c.a()) : c.str(received), c.a());
    for (int i : order) {
      Entry& e = c.entries[static_cast<std::size_t>(i)];
      if (e.type == "Provenance") continue;
      build::declare_uk_core(e.res, e.type, c.a());
      J entry(rapidjson::kObjectType);
      entry.AddMember("fullUrl", c.str(e.full_url), c.a());
      entry.AddMember("resource", e.res, c.a());
      list.PushBack(entry, c.a());
    }
    doc.AddMember("entry", list, c.a());
    return mapping::write_with_raw_numbers(doc);
  }

  Settings settings_;
  const Maps& maps_;
};

}  // namespace

std::unique_ptr<node::Converter> make(const Settings& s, const Maps& maps) { return std::make_unique<CdaConverter>(s, maps); }

node::ConverterBuilder factory(node::ConfigReader& r) {
  Settings s;
  std::string envelope;
  r.str("envelope", envelope);
  if (!envelope.empty() && envelope != "optional" && envelope != "required") r.problem("envelope", "'optional' or 'required', not '" + envelope + "'");
  s.envelope_required = envelope == "required";
  const Maps* maps = nullptr;
  try {
    maps = &Maps::builtin();
  } catch (const MapError& e) {
    r.problem("", std::string("the built-in CDA map is wrong: ") + e.what());
    return {};
  }
  return [s, maps] { return make(s, *maps); };
}

}  // namespace hidewire::plugins::cda
