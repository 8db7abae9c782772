// Area: the product as a sender of clinical documents: discharge summaries and referrals to the
// patient's GP practice (--gp-ods), as HL7 v2 (MDM^T02 / REF^I12 over --listen mllp(s)://) or as
// FHIR (a Composition or DocumentReference of the discharge-summary type, a referral
// ServiceRequest, POSTed to --listen http(s):// or written to --from-folder), and the
// discharge summary's timeliness: within 24 hours of the discharge the suite can see (PV1-45 of
// the summary or of an ADT^A03 for the patient; the Encounter's period.end in the FHIR Bundle),
// against the suite's clock when it arrived.
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <optional>

#include "conformance/suite/probes.hpp"
#include "conformance/suite/sender.hpp"
#include "fhir/codec.hpp"
#include "fhir/nhs_number.hpp"
#include "fhir/schema.hpp"
#include "hl7v2/message.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr std::int64_t kDischargeSummaryDue = 24 * 3600;  // NHS Standard Contract: within 24 hours of discharge

// A document the product sent: where it came, whom it is for, and when.
struct Document {
  std::string where;             // "message 3 (MSH-10 ...)" or the FHIR file / POST
  std::string text;              // as received, for evidence
  std::string nhs;               // the patient's NHS number, as sent
  std::string addressed_to;      // HL7 v2: MSH-6; FHIR: a MessageHeader's receiver, when it has one
  std::int64_t arrived = 0;      // the suite's clock
  std::optional<std::int64_t> discharged;  // when the patient was discharged, when the suite can see it
};

