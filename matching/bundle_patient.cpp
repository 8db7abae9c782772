#include "matching/bundle_patient.hpp"

#include "fhir/bundle_builder.hpp"
#include "fhir/nhs_number.hpp"

namespace hidewire::matching {
namespace {

using Value = rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

Value str(std::string_view s, Alloc& a) { return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

bool is_nhs_identifier(const Value& id) {
  auto sys = id.FindMember("system");
  return id.IsObject() && sys != id.MemberEnd() && sys->value.IsString() && sys->value.GetString() == fhir::kNhsNumberSystem;
}

const char* display_of(std::string_view code) {
  return code == kVerified ? "Number present and verified" : code == kNotTraced ? "Number present but not traced" : "";
}

// The entry's request as the converters write it: PUT url for an upsert, POST + ifNoneExist for
// create-if-absent, a bare POST for a patient with nothing to key by (made an upsert now).
void condition_on(Value& entry, const std::string& query, Alloc& a) {
  if (!entry.HasMember("request") || !entry["request"].IsObject()) entry.AddMember("request", Value(rapidjson::kObjectType), a);
  Value& req = entry["request"];
  auto none = req.FindMember("ifNoneExist");
  if (none != req.MemberEnd()) {
    none->value = str(query, a);
    return;
  }
  req.RemoveMember("method");
  req.RemoveMember("url");
  req.AddMember("method", "PUT", a);
  req.AddMember("url", str("Patient?" + query, a), a);
}

}  // namespace

Value* patient_entry(rapidjson::Document& bundle) {
  if (!bundle.IsObject() || !bundle.HasMember("entry") || !bundle["entry"].IsArray()) return nullptr;
  for (Value& e : bundle["entry"].GetArray()) {
    if (!e.IsObject() || !e.HasMember("resource")) continue;
    Value& r = e["resource"];
    if (r.IsObject() && r.HasMember("resourceType") && r["resourceType"].IsString() && std::string_view(r["resourceType"].GetString()) == "Patient")
      return &e;
  }
  return nullptr;
}

int drop_invalid_nhs_numbers(Value& entry, Alloc& a) {
  Value& patient = entry["resource"];
  if (!patient.HasMember("identifier") || !patient["identifier"].IsArray()) return 0;
  Value& ids = patient["identifier"];
  int dropped = 0;
  for (auto it = ids.Begin(); it != ids.End();) {
    auto v = it->FindMember("value");
    bool valid = v != it->MemberEnd() && v->value.IsString() && fhir::is_valid_nhs_number(v->value.GetString());
    if (is_nhs_identifier(*it) && !valid) {
      it = ids.Erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  if (!dropped) return 0;
  // The request was conditional on the number dropped: on the next identifier now, else a create.
  if (ids.Empty()) {
    patient.RemoveMember("identifier");
    entry.RemoveMember("request");
    Value req(rapidjson::kObjectType);
    req.AddMember("method", "POST", a);
    req.AddMember("url", "Patient", a);
    entry.AddMember("request", req, a);
    return dropped;
  }
  const Value& first = ids[0];
  auto sys = first.FindMember("system"), val = first.FindMember("value");
  if (sys != first.MemberEnd() && val != first.MemberEnd() && sys->value.IsString() && val->value.IsString())
    condition_on(entry, "identifier=" + fhir::build::encode_query_value(sys->value.GetString()) + "|" + fhir::build::encode_query_value(val->value.GetString()), a);
  return dropped;
}

void key_to_nhs_number(Value& entry, const std::string& nhs, std::string_view code, Alloc& a) {
  Value& patient = entry["resource"];
  Value coding(rapidjson::kObjectType), cc(rapidjson::kObjectType), codings(rapidjson::kArrayType);
  coding.AddMember("system", str(fhir::kNhsVerificationStatusSystem, a), a);
  coding.AddMember("code", str(code, a), a);
  coding.AddMember("display", str(display_of(code), a), a);
  codings.PushBack(coding, a);
  cc.AddMember("coding", codings, a);
  Value ext(rapidjson::kObjectType), exts(rapidjson::kArrayType);
  ext.AddMember("url", str(fhir::kNhsVerificationStatusUrl, a), a);
  ext.AddMember("valueCodeableConcept", cc, a);
  exts.PushBack(ext, a);
  Value id(rapidjson::kObjectType);
  id.AddMember("extension", exts, a);
  id.AddMember("system", str(fhir::kNhsNumberSystem, a), a);
  id.AddMember("value", str(nhs, a), a);
  Value ids(rapidjson::kArrayType);
  ids.PushBack(id, a);
  if (patient.HasMember("identifier") && patient["identifier"].IsArray())
    for (Value& old : patient["identifier"].GetArray())
      if (!is_nhs_identifier(old)) ids.PushBack(old, a);
  patient.RemoveMember("identifier");
  patient.AddMember("identifier", ids, a);
  condition_on(entry, "identifier=" + std::string(fhir::kNhsNumberSystem) + "|" + nhs, a);
}

bool add_local_identifier(Value& entry, const std::string& system, const std::string& value, Alloc& a) {
  Value& patient = entry["resource"];
  if (patient.HasMember("identifier") && patient["identifier"].IsArray() && !patient["identifier"].Empty()) return false;
  Value id(rapidjson::kObjectType), ids(rapidjson::kArrayType);
  id.AddMember("system", str(system, a), a);
  id.AddMember("value", str(value, a), a);
  ids.PushBack(id, a);
  patient.RemoveMember("identifier");
  patient.AddMember("identifier", ids, a);
  condition_on(entry, "identifier=" + fhir::build::encode_query_value(system) + "|" + fhir::build::encode_query_value(value), a);
  return true;
}

}  // namespace hidewire::matching
