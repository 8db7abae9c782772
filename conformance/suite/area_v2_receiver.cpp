// Area: the product as an HL7 v2 receiver over MLLP (--target mllp://host:port). The suite sends
// admissions for made-up patients (NHS numbers of its own, valid or not) and reads the ACKs.
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include <rapidjson/document.h>

#include "conformance/suite/probes.hpp"
#include "hl7v2/message.hpp"

namespace hidewire::conformance::suite {
namespace {

constexpr std::string_view kNhsSystem = "https://fhir.nhs.uk/Id/nhs-number";

bool need_mllp(const Context& ctx, Result& r) {
  if (ctx.target.has_mllp()) return true;
  r.skip("no --target mllp://HOST:PORT given: the product's HL7 v2 receiver was not exercised");
  return false;
}

std::string control_id(const Context& ctx, const char* suffix) { return "HWC" + ctx.run_id + suffix; }
std::string nhs_for(const Context& ctx, const char* what) { return nhs_number_from(std::hash<std::string>{}(ctx.run_id + what)); }

// The ACK read, or nullopt with the test failed or erred.
std::optional<hl7v2::Message> send(Context& ctx, Result& r, const std::string& msg, const std::string& label) {
  std::string error;
  std::string ack = mllp_call(ctx.target, msg, label, r.evidence, error);
  if (!error.empty()) {
    r.error("no ACK for " + label + ": " + error);
    return std::nullopt;
  }
  hl7v2::ParseError perr;
  auto a = hl7v2::parse(ack, perr);
  if (!a || !a->first("MSA")) {
    r.fail("the answer to " + label + " is not an HL7 v2 ACK with an MSA segment" + (a ? "" : ": " + perr.message));
    return std::nullopt;
  }
  return a;
}

void msa2_equals_msh10(Context& ctx, Result& r) {
  if (!need_mllp(ctx, r)) return;
  std::string cid = control_id(ctx, "A1");
  auto a = send(ctx, r, adt_a01(cid, nhs_for(ctx, "msa2"), ctx.target.facility), "ADT^A01, MSH-10 " + cid);
  if (!a) return;
  if (a->get("MSA-2") != cid) r.fail("MSA-2 is '" + a->get("MSA-2") + "', the message's MSH-10 was '" + cid + "'");
  else if (a->get("MSA-1") != "AA" && a->get("MSA-1") != "CA")
    r.fail("a valid admission was answered " + a->get("MSA-1") + " (" + a->get("ERR-8") + a->get("MSA-3") + "), not AA");
}

void invalid_nhs_refused(Context& ctx, Result& r) {
  if (!need_mllp(ctx, r)) return;
  std::string cid = control_id(ctx, "N1");
  std::string bad = with_wrong_check_digit(nhs_for(ctx, "invalid"));
  auto a = send(ctx, r, adt_a01(cid, bad, ctx.target.facility), "ADT^A01 with NHS number " + bad + " (fails Modulus 11)");
  if (!a) return;
  std::string code = a->get("MSA-1");
  if (code != "AE" && code != "AR") r.fail("an NHS number failing Modulus 11 was answered " + code + ", not AE or AR");
  else if (!a->first("ERR")) r.fail("answered " + code + " without an ERR segment saying why");
}

void resend_not_applied_twice(Context& ctx, Result& r) {
  if (!need_mllp(ctx, r)) return;
  std::string cid = control_id(ctx, "R1");
  std::string nhs = nhs_for(ctx, "resend");
  std::string msg = adt_a01(cid, nhs, ctx.target.facility);
  auto first = send(ctx, r, msg, "ADT^A01, MSH-10 " + cid + " (first)");
  if (!first) return;
  auto again = send(ctx, r, msg, "the same message again (a resend after a lost ACK)");
  if (!again) return;
  if (first->get("MSA-1") != "AA" && first->get("MSA-1") != "CA") return r.fail("the first send was answered " + first->get("MSA-1") + ", not AA");
  if (again->get("MSA-1") != first->get("MSA-1") || again->get("MSA-2") != first->get("MSA-2"))
    return r.fail("the resend was answered " + again->get("MSA-1") + " " + again->get("MSA-2") + ", the first send " + first->get("MSA-1") +
                  " " + first->get("MSA-2"));
  if (!ctx.target.has_fhir())
    return r.skip("answered the same both times; whether it was applied once is not checked: no --target http(s):// FHIR API given");
  // The product may store behind the ACK: wait for the patient to appear, then count.
  std::string path = "/Patient?identifier=" + std::string(kNhsSystem) + "%7C" + nhs;
  long count = -1;
  for (int i = 0; i < 50 && count < 1; ++i) {
    std::vector<Exchange> polls;
    HttpAnswer h = http_call(ctx.target, "GET", path, "", true, "poll", polls);
    count = h.status == 200 ? bundle_count(h.body) : -1;
    if (count < 1) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // time for a second copy to land, if one is coming
  HttpAnswer h = http_call(ctx.target, "GET", path, "", true, "Patients with NHS number " + nhs + " after the resend", r.evidence);
  if (h.status != 200) return r.fail("search for the patient answered " + std::to_string(h.status) + (h.error.empty() ? "" : ": " + h.error));
  count = bundle_count(h.body);
  if (count == 0) return r.fail("the admission was acknowledged AA but its patient never appeared in the FHIR API");
  if (count != 1) return r.fail("the resend was applied again: " + std::to_string(count) + " Patients with NHS number " + nhs);
  // A product that merges patients by NHS number shows one Patient either way: the admission's
  // Encounters say whether it was applied twice (where the product makes them and searches them).
  rapidjson::Document d;
  std::string id;
  if (parse_resource(h.body, "Bundle", d) && d.HasMember("entry") && d["entry"].IsArray() && !d["entry"].Empty() &&
      d["entry"][0].HasMember("resource") && d["entry"][0]["resource"].HasMember("id") && d["entry"][0]["resource"]["id"].IsString())
    id = d["entry"][0]["resource"]["id"].GetString();
  if (id.empty()) return;
  HttpAnswer e = http_call(ctx.target, "GET", "/Encounter?patient=Patient/" + id, "", true, "the patient's Encounters after the resend", r.evidence);
  long encounters = e.status == 200 ? bundle_count(e.body) : -1;
  if (encounters > 1) r.fail("the resend was applied again: " + std::to_string(encounters) + " Encounters for the one admission");
}

void unreadable_frame_rejected(Context& ctx, Result& r) {
  if (!need_mllp(ctx, r)) return;
  std::string error;
  std::string ack = mllp_call(ctx.target, "THIS IS NOT AN HL7 V2 MESSAGE\r", "a frame that is not HL7 v2", r.evidence, error);
  if (!error.empty()) {
    // A receiver may refuse by closing the connection; one that never answers is not refusing.
    if (error.find("connection lost") == std::string::npos) r.fail("no answer to an unreadable frame: " + error);
    return;
  }
  hl7v2::ParseError perr;
  auto a = hl7v2::parse(ack, perr);
  std::string code = a ? a->get("MSA-1") : std::string();
  if (code != "AR" && code != "CR") r.fail("an unreadable frame was answered " + (code.empty() ? "with something that is not an ACK" : code) + ", not AR");
}

}  // namespace

void add_v2_receiver_tests(std::vector<TestCase>& out) {
  out.push_back({"V2R-ACK-MSA2", "ACK's MSA-2 equals the message's MSH-10 (and a valid admission is AA)", "v2-receiver", {"V2-ACK-01"},
                 msa2_equals_msh10});
  out.push_back({"V2R-NHS-INVALID", "an NHS number failing Modulus 11 is answered AE/AR with ERR", "v2-receiver",
                 {"V2-ACK-02", "MU-NHSNO-03"}, invalid_nhs_refused});
  out.push_back({"V2R-RESEND", "a resend is answered as the first send and applied once", "v2-receiver", {"V2-ACK-03"},
                 resend_not_applied_twice});
  out.push_back({"V2R-UNREADABLE", "a frame that is not HL7 v2 is answered AR", "v2-receiver", {"V2-ACK-04"}, unreadable_frame_rejected});
}

}  // namespace hidewire::conformance::suite
