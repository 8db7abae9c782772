#include "plugins/converters/stu3/stu3_converter.hpp"

#include "fhir/clock.hpp"
#include "mapping/stu3_engine/record.hpp"
#include "node/intake.hpp"

namespace hidewire::plugins::stu3_converter {
namespace {

using node::Conversion;

class Stu3Converter final : public node::Converter {
 public:
  Conversion convert(std::string_view raw, const node::MessageInfo& info) const override {
    Conversion out;
    try {
      out.control_id = info.content_hash.empty() ? node::sha256_hex(raw) : info.content_hash;
      out.event = "GPConnect-StructuredRecord";
      mapping::stu3::RecordOptions opts;
      opts.message_id = out.control_id;
      opts.received_at = info.received_at.empty() ? fhir::utc_now_instant() : info.received_at;
      opts.agent = info.channel.empty() ? "a GP Connect provider" : "source " + info.channel;
      if (info.caller && info.caller->kind != node::Caller::Kind::Anonymous) opts.sender_ods = info.caller->ods_code;
      mapping::stu3::RecordConversion c = mapping::stu3::convert_record(raw, mapping::stu3::Maps::builtin(), opts);
      using S = mapping::stu3::RecordConversion::Status;
      out.status = c.status == S::Converted ? Conversion::Status::Converted
                   : c.status == S::Refused ? Conversion::Status::Refused
                                            : Conversion::Status::Unreadable;
      out.bundle_json = std::move(c.bundle_json);
      out.diagnostics = std::move(c.diagnostics);
      out.unmapped = std::move(c.unmapped);
      out.nhs_number = std::move(c.nhs_number);
    } catch (const std::exception& e) {
      out.status = Conversion::Status::Refused;
      out.bundle_json.clear();
      out.diagnostics.add(fhir::Severity::Fatal, "exception", "", std::string("the FHIR STU3 converter failed: ") + e.what());
    }
    return out;
  }
};

}  // namespace

node::ConverterBuilder factory(node::ConfigReader&) {
  // Read the maps now, so a broken map stops the node at start-up rather than at a message.
  (void)mapping::stu3::Maps::builtin();
  return [] { return std::make_unique<Stu3Converter>(); };
}

}  // namespace hidewire::plugins::stu3_converter
