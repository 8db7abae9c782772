// hidewire token: the node's tokens for tests and local systems. keygen makes an ES256 or RS256
// key pair, make signs a JWT shaped as GP Connect's cross-organisation audit JWT (or an
// identity provider's patient token with --nhs-number), inspect decodes one and checks its
// signature, secret makes a bearer token and the token_sha256 line the config keeps instead.
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "auth/claims.hpp"
#include "auth/jwt.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

int usage(const std::string& why) {
  std::cerr << "hidewire token: " << why << "\n"
            << "usage: hidewire token keygen --alg ES256|RS256 --out PREFIX\n"
               "       hidewire token make (--key PEM [--alg ES256|RS256] | --unsigned) --iss I --aud A [--sub S] [--org ODS]\n"
               "           [--practitioner-id ID --practitioner-name \"Given Family\" --sds-role R8000] [--purpose directcare|emergency|...]\n"
               "           [--scope patient/*.read] [--ttl SECONDS] [--iat EPOCH] [--jti ID] [--nhs-number N] [--claim NAME=VALUE ...]\n"
               "           [--break-glass REASON]\n"
               "       hidewire token inspect TOKEN|- [--key PEM]\n"
               "       hidewire token secret\n";
  return kUsage;
}

std::optional<long long> integer(std::string_view s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoll(std::string(s));
}

void identifier(Writer& w, const char* system, const std::string& value) {
  w.StartObject();
  w.Key("system"), w.String(system);
  w.Key("value"), w.String(value);
  w.EndObject();
}

struct MakeOptions {
  std::string key, alg, iss, aud, sub, org, practitioner_id, practitioner_name, sds_role, purpose, scope, jti, nhs_number, break_glass;
  long long ttl = 300;
  std::optional<long long> iat;
  bool unsigned_token = false;
  std::vector<std::pair<std::string, std::string>> claims;
};

std::string claims_json(const MakeOptions& o) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  long long iat = o.iat ? *o.iat : static_cast<long long>(std::time(nullptr));
  w.StartObject();
  w.Key("iss"), w.String(o.iss);
  w.Key("sub"), w.String(!o.sub.empty() ? o.sub : !o.practitioner_id.empty() ? o.practitioner_id : o.iss);
  w.Key("aud"), w.String(o.aud);
  w.Key("iat"), w.Int64(iat);
  w.Key("exp"), w.Int64(iat + o.ttl);
  w.Key("jti"), w.String(o.jti.empty() ? auth::random_uuid() : o.jti);
  if (!o.purpose.empty()) w.Key("reason_for_request"), w.String(o.purpose);
  if (!o.scope.empty()) w.Key("requested_scope"), w.String(o.scope);
  if (!o.org.empty()) {
    w.Key("requesting_organization"), w.StartObject();
    w.Key("resourceType"), w.String("Organization");
    w.Key("identifier"), w.StartArray(), identifier(w, auth::kOdsSystem, o.org), w.EndArray();
    w.EndObject();
  }
  if (!o.practitioner_id.empty()) {
    w.Key("requesting_practitioner"), w.StartObject();
    w.Key("resourceType"), w.String("Practitioner");
    w.Key("id"), w.String(o.practitioner_id);
    w.Key("identifier"), w.StartArray();
    identifier(w, auth::kSdsUserSystem, o.practitioner_id);
    if (!o.sds_role.empty()) identifier(w, auth::kSdsJobRoleSystem, o.sds_role);
    w.EndArray();
    if (!o.practitioner_name.empty()) {
      // "Given Family": the last word is the family name.
      std::size_t sp = o.practitioner_name.rfind(' ');
      w.Key("name"), w.StartArray(), w.StartObject();
      w.Key("family"), w.String(sp == std::string::npos ? o.practitioner_name : o.practitioner_name.substr(sp + 1));
      if (sp != std::string::npos) w.Key("given"), w.StartArray(), w.String(o.practitioner_name.substr(0, sp)), w.EndArray();
      w.EndObject(), w.EndArray();
    }
    w.EndObject();
    w.Key("requesting_device"), w.StartObject();
    w.Key("resourceType"), w.String("Device");
    w.Key("model"), w.String("hidewire token");
    w.Key("version"), w.String("0.1.0");
    w.EndObject();
  }
  if (!o.nhs_number.empty()) w.Key("nhs_number"), w.String(o.nhs_number);
  if (!o.break_glass.empty()) w.Key("break_glass_reason"), w.String(o.break_glass);
  for (const auto& [name, value] : o.claims) w.Key(name.c_str()), w.String(value);
  w.EndObject();
  return buf.GetString();
}

