// Each provision of a privacy Consent (and each nested one) becomes at most one rule per what it
// says: deny with a data class -> Restriction; deny without one -> Dissent; permit naming people
// -> ProxyGrant (one per person); permit naming organisations or roles -> PointOfCare. A nested
// provision inherits its parent's period unless it has its own.
#include "auth/consent_rules.hpp"

namespace hidewire::auth {
namespace {

using json::Json;
using Kind = node::ConsentRule::Kind;

struct Actors {
  std::vector<std::string> orgs, roles, people;
  bool any() const { return !orgs.empty() || !roles.empty() || !people.empty(); }
};

Actors actors_of(const Json& provision, const ResolveActor& resolve) {
  Actors a;
  json::each(json::member(provision, "actor"), [&](const Json& actor) {
    const Json* ref = json::member(actor, "reference");
    if (!ref) return;
    ActorRef r = resolve(*ref);
    if (!r.ods.empty()) a.orgs.push_back(r.ods);
    if (!r.nhs_number.empty()) a.people.push_back(r.nhs_number);
    if (!r.role.empty()) a.roles.push_back(r.role);
  });
  return a;
}

struct Walk {
  const ResolveActor& resolve;
  const std::string& id;
  bool by_patient;
  std::vector<node::ConsentRule> out;

  void provision(const Json& p, std::string start, std::string end) {
    if (const Json* period = json::member(p, "period")) {
      start = json::text(*period, "start");
      end = json::text(*period, "end");
    }
    std::string_view type = json::text(p, "type");
    node::ConsentRule r;
    r.id = id;
    r.start = start;
    r.end = end;
    r.recorded_by_patient = by_patient;
    json::each(json::member(p, "class"), [&](const Json& c) {
      std::string_view system = json::text(c, "system"), code = json::text(c, "code");
      if (code.empty()) return;
      (system == kResourceTypes ? r.resource_types : r.categories).emplace_back(code);
    });
    json::each_coding(json::member(p, "code"), [&](std::string_view, std::string_view code) {
      if (!code.empty()) r.categories.emplace_back(code);
    });
    json::each(json::member(p, "securityLabel"), [&](const Json& c) {
      if (std::string_view code = json::text(c, "code"); !code.empty()) r.security_labels.emplace_back(code);
    });
    Actors a = actors_of(p, resolve);
    bool data_class = !r.resource_types.empty() || !r.categories.empty() || !r.security_labels.empty();
    if (type == "deny") {
      // Actors named but none understood: the deny applies to everyone (refuse rather than share).
      r.actor_orgs = a.orgs;
      r.actor_roles = a.roles;
      r.actor_people = a.people;
      r.kind = data_class ? Kind::Restriction : Kind::Dissent;
      out.push_back(r);
    } else if (type == "permit" && a.any()) {
      // A permit only ever names whom it admits: unresolved actors admit no one.
      if (!a.orgs.empty() || !a.roles.empty()) {
        node::ConsentRule poc = r;
        poc.kind = Kind::PointOfCare;
        poc.actor_orgs = a.orgs;
        poc.actor_roles = a.roles;
        out.push_back(poc);
      }
      for (const std::string& person : a.people) {
        node::ConsentRule g = r;
        g.kind = Kind::ProxyGrant;
        g.proxy_nhs_number = person;
        g.actor_people = {person};
        out.push_back(g);
      }
    }
    json::each(json::member(p, "provision"), [&](const Json& nested) { provision(nested, start, end); });
  }
};

bool is_national_opt_out(const Json& c) {
  return json::has_coding(json::member(c, "policyRule"), kConsentPolicy, "national-data-opt-out") ||
         json::has_coding(json::member(c, "category"), kConsentPolicy, "national-data-opt-out");
}

}  // namespace

std::vector<node::ConsentRule> consent_rules(const Json& c, const std::string& patient_ref, const ResolveActor& resolve) {
  if (json::text(c, "status") != "active") return {};
  std::string id(json::text(c, "id"));
  // Recorded by the patient when no performer is named, or the patient is one of them.
  bool by_patient = true;
  if (const Json* performers = json::member(c, "performer")) {
    by_patient = false;
    json::each(performers, [&](const Json& p) { by_patient = by_patient || json::text(p, "reference") == patient_ref; });
  }
  const Json* provision = json::member(c, "provision");
  if (is_national_opt_out(c)) {
    node::ConsentRule r;
    r.kind = Kind::NationalOptOut;
    r.id = id;
    r.recorded_by_patient = by_patient;
    if (const Json* period = provision ? json::member(*provision, "period") : nullptr) {
      r.start = json::text(*period, "start");
      r.end = json::text(*period, "end");
    }
    return {r};
  }
  if (!json::has_coding(json::member(c, "scope"), kConsentScope, "patient-privacy") || !provision) return {};
  Walk w{resolve, id, by_patient, {}};
  w.provision(*provision, {}, {});
  return std::move(w.out);
}

}  // namespace hidewire::auth
