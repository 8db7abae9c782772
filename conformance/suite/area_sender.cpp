// Area: the product as a sender. The suite listens (--listen mllp://HOST:PORT, answering each
// message AA; --listen http://HOST:PORT, answering each FHIR POST 201) and reads a folder the
// product writes FHIR to (--from-folder DIR) for the run's window (--window SECONDS); each message
// it got is checked here.
#include "conformance/gate.hpp"
#include "conformance/profile_gate.hpp"
#include "conformance/suite/probes.hpp"
#include "conformance/suite/sender.hpp"
#include "fhir/codec.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/schema.hpp"
#include "hl7v2/message.hpp"

namespace hidewire::conformance::suite {

std::string pid_nhs_number(const hl7v2::Message& m) {
  std::string_view pid3 = m.first("PID")->field(3);
  for (int rep = 1; rep <= static_cast<int>(m.repetitions(pid3)); ++rep) {
    if (m.piece(pid3, rep, 4, 1) == "NHS" || m.piece(pid3, rep, 5) == "NH") return m.unescape(m.piece(pid3, rep, 1));
  }
  return {};
}

bool has_code(const fhir::Node& n, std::string_view code) {
  if (n.name == "code" && n.value == code) return true;
  for (const fhir::Node& c : n.children)
    if (has_code(c, code)) return true;
  return false;
}

namespace {

const Received* need_v2(Context& ctx, Result& r) {
  const Received& got = ctx.received();
  if (!got.listened) {
    r.skip("no --listen mllp://HOST:PORT given: the product's HL7 v2 output was not checked");
    return nullptr;
  }
  if (got.v2.empty()) {
    r.fail("no HL7 v2 message arrived at " + got.listen_at + " within " + std::to_string(static_cast<int>(got.window_seconds)) + " s");
    return nullptr;
  }
  return &got;
}

std::string label(std::size_t i, const hl7v2::Message* m) {
  return "message " + std::to_string(i + 1) + " from the product" + (m ? " (MSH-10 " + std::string(m->control_id()) + ")" : "");
}

void v2_structure(Context& ctx, Result& r) {
  const Received* got = need_v2(ctx, r);
  if (!got) return;
  for (std::size_t i = 0; i < got->v2.size(); ++i) {
    hl7v2::ParseError perr;
    auto m = hl7v2::parse(got->v2[i], perr);
    std::string problem;
    if (!m) problem = "does not parse: " + perr.message;
    else if (m->message_code().empty() || m->trigger_event().empty()) problem = "MSH-9 has no message code and trigger event";
    else if (m->control_id().empty()) problem = "MSH-10 (control id) is empty";
    else if (m->version().empty()) problem = "MSH-12 (version) is empty";
    r.evidence.push_back({label(i, m ? &*m : nullptr), readable(clip(got->v2[i])), problem.empty() ? "structure ok" : problem});
    if (!problem.empty()) r.fail(label(i, m ? &*m : nullptr) + " " + problem);
  }
}

void v2_nhs_numbers(Context& ctx, Result& r) {
  const Received* got = need_v2(ctx, r);
  if (!got) return;
  std::size_t patient_level = 0;
  for (std::size_t i = 0; i < got->v2.size(); ++i) {
    hl7v2::ParseError perr;
    auto m = hl7v2::parse(got->v2[i], perr);
    if (!m || !m->first("PID")) continue;  // not patient-level (or unreadable: SND-V2-STRUCTURE says so)
    ++patient_level;
    std::string nhs = pid_nhs_number(*m), why;
    if (nhs.empty()) why = "carries no NHS number in PID-3 (no repetition with CX-4 NHS or CX-5 NH)";
    else if (std::string bad = fhir::check_nhs_number(nhs); !bad.empty()) why = "carries NHS number '" + nhs + "', not valid: " + bad;
    ctx.metrics.v2_patient_level++;
    ctx.metrics.v2_valid_nhs += why.empty();
    r.evidence.push_back({label(i, &*m), readable(clip(got->v2[i])), why.empty() ? "valid NHS number " + nhs : why});
    if (!why.empty()) r.fail(label(i, &*m) + " " + why);
  }
  if (patient_level == 0) r.skip("none of the " + std::to_string(got->v2.size()) + " messages received has a PID segment");
}

// An NHS number identifier whose UK Core verification status is 01 (number present and verified).
bool verified(const fhir::Node& identifier) {
  for (const fhir::Node& e : identifier.children) {
    const fhir::Node* url = e.name == "extension" ? e.child("url") : nullptr;
    if (url && url->value == fhir::kNhsVerificationStatusUrl && has_code(e, "01")) return true;
  }
  return false;
}

// Each Patient in `n` (a Bundle's entries, contained resources) with a valid NHS number identifier.
void check_patients(const fhir::Node& n, const std::string& file, Result& r, Metrics& metrics) {
  if (n.is_resource && n.resource_type() == "Patient") {
    bool valid = false, is_verified = false;
    for (const fhir::Node& c : n.children) {
      const fhir::Node* sys = c.name == "identifier" ? c.child("system") : nullptr;
      const fhir::Node* val = c.name == "identifier" ? c.child("value") : nullptr;
      if (sys && val && sys->value == fhir::kNhsNumberSystem && fhir::is_valid_nhs_number(val->value)) {
        valid = true;
        is_verified = is_verified || verified(c);
      }
    }
    metrics.fhir_patients++;
    metrics.fhir_valid_nhs += valid;
    metrics.fhir_verified_nhs += is_verified;
    if (!valid) r.fail(file + ": a Patient has no valid NHS number (identifier with system " + std::string(fhir::kNhsNumberSystem) + ")");
  }
  for (const fhir::Node& c : n.children) check_patients(c, file, r, metrics);
}

void fhir_profiles(Context& ctx, Result& r) {
  const Received& got = ctx.received();
  if (!got.folder_given && !got.http_listened)
    return r.skip("neither --from-folder DIR nor --listen http://HOST:PORT given: the product's FHIR output was not checked");
  if (got.fhir_files.empty())
    return r.fail("no FHIR arrived (" + (got.folder_given ? "no .json or .xml file in " + got.folder : std::string()) +
                  (got.folder_given && got.http_listened ? ", " : "") + (got.http_listened ? "no POST to " + got.http_at : std::string()) + ") within " +
                  std::to_string(static_cast<int>(got.window_seconds)) + " s");
  ProfileRules rules{true, ctx.require_profiles};
  for (const auto& [name, text] : got.fhir_files) {
    fhir::Node root;
    fhir::Diagnostics d;
    if (fhir::parse_any(text, fhir::Schema::r4(), root, d)) {
      conformance::check(root, d);
      if (ctx.profiles) ctx.profiles->check(root, rules, d);
      check_patients(root, name, r, ctx.metrics);
    }
    std::string found;
    for (const fhir::Issue& i : d.issues()) {
      if (i.severity != fhir::Severity::Error && i.severity != fhir::Severity::Fatal) continue;
      found += (found.empty() ? "" : "\n") + i.location + ": " + i.message + (i.key.empty() ? "" : " (" + i.key + ")");
    }
    r.evidence.push_back({name, clip(text), found.empty() ? "valid" + std::string(ctx.profiles ? ", profiles met" : "") : found});
    if (!found.empty()) r.fail(name + ": " + found.substr(0, found.find('\n')));
  }
}

}  // namespace

void add_sender_tests(std::vector<TestCase>& out) {
  out.push_back({"SND-V2-STRUCTURE", "every HL7 v2 message sent parses, with MSH-9, MSH-10 and MSH-12", "sender", {"V2-STRUCT-01"}, v2_structure});
  out.push_back({"SND-V2-NHS", "every patient-level HL7 v2 message sent carries a valid NHS number", "sender", {"MU-NHSNO-01"}, v2_nhs_numbers});
  add_sender_document_tests(out);  // discharge summaries, referrals, timeliness (area_sender_documents.cpp)
  out.push_back({"SND-FHIR-PROFILES", "every FHIR resource sent is valid R4, meets its UK Core profiles, and names its Patient by a valid NHS number",
                 "sender", {"FHIR-PROFILE-01", "MU-NHSNO-01"}, fhir_profiles});
}

}  // namespace hidewire::conformance::suite