int make(const Args& a) {
  MakeOptions o;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view k = a[i];
    bool has_value = i + 1 < a.size();
    auto take = [&](std::string& out) { out = std::string(a[++i]); };
    if (k == "--unsigned") o.unsigned_token = true;
    else if (!has_value) return usage("'" + std::string(k) + "' needs a value or is unknown");
    else if (k == "--key") take(o.key);
    else if (k == "--alg") take(o.alg);
    else if (k == "--iss") take(o.iss);
    else if (k == "--aud") take(o.aud);
    else if (k == "--sub") take(o.sub);
    else if (k == "--org") take(o.org);
    else if (k == "--practitioner-id") take(o.practitioner_id);
    else if (k == "--practitioner-name") take(o.practitioner_name);
    else if (k == "--sds-role") take(o.sds_role);
    else if (k == "--purpose") take(o.purpose);
    else if (k == "--scope") take(o.scope);
    else if (k == "--jti") take(o.jti);
    else if (k == "--nhs-number") take(o.nhs_number);
    else if (k == "--break-glass") take(o.break_glass);
    else if (k == "--ttl" || k == "--iat") {
      auto v = integer(a[++i]);
      if (!v) return usage(std::string(k) + " takes a whole number of seconds");
      (k == "--ttl" ? o.ttl : o.iat.emplace()) = *v;
    } else if (k == "--claim") {
      std::string c(a[++i]);
      std::size_t eq = c.find('=');
      if (eq == 0 || eq == std::string::npos) return usage("--claim takes NAME=VALUE");
      static const std::vector<std::string> kWritten = {"iss", "sub", "aud", "iat", "exp", "jti", "reason_for_request", "requested_scope",
                                                        "requesting_organization", "requesting_practitioner", "requesting_device",
                                                        "nhs_number", "break_glass_reason"};
      for (const std::string& n : kWritten)
        if (c.substr(0, eq) == n) return usage("--claim " + n + ": set it with its own option");
      o.claims.emplace_back(c.substr(0, eq), c.substr(eq + 1));
    } else {
      return usage("unknown argument '" + std::string(k) + "'");
    }
  }
  if (o.iss.empty() || o.aud.empty()) return usage("make needs --iss and --aud");
  if (o.unsigned_token == !o.key.empty()) return usage("make needs --key PEM (a private key) or --unsigned");
  if (!o.alg.empty() && o.alg != "ES256" && o.alg != "RS256") return usage("--alg must be ES256 or RS256");
  if (o.practitioner_id.empty() && (!o.practitioner_name.empty() || !o.sds_role.empty()))
    return usage("--practitioner-name and --sds-role need --practitioner-id");
  std::optional<auth::Key> key;
  try {
    if (!o.key.empty()) key = auth::load_key(o.key);
  } catch (const std::exception& e) {
    std::cerr << "hidewire token: " << e.what() << "\n";
    return kUnreadable;
  }
  if (key && !o.alg.empty() && key->alg != o.alg) return usage(o.key + " is a " + key->alg + " key, not " + o.alg);
  if (key && !key->is_private) return usage(o.key + " is a public key: make signs with the private one (PREFIX.key)");
  std::cout << auth::sign_jwt(claims_json(o), key ? &*key : nullptr) << "\n";
  return kOk;
}

void pretty_into(rapidjson::PrettyWriter<rapidjson::StringBuffer>& w, const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  d.Accept(w);
}

int inspect(const Args& a) {
  std::string input, key_file;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--key" && i + 1 < a.size()) key_file = a[++i];
    else if (input.empty() && (a[i] == "-" || a[i].substr(0, 2) != "--")) input = a[i];
    else return usage("unknown argument '" + std::string(a[i]) + "'");
  }
  if (input.empty()) return usage("inspect needs a TOKEN, or - to read it from standard input");
  std::string token = input;
  if (input == "-") {
    std::string error;
    auto text = read_input("-", 1u << 20, error);
    if (!text) {
      std::cerr << "hidewire token: " << error << "\n";
      return kUnreadable;
    }
    token = *text;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  std::string error;
  auto jwt = auth::parse_jwt(token, error);
  if (!jwt) {
    std::cerr << "hidewire token: " << error << "\n";
    return kInvalid;
  }
  std::optional<bool> verified;
  if (!key_file.empty()) {
    try {
      verified = auth::verify_jwt(token, auth::load_key(key_file));
    } catch (const std::exception& e) {
      std::cerr << "hidewire token: " << e.what() << "\n";
      return kUnreadable;
    }
  }
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("header"), pretty_into(w, jwt->header_json);
  w.Key("claims"), pretty_into(w, jwt->claims_json);
  w.Key("signature");
  w.String(jwt->empty_signature ? "none" : !verified ? "not checked (no --key)" : *verified ? "verified" : "does not verify");
  w.EndObject();
  std::cout << buf.GetString() << "\n";
  if (verified && !*verified) {
    std::cerr << "hidewire token: the signature does not verify with " << key_file << "\n";
    return kInvalid;
  }
  return kOk;
}

int keygen(const Args& a) {
  std::string alg, out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--alg" && i + 1 < a.size()) alg = a[++i];
    else if (a[i] == "--out" && i + 1 < a.size()) out = a[++i];
    else return usage("unknown argument '" + std::string(a[i]) + "'");
  }
  if ((alg != "ES256" && alg != "RS256") || out.empty()) return usage("keygen needs --alg ES256|RS256 and --out PREFIX");
  try {
    auth::generate_key_pair(alg, out);
  } catch (const std::exception& e) {
    std::cerr << "hidewire token: " << e.what() << "\n";
    return kUnreadable;
  }
  std::cout << out << ".key (private, 0600)\n" << out << ".pub (public: for jwt_keys / keys in the config)\n";
  return kOk;
}

}  // namespace

int run_token(const Args& args) {
  if (args.empty()) return usage("a subcommand is needed");
  Args rest(args.begin() + 1, args.end());
  if (args[0] == "make") return make(rest);
  if (args[0] == "inspect") return inspect(rest);
  if (args[0] == "keygen") return keygen(rest);
  if (args[0] == "secret") {
    if (!rest.empty()) return usage("secret takes no arguments");
    std::string secret = auth::random_token(32);
    std::cout << "token: " << secret << "\ntoken_sha256: " << auth::sha256_hex(secret) << "\n";
    return kOk;
  }
  return usage("unknown subcommand '" + std::string(args[0]) + "'");
}

}  // namespace hidewire::cli
