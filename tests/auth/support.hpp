// Keys and tokens the auth tests make for themselves: ES256 and RS256 key pairs written once to a
// private temporary directory, and a claims builder starting from a valid GP Connect audit JWT.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <string>

#include "auth/jwt.hpp"

namespace hw_auth_test {

inline const std::string& key_dir() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("hidewire-auth-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    for (const char* name : {"ambulance", "emis", "other"}) hidewire::auth::generate_key_pair("ES256", (d / name).string());
    for (const char* name : {"acute", "login"}) hidewire::auth::generate_key_pair("RS256", (d / name).string());
    return d.string();
  }();
  return dir;
}
inline std::string pub(const std::string& name) { return key_dir() + "/" + name + ".pub"; }
inline hidewire::auth::Key priv(const std::string& name) { return hidewire::auth::load_key(key_dir() + "/" + name + ".key"); }

inline long long now() { return static_cast<long long>(std::time(nullptr)); }
inline std::string fresh_jti() {
  static std::atomic<int> n{0};
  return "jti-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

// A valid audit JWT's claims for `aud`, from organisation `ods`; tests edit the document.
struct Claims {
  rapidjson::Document d;
  Claims(const std::string& iss, const std::string& aud, const std::string& ods) {
    d.Parse(R"({"sub": "555254242106", "reason_for_request": "directcare", "requested_scope": "patient/*.read",
      "requesting_organization": {"resourceType": "Organization", "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": ""}]},
      "requesting_practitioner": {"resourceType": "Practitioner", "id": "G1234567", "identifier": [
        {"system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "G1234567"},
        {"system": "https://fhir.nhs.uk/Id/sds-role-profile-id", "value": "555254242106"},
        {"system": "https://fhir.nhs.uk/Id/sds-job-role-name", "value": "R8000"}],
        "name": [{"family": "Okafor", "given": ["Chidi"], "prefix": ["Dr"]}]}})");
    auto& a = d.GetAllocator();
    d["requesting_organization"]["identifier"][0]["value"].SetString(ods.c_str(), a);
    set("iss", iss).set("aud", aud).set("jti", fresh_jti());
    set_int("iat", now()).set_int("exp", now() + 300);
  }
  Claims& set(const char* k, const std::string& v) {
    d.RemoveMember(k);
    d.AddMember(rapidjson::Value(k, d.GetAllocator()), rapidjson::Value(v.c_str(), d.GetAllocator()), d.GetAllocator());
    return *this;
  }
  Claims& set_int(const char* k, long long v) {
    d.RemoveMember(k);
    d.AddMember(rapidjson::Value(k, d.GetAllocator()), rapidjson::Value(static_cast<int64_t>(v)), d.GetAllocator());
    return *this;
  }
  Claims& set_json(const char* k, const char* json) {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(json);
    d.RemoveMember(k);
    d.AddMember(rapidjson::Value(k, d.GetAllocator()), rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
    return *this;
  }
  Claims& drop(const char* k) {
    d.RemoveMember(k);
    return *this;
  }
  std::string json() const {
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    d.Accept(w);
    return b.GetString();
  }
  std::string signed_with(const std::string& key_name) const {
    auto k = priv(key_name);
    return hidewire::auth::sign_jwt(json(), &k);
  }
  std::string unsigned_token() const { return hidewire::auth::sign_jwt(json(), nullptr); }
};

}  // namespace hw_auth_test
