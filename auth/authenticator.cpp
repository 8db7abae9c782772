#include "auth/authenticator.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "auth/claims.hpp"
#include "auth/jwt.hpp"
#include "auth/replay_cache.hpp"
#include "auth/request_id.hpp"
#include "fhir/nhs_number.hpp"

namespace hidewire::auth {
namespace {

using node::AuthOutcome;
using node::Caller;

AuthOutcome refuse(int status, const char* code, std::string message) {
  AuthOutcome o;
  o.status = status;
  o.code = code;
  o.message = std::move(message);
  return o;
}
AuthOutcome unauthorised(std::string message) { return refuse(401, "security", std::move(message)); }
AuthOutcome forbidden(std::string message) { return refuse(403, "forbidden", std::move(message)); }

std::string utc(long long epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An SDS job role code (R8000): only such a code joins the caller's roles, so a token cannot
// name itself into a role the config grants (admin, viewer, clinical).
bool is_sds_job_role(const std::string& r) {
  if (r.size() < 5 || r.size() > 6 || r[0] != 'R') return false;
  return std::all_of(r.begin() + 1, r.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<Key> load_keys(const std::vector<std::string>& files) {
  std::vector<Key> keys;
  for (const std::string& f : files) {
    keys.push_back(load_key(f));
    if (keys.back().is_private) throw std::runtime_error(f + ": a private key where a public key belongs");
  }
  return keys;
}

}  // namespace

struct Authenticator::Impl {
  node::AuthConfig cfg;
  std::vector<std::vector<Key>> peer_keys, system_keys, idp_keys;  // by index into cfg's lists
  ReplayCache replay;

  // The verified facts of the credential a request came with.
  struct Cred {
    const node::PeerAuth* peer = nullptr;
    const node::SystemAuth* system = nullptr;
    const node::IdentityProvider* idp = nullptr;
    std::string describe() const {
      if (peer) return "peer " + peer->ods_code;
      if (system) return "system " + system->name;
      if (idp) return "identity provider " + idp->issuer;
      return "no credential";
    }
    std::string ods(const node::AuthConfig& c) const {
      if (peer) return peer->ods_code;
      if (system) return system->ods_code.empty() ? c.node_ods : system->ods_code;
      return {};
    }
  };

  const node::SystemAuth* system_named(const std::string& name) const {
    for (const auto& s : cfg.systems)
      if (s.name == name) return &s;
    return nullptr;
  }

  Caller caller_of(const Cred& cr) const {
    Caller c;
    if (cr.peer) {
      c.kind = Caller::Kind::Peer;
      c.id = c.ods_code = cr.peer->ods_code;
      c.org_kind = cr.peer->kind;
      c.roles = cr.peer->roles;
      c.write_types = cr.peer->write_types;
    } else if (cr.system) {
      c.kind = Caller::Kind::System;
      c.id = cr.system->name;
      c.ods_code = cr.ods(cfg);
      c.org_kind = cr.system->kind.empty() ? cfg.node_kind : cr.system->kind;
      c.roles = cr.system->roles;
      c.write_types = cr.system->write_types;
      c.facilities = cr.system->facilities;
    } else if (cr.idp) {
      c.kind = Caller::Kind::Patient;
      c.id = cr.idp->issuer;
      c.purpose = "patient-access";
    }
    return c;
  }

  const std::vector<Key>& keys_of(const Cred& cr) const {
    if (cr.peer) return peer_keys[static_cast<std::size_t>(cr.peer - cfg.peers.data())];
    if (cr.system) return system_keys[static_cast<std::size_t>(cr.system - cfg.systems.data())];
    return idp_keys[static_cast<std::size_t>(cr.idp - cfg.identity_providers.data())];
  }

  AuthOutcome from_jwt(const std::string& token, Cred cr, bool mtls);
};

AuthOutcome Authenticator::Impl::from_jwt(const std::string& token, Cred cr, bool mtls) {
  std::string err;
  auto jwt = parse_jwt(token, err);
  if (!jwt) return unauthorised("bearer token refused: " + err);
  Claims cl = read_claims(jwt->claims_json);
  if (cl.bad_types) return unauthorised("JWT refused: a registered claim (iss, sub, aud, iat, exp, jti) has the wrong JSON type");
  if (cl.iss.empty()) return unauthorised("JWT refused: no iss");
  if (!cr.peer && !cr.system) {  // no certificate: the issuer names the credential
    cr.system = system_named(cl.iss);
    if (!cr.system)
      for (const auto& p : cfg.identity_providers)
        if (p.issuer == cl.iss) cr.idp = &p;
    if (!cr.system && !cr.idp) return unauthorised("JWT refused: its issuer is neither a system in systems[] nor an identity provider");
  }
  bool unsigned_token = false;
  if (jwt->alg == "none") {
    // GP Connect consumers may send the audit JWT unsigned: trusted only because mutual TLS named the peer.
    if (!(mtls && cr.peer && cr.peer->gpconnect_consumer && jwt->empty_signature))
      return unauthorised("JWT refused: unsigned (alg none is taken only from a GP Connect consumer in peers[], over mutual TLS)");
    unsigned_token = true;
  } else if (jwt->alg != "ES256" && jwt->alg != "RS256") {
    return unauthorised("JWT refused: algorithm '" + jwt->alg + "' (ES256 or RS256 only)");
  } else {
    const auto& keys = keys_of(cr);
    if (keys.empty()) return unauthorised("JWT refused: no keys configured for " + cr.describe());
    if (std::none_of(keys.begin(), keys.end(), [&](const Key& k) { return verify_jwt(token, k); }))
      return unauthorised("JWT refused: its signature does not verify with the keys of " + cr.describe());
  }
  if (!cl.exp) return unauthorised("JWT refused: no exp");
  if (!cl.iat) return unauthorised("JWT refused: no iat");
  if (cl.aud.empty()) return unauthorised("JWT refused: no aud");
  std::vector<std::string> audiences{cfg.audience};
  if (cr.idp && !cr.idp->audience.empty()) audiences.push_back(cr.idp->audience);
  if (std::none_of(cl.aud.begin(), cl.aud.end(), [&](const std::string& a) { return std::find(audiences.begin(), audiences.end(), a) != audiences.end(); }))
    return unauthorised("JWT refused: its audience is not this node (" + cfg.audience + ")");
  long long now = static_cast<long long>(std::time(nullptr)), skew = cfg.clock_skew_s;
  if (*cl.exp + skew < now) return refuse(401, "expired", "JWT refused: expired at " + utc(*cl.exp));
  if (*cl.iat > now + skew) return unauthorised("JWT refused: issued in the future (" + utc(*cl.iat) + ")");
  if (*cl.exp < *cl.iat) return unauthorised("JWT refused: exp before iat");
  if (*cl.exp - *cl.iat > cfg.max_token_lifetime_s)
    return unauthorised("JWT refused: lifetime " + std::to_string(*cl.exp - *cl.iat) + " s, at most " + std::to_string(cfg.max_token_lifetime_s) + " s");
  if (cl.jti.empty()) return unauthorised("JWT refused: no jti");
  // GP Connect requires requesting_organization; without it the token could speak for any
  // organisation, so it is refused rather than left uncompared with the credential's.
  if (!cr.idp && cl.org_ods.empty())
    return forbidden("JWT refused: no requesting_organization (the ODS code of " + cr.describe() + ", " + cr.ods(cfg) + ")");
  if (!cr.idp && cl.org_ods != cr.ods(cfg))
    return forbidden("JWT refused: requesting_organization " + cl.org_ods + " is not the organisation of " + cr.describe() + " (" + cr.ods(cfg) + ")");
  if (!cl.purpose_raw.empty() && cl.purpose.empty()) return unauthorised("JWT refused: unknown purpose of use '" + cl.purpose_raw + "'");
  std::string nhs;
  if (cr.idp) {
    nhs = fhir::normalise_nhs_number(string_claim(jwt->claims_json, cr.idp->nhs_number_claim));
    if (!fhir::is_valid_nhs_number(nhs)) return unauthorised("JWT refused: its " + cr.idp->nhs_number_claim + " claim is not a valid NHS number");
  }
  if (!replay.first_use(cl.iss, cl.jti, *cl.exp + skew, now)) return unauthorised("JWT refused: its jti was already used");

  AuthOutcome o;
  o.ok = true;
  Caller& c = o.caller;
  c = caller_of(cr);
  c.token_id = cl.jti;
  c.unsigned_token = unsigned_token;
  if (cr.idp) {
    c.nhs_number = nhs;
    return o;
  }
  c.purpose = cl.purpose;
  c.scope = cl.scope;
  c.break_glass_reason = cl.break_glass_reason;
  if (cl.has_practitioner) {
    c.person_present = true;
    c.person.id = cl.practitioner_id.empty() ? cl.sub : cl.practitioner_id;
    c.person.name = cl.practitioner_name;
    c.person.sds_role = cl.sds_role;
    if (is_sds_job_role(cl.sds_role) && !c.has_role(cl.sds_role)) c.roles.push_back(cl.sds_role);
  }
  return o;
}

Authenticator::Authenticator(const node::AuthConfig& cfg) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = cfg;
  for (auto& s : impl_->cfg.systems) s.token_sha256 = lower(s.token_sha256);
  for (const auto& p : cfg.peers) impl_->peer_keys.push_back(load_keys(p.jwt_keys));
  for (const auto& s : cfg.systems) impl_->system_keys.push_back(load_keys(s.jwt_keys));
  for (const auto& p : cfg.identity_providers) impl_->idp_keys.push_back(load_keys(p.keys));
}

Authenticator::~Authenticator() = default;

const node::AuthConfig& Authenticator::config() const { return impl_->cfg; }

void Authenticator::remember_token_ids(const std::vector<std::string>& ids) {
  // The audit keeps the jti only: refuse it from any issuer for the longest life a token can have.
  long long until = static_cast<long long>(std::time(nullptr)) + impl_->cfg.max_token_lifetime_s + 2LL * impl_->cfg.clock_skew_s;
  for (const std::string& id : ids)
    if (!id.empty()) impl_->replay.remember(id, until);
}

AuthOutcome Authenticator::authenticate(const node::Credentials& in) {
  const auto& cfg = impl_->cfg;
  Impl::Cred cr;
  if (in.client_cert) {
    for (const auto& p : cfg.peers)
      if (!in.cert_ods.empty() && p.ods_code == in.cert_ods) cr.peer = &p;
    // A system by its certificate's CN, unless the certificate names another organisation: a CA
    // shared by a health community would otherwise let any member's certificate with that CN in.
    if (!cr.peer)
      for (const auto& s : cfg.systems)
        if (!in.cert_cn.empty() && s.cert_cn == in.cert_cn &&
            (in.cert_ods.empty() || in.cert_ods == (s.ods_code.empty() ? cfg.node_ods : s.ods_code)))
          cr.system = &s;
    // Under the development setting an unknown certificate is served as anonymous (a test CA's
    // certificates without ODS codes); otherwise it is refused.
    if (!cr.peer && !cr.system && !cfg.allow_anonymous)
      return forbidden("client certificate of an organisation not in peers[] (ODS code " + (in.cert_ods.empty() ? std::string("none") : in.cert_ods) +
                       ") nor a system in systems[]");
  }
  AuthOutcome o;
  if (!in.authorization.empty()) {
    std::string_view h = in.authorization;
    if (h.size() < 7 || lower(std::string(h.substr(0, 7))) != "bearer ") return unauthorised("Authorization refused: only Bearer tokens are taken");
    h.remove_prefix(7);
    while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
    while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.remove_suffix(1);
    std::string token(h);
    if (token.empty()) return unauthorised("Authorization refused: empty bearer token");
    if (std::count(token.begin(), token.end(), '.') == 2) {
      o = impl_->from_jwt(token, cr, in.client_cert);
    } else {
      std::string hash = sha256_hex(token);
      const node::SystemAuth* match = nullptr;
      for (const auto& s : cfg.systems)  // every entry compared, in constant time each: no early exit
        if (s.token_sha256.size() == hash.size() && CRYPTO_memcmp(s.token_sha256.data(), hash.data(), hash.size()) == 0 && !match) match = &s;
      if (!match) return unauthorised("bearer token refused: not the token of any system in systems[]");
      if (cr.peer || (cr.system && cr.system != match))
        return forbidden("the bearer token (system " + match->name + ") and the client certificate (" + cr.describe() + ") name different credentials");
      cr.peer = nullptr;
      cr.system = match;
      o.ok = true;
      o.caller = impl_->caller_of(cr);
    }
    if (!o.ok) return o;
  } else if (cr.peer || cr.system) {
    o.ok = true;
    o.caller = impl_->caller_of(cr);
  } else if (cfg.allow_anonymous) {
    o.ok = true;
    o.caller.kind = Caller::Kind::Anonymous;
    o.caller.ods_code = cfg.node_ods;
    o.caller.org_kind = cfg.node_kind;
    o.caller.roles = {"admin", "viewer", "clinical"};
    o.caller.write_types = {"*"};
  } else {
    return refuse(401, "login", "authentication required: a client certificate or a bearer token" + (in.listener.empty() ? "" : " (" + in.listener + ")"));
  }
  o.caller.address = in.address;
  o.caller.request_id = safe_request_id(in.request_id);
  if (o.caller.request_id.empty()) o.caller.request_id = random_uuid();
  return o;
}

AuthOutcome Authenticator::system(const std::string& name, const std::string& address) {
  Impl::Cred cr;
  cr.system = impl_->system_named(name);
  if (!cr.system) return forbidden("no system '" + name + "' in systems[]");
  AuthOutcome o;
  o.ok = true;
  o.caller = impl_->caller_of(cr);
  o.caller.address = address;
  o.caller.request_id = random_uuid();
  return o;
}

}  // namespace hidewire::auth
