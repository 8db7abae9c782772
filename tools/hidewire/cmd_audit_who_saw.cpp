// hidewire audit who-saw --nhs N: every access to one patient's record in this node's audit log
// (when, who, organisation, role, what was done to what, why, the outcome, break-glass reasons),
// as text or as a FHIR searchset Bundle of the AuditEvents (the GP practice's export). Only of a
// log that verifies.
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "audit/access_line.hpp"
#include "fhir/nhs_number.hpp"
#include "plugins/audit/sqlite/log_reader.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

std::string audit_key_path(std::map<std::string, std::string>& o);

int run_audit_who_saw(std::map<std::string, std::string>& o) {
  if (!o.count("nhs") || !o.count("db")) {
    std::cerr << "hidewire audit who-saw: needs --nhs NUMBER and --db FILE\n";
    return kUsage;
  }
  std::string format = o.count("format") ? o["format"] : "text";
  if (format != "text" && format != "json") {
    std::cerr << "hidewire audit who-saw: --format is text or json\n";
    return kUsage;
  }
  const std::string& nhs = o["nhs"];
  if (!fhir::is_valid_nhs_number(nhs)) {
    std::cerr << "hidewire audit who-saw: '" << nhs << "' is not a valid NHS number\n";
    return kUsage;
  }
  // The list is read through the indexed columns, which the leaf hashes do not cover: the whole
  // log is verified first (those columns too), and an altered log gives no list at all.
  std::string key_path = audit_key_path(o);
  if (!std::filesystem::exists(key_path)) {
    std::cerr << "hidewire audit who-saw: no public key to verify the log with: " << key_path << " does not exist (give --public-key PEM)\n";
    return kUsage;
  }
  plugins::AuditLogReader reader(o["db"]);
  audit::VerifyResult verified = reader.verify(audit::PublicKey::load(key_path));
  if (!verified.ok) {
    std::cout << "who-saw REFUSED: audit log " << o["db"] << " FAILED verification: " << verified.message << "\n";
    return kInvalid;
  }
  std::vector<node::AuditRecord> records = reader.by_patient(nhs);
  if (format == "json") {
    std::string out = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":" + std::to_string(records.size());
    if (!records.empty()) {
      out += ",\"entry\":[";
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (i) out += ',';
        out += "{\"resource\":" + records[i].event_json + ",\"search\":{\"mode\":\"match\"}}";
      }
      out += ']';
    }
    std::cout << out << "}\n";
    return kOk;
  }
  std::cout << records.size() << " access" << (records.size() == 1 ? "" : "es") << " to the record of NHS number " << nhs << "\n";
  for (const node::AuditRecord& r : records) {
    audit::AccessLine l = audit::describe_access(r.event_json);
    std::cout << l.when << "  " << (l.who.empty() ? "(unnamed)" : l.who);
    if (!l.role.empty()) std::cout << " [role " << l.role << "]";
    std::cout << "  organisation " << (l.organisation.empty() ? "(none)" : l.organisation) << "  " << l.action;
    if (!l.what.empty()) std::cout << " " << l.what;
    if (!l.why.empty()) std::cout << "  purpose " << l.why;
    std::cout << "  " << l.outcome;
    if (!l.break_glass.empty()) std::cout << "  BREAK-GLASS: " << l.break_glass;
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace hidewire::cli
