#include "plugins/converters/hl7v2/hl7v2_converter.hpp"

#include "hl7v2/message.hpp"
#include "mapping/engine/converter.hpp"

namespace hidewire::plugins::hl7v2_converter {
namespace {

class Hl7v2Converter final : public node::Converter {
 public:
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
      mapping::Conversion c = mapping::convert(*msg);
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
};

}  // namespace

node::ConverterBuilder factory(node::ConfigReader&) {
  return [] { return std::make_unique<Hl7v2Converter>(); };
}

}  // namespace hidewire::plugins::hl7v2_converter
