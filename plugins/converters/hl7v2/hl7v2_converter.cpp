#include "plugins/converters/hl7v2/hl7v2_converter.hpp"

#include <strings.h>

#include <cctype>

#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"

namespace hidewire::plugins::hl7v2_converter {
namespace {

bool same(std::string_view a, const std::string& b) { return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0; }

bool names_org(std::string_view value, const node::Caller& c) {
  if (same(value, c.ods_code)) return true;
  for (const std::string& f : c.facilities)
    if (same(value, f)) return true;
  return false;
}

// The sending organisation comes from the credential: MSH-4 (HD namespace id or universal id)
// must name the caller's organisation (its ODS code or a configured facility), or be empty.
// The refusal says what MSH-4 named: the caller's ODS code is not secret, and the sender needs
// both to fix its configuration. Empty when it is fine.
std::string msh4_mismatch(const hl7v2::Message& m, const node::Caller* caller) {
  if (!caller || caller->kind == node::Caller::Kind::Anonymous) return {};
  std::string_view msh4 = m.segments.front().field(4);
  std::string_view ns = m.piece(msh4, 1, 1), uid = m.piece(msh4, 1, 2);
  if (ns.empty() && uid.empty()) return {};
  if ((!ns.empty() && names_org(ns, *caller)) || (!uid.empty() && names_org(uid, *caller))) return {};
  return "MSH-4 (sending facility) names organisation '" + std::string(ns.empty() ? uid : ns) + "', but the message came from " +
         caller->describe() + " whose organisation is " + (caller->ods_code.empty() ? "not known" : caller->ods_code) +
         ": a sender may only send for its own organisation";
}

class Hl7v2Converter final : public node::Converter {
 public:
  explicit Hl7v2Converter(mapping::AuthorityTable authorities) : authorities_(std::move(authorities)) {}

  node::Conversion convert(std::string_view raw, const node::MessageInfo& info) const override {
    node::Conversion out;
    try {
      hl7v2::ParseError perr;
      std::optional<hl7v2::Message> msg = hl7v2::parse(raw, perr);
      if (!msg) {
        out.status = node::Conversion::Status::Unreadable;
        out.diagnostics.add(fhir::Severity::Fatal, "structure", "", perr.message);
        return out;
      }
      const hl7v2::Segment& msh = msg->segments.front();
      out.sender = std::string(msh.field(3)) + "^" + std::string(msh.field(4));
      out.control_id = std::string(msg->control_id());
      out.event = std::string(msg->message_code()) + "^" + std::string(msg->trigger_event());
      if (std::string why = msh4_mismatch(*msg, info.caller); !why.empty()) {
        out.status = node::Conversion::Status::Refused;
        out.diagnostics.error("security", "MSH-4", why);
        return out;
      }
      mapping::ConvertOptions opts;
      if (info.caller && info.caller->kind != node::Caller::Kind::Anonymous) opts.sender_ods = info.caller->ods_code;
      opts.authorities = &authorities_;
      opts.trace_invalid_nhs_number = info.trace_patients;
      mapping::Conversion c = mapping::convert(*msg, mapping::MapSet::builtin(), opts);
      out.status = c.ok ? node::Conversion::Status::Converted : node::Conversion::Status::Refused;
      out.bundle_json = std::move(c.bundle_json);
      out.diagnostics = std::move(c.diagnostics);
      out.unmapped = std::move(c.unmapped);
      out.nhs_number = std::move(c.nhs_number);
    } catch (const std::exception& e) {
      out.status = node::Conversion::Status::Refused;
      out.bundle_json.clear();
      out.diagnostics.add(fhir::Severity::Fatal, "exception", "", std::string("the HL7 v2 converter failed: ") + e.what());
    } catch (...) {
      out.status = node::Conversion::Status::Refused;
      out.bundle_json.clear();
      out.diagnostics.add(fhir::Severity::Fatal, "exception", "", "the HL7 v2 converter failed");
    }
    return out;
  }

 private:
  mapping::AuthorityTable authorities_;
};

// A URI as FHIR's uri type takes it: a scheme, then no spaces or control characters.
bool plausible_uri(const std::string& u) {
  std::size_t colon = u.find(':');
  if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(u[0]))) return false;
  for (char c : u)
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>') return false;
  return true;
}

}  // namespace

node::ConverterBuilder factory(node::ConfigReader& settings) {
  // "authorities": [{"name": "RCB", "uri": "https://fhir.rcb.nhs.uk/Id/pas-number"}, ...]: what
  // each assigning authority (CX-4, EI-2, a coding system's name) stands for at this organisation.
  mapping::AuthorityTable table;
  settings.array("authorities", [&](node::ConfigReader& item) {
    std::string name, uri;
    item.str("name", name, true);
    item.str("uri", uri, true);
    if (!uri.empty() && !plausible_uri(uri)) item.problem("uri", "expected an absolute URI (urn:oid:1.2.3, https://...), got '" + uri + "'");
    else if (!name.empty() && !table.emplace(name, uri).second) item.problem("name", "authority '" + name + "' is listed twice");
  });
  return [table = std::move(table)] { return std::make_unique<Hl7v2Converter>(table); };
}

}  // namespace hidewire::plugins::hl7v2_converter