// HL7 v2 DTM (YYYYMMDD[HH[MM[SS]]][+/-ZZZZ]) or FHIR dateTime (YYYY-MM-DD[THH:MM[:SS][.f](Z|+hh:mm)])
// as epoch seconds; no offset: UTC. Empty when it is not one.
std::optional<std::int64_t> epoch(std::string s) {
  std::string digits, offset;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if ((c == '+' || c == '-') && digits.size() >= 8) {
      offset = s.substr(i);
      break;
    }
    if (c == 'Z') break;
    if (c == '.') {  // fractions of a second: skipped
      while (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) ++i;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  if (digits.size() < 8) return std::nullopt;
  digits.resize(14, '0');
  std::tm tm{};
  tm.tm_year = std::atoi(digits.substr(0, 4).c_str()) - 1900;
  tm.tm_mon = std::atoi(digits.substr(4, 2).c_str()) - 1;
  tm.tm_mday = std::atoi(digits.substr(6, 2).c_str());
  tm.tm_hour = std::atoi(digits.substr(8, 2).c_str());
  tm.tm_min = std::atoi(digits.substr(10, 2).c_str());
  tm.tm_sec = std::atoi(digits.substr(12, 2).c_str());
  std::int64_t t = timegm(&tm);
  std::string od;
  for (char c : offset)
    if (std::isdigit(static_cast<unsigned char>(c))) od += c;
  if (od.size() == 4) t -= (offset[0] == '-' ? -1 : 1) * (std::atoi(od.substr(0, 2).c_str()) * 3600 + std::atoi(od.substr(2, 2).c_str()) * 60);
  return t;
}

// A discharge summary: MDM^T02/T04 whose TXA-2 is DS (or says discharge), or whose OBX-3 is LOINC 18842-5.
bool is_v2_discharge(const hl7v2::Message& m) {
  if (m.message_code() != "MDM") return false;
  return m.get("TXA-2.1") == "DS" || m.get("TXA-2.2").find("ischarge") != std::string::npos || m.get("OBX-3.1") == "18842-5";
}

void each_resource(const fhir::Node& n, const std::function<void(const fhir::Node&)>& f) {
  if (n.is_resource) f(n);
  for (const fhir::Node& c : n.children) each_resource(c, f);
}

// The discharge-summary type: LOINC 18842-5, SNOMED CT 373942005, or HL7 v2 table 0270's DS.
bool discharge_type(const fhir::Node& r) {
  const fhir::Node* type = r.child("type");
  return type && (has_code(*type, "18842-5") || has_code(*type, "373942005") || has_code(*type, "DS"));
}

// A referral ServiceRequest: category SNOMED CT 3457005 (patient referral) or a referral type (v2 table 0282).
bool referral(const fhir::Node& r) {
  if (r.resource_type() != "ServiceRequest") return false;
  for (const fhir::Node& c : r.children) {
    if (c.name != "category") continue;
    if (has_code(c, "3457005")) return true;
    for (const fhir::Node& coding : c.children)
      if (const fhir::Node* sys = coding.name == "coding" ? coding.child("system") : nullptr; sys && sys->value.ends_with("v2-0282")) return true;
  }
  return false;
}

std::string nhs_of(const fhir::Node& patient) {
  for (const fhir::Node& c : patient.children)
    if (const fhir::Node* sys = c.name == "identifier" ? c.child("system") : nullptr; sys && sys->value == fhir::kNhsNumberSystem)
      if (const fhir::Node* v = c.child("value")) return v->value;
  return {};
}

// The documents of kind `discharge` (else referrals) among what the product sent.
std::vector<Document> documents(const Received& got, bool discharge) {
  std::vector<Document> out;
  for (std::size_t i = 0; i < got.v2.size(); ++i) {
    hl7v2::ParseError perr;
    auto m = hl7v2::parse(got.v2[i], perr);
    if (!m || !(discharge ? is_v2_discharge(*m) : m->message_code() == "REF")) continue;
    Document d{"message " + std::to_string(i + 1) + " (MSH-10 " + std::string(m->control_id()) + ")", readable(clip(got.v2[i])),
               m->first("PID") ? pid_nhs_number(*m) : "", m->get("MSH-6.1"), i < got.v2_at.size() ? got.v2_at[i] : 0, epoch(m->get("PV1-45.1"))};
    // No discharge time in the summary: the latest ADT^A03 for the patient says it.
    for (std::size_t j = 0; discharge && !d.discharged && j < got.v2.size(); ++j) {
      auto a = hl7v2::parse(got.v2[j], perr);
      if (a && a->message_code() == "ADT" && a->trigger_event() == "A03" && a->first("PID") && pid_nhs_number(*a) == d.nhs)
        d.discharged = epoch(a->get("PV1-45.1")).has_value() ? epoch(a->get("PV1-45.1")) : epoch(a->get("EVN-2.1"));
    }
    out.push_back(std::move(d));
  }
  for (std::size_t i = 0; i < got.fhir_files.size(); ++i) {
    const auto& [name, text] = got.fhir_files[i];
    fhir::Node root;
    fhir::Diagnostics diags;
    if (!fhir::parse_any(text, fhir::Schema::r4(), root, diags)) continue;
    bool found = false;
    std::string nhs, to;
    std::optional<std::int64_t> ended;
    each_resource(root, [&](const fhir::Node& r) {
      std::string_view type = r.resource_type();
      if (discharge ? (type == "Composition" || type == "DocumentReference") && discharge_type(r) : referral(r)) found = true;
      if (type == "Patient" && nhs.empty()) nhs = nhs_of(r);
      if (type == "MessageHeader")
        if (const fhir::Node* dest = r.child("destination"))
          if (const fhir::Node* rec = dest->child("receiver"))
            if (const fhir::Node* id = rec->child("identifier"))
              if (const fhir::Node* v = id->child("value")) to = v->value;
      if (type == "Encounter")
        if (const fhir::Node* period = r.child("period"))
          if (const fhir::Node* end = period->child("end"))
            if (auto t = epoch(end->value); t && (!ended || *t > *ended)) ended = t;
    });
    if (found) out.push_back({name, clip(text), nhs, to, i < got.fhir_at.size() ? got.fhir_at[i] : 0, ended});
  }
  return out;
}

// What the area needs: some channel the product sends on; false (skipped) without one.
const Received* listened(Context& ctx, Result& r) {
  const Received& got = ctx.received();
  if (got.listened || got.http_listened || got.folder_given) return &got;
  r.skip("no --listen or --from-folder given: the product's documents were not checked");
  return nullptr;
}

// Sent to the GP with a valid NHS number: HL7 v2 addressed (MSH-6) to --gp-ods (without it, to
// some receiving facility); FHIR sent to the suite, which stands for the practice (a MessageHeader's receiver must be it).
void check_sent_to_gp(const Context& ctx, Result& r, const std::vector<Document>& docs, const char* what) {
  const std::string& gp = ctx.target.gp_ods;
  for (const Document& d : docs) {
    std::string why;
    bool fhir = d.where.rfind("message ", 0) != 0;
    if (!fhir && (gp.empty() ? d.addressed_to.empty() : d.addressed_to != gp))
      why = "is addressed to '" + d.addressed_to + "' (MSH-6), not " + (gp.empty() ? "a receiving facility" : "the patient's GP practice " + gp);
    else if (fhir && !gp.empty() && !d.addressed_to.empty() && d.addressed_to != gp)
      why = "its MessageHeader is addressed to '" + d.addressed_to + "', not the patient's GP practice " + gp;
    else if (!fhir::is_valid_nhs_number(d.nhs)) why = "carries no valid NHS number";
    r.evidence.push_back({d.where + ": " + what, d.text, why.empty() ? std::string("sent to the GP practice") : why});
    if (!why.empty()) r.fail(d.where + " (" + what + ") " + why);
  }
}

std::string window_text(const Received& got) { return std::to_string(static_cast<int>(got.window_seconds)) + " s"; }

void discharge_to_gp(Context& ctx, Result& r) {
  const Received* got = listened(ctx, r);
  if (!got) return;
  std::vector<Document> docs = documents(*got, true);
  if (docs.empty())
    return r.fail("no discharge summary (MDM^T02 with TXA-2 DS, or a FHIR Composition or DocumentReference of the discharge-summary type) arrived within " +
                  window_text(*got));
  check_sent_to_gp(ctx, r, docs, "a discharge summary");
}

void referral_to_gp(Context& ctx, Result& r) {
  const Received* got = listened(ctx, r);
  if (!got) return;
  std::vector<Document> docs = documents(*got, false);
  if (docs.empty()) return r.fail("no referral (REF^I12, or a FHIR ServiceRequest with a referral category) arrived within " + window_text(*got));
  check_sent_to_gp(ctx, r, docs, "a referral");
}

void discharge_timely(Context& ctx, Result& r) {
  const Received* got = listened(ctx, r);
  if (!got) return;
  std::vector<Document> docs = documents(*got, true);
  if (docs.empty()) return r.fail("no discharge summary arrived within " + window_text(*got) + ": its timeliness cannot be shown");
  for (const Document& d : docs) {
    std::string why, seen;
    if (!d.discharged) why = "says nothing the suite can see of when the patient was discharged (PV1-45, an ADT^A03, the Encounter's period.end)";
    else {
      std::int64_t after = d.arrived - *d.discharged;
      seen = "arrived " + std::to_string(after / 60) + " min after the discharge";
      if (after > kDischargeSummaryDue) why = seen + ", more than 24 hours";
      else if (after < -300) why = "is dated discharged " + std::to_string(-after / 60) + " min after it arrived (the suite's clock)";
    }
    r.evidence.push_back({d.where + ": a discharge summary's timeliness", d.text, why.empty() ? seen + ", within 24 hours" : why});
    if (!why.empty()) r.fail(d.where + " " + why);
  }
}

}  // namespace

void add_sender_document_tests(std::vector<TestCase>& out) {
  out.push_back({"SND-DISCHARGE-TO-GP", "a discharge summary (HL7 v2 MDM or FHIR) is sent, electronically, to the patient's GP practice (--gp-ods), with a valid NHS number",
                 "sender", {"MU-EREF-01"}, discharge_to_gp});
  out.push_back({"SND-REFERRAL-TO-GP", "a referral (HL7 v2 REF^I12 or a FHIR ServiceRequest) is sent, electronically, to the GP practice, with a valid NHS number",
                 "sender", {"MU-EREF-01"}, referral_to_gp});
  out.push_back({"SND-DISCHARGE-TIMELY", "a discharge summary arrives within 24 hours of the discharge", "sender", {"MU-EREF-02"}, discharge_timely});
}

}  // namespace hidewire::conformance::suite
