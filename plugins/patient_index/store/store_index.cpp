#include "plugins/patient_index/store/store_index.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "plugins/common/sqlite.hpp"

namespace hidewire::plugins::store_index {
namespace {

// Its own connection to the store's file (WAL: it reads beside the store's writer, never waits
// for it). A Patient written behind the ACK of the message before may not be there yet.
class StorePatientIndex final : public matching::PatientIndex {
 public:
  StorePatientIndex(const std::string& path, std::size_t max) : max_(static_cast<std::int64_t>(max)) {
    db_ = sqlite::open_private(path, "patient index");
    sqlite3_busy_timeout(db_, 5000);
    stmts_ = std::make_unique<sqlite::StmtCache>(db_);
    // Read through a memory map: a large index's pages are read without a copy per page.
    sqlite::exec(db_, "PRAGMA mmap_size = 1073741824;");
    // The store keeps bodies in `history` (made by the store, which starts first): indexed for
    // these blocking keys; `resources` says which version is current.
    sqlite::exec(db_,
                 "CREATE INDEX IF NOT EXISTS patients_by_birth_date ON history(json_extract(json, '$.birthDate')) WHERE type = 'Patient';"
                 "CREATE INDEX IF NOT EXISTS patients_by_postcode ON history(json_extract(json, '$.address[0].postalCode')) WHERE type = 'Patient';");
  }
  ~StorePatientIndex() override {
    stmts_.reset();
    sqlite3_close(db_);
  }

  // Blocked by date of birth (as given or transposed), and by postcode (a mistyped year); INDEXED
  // BY: without it the planner walks every Patient in id order for the ORDER BY (a scan per trace).
  std::vector<matching::Candidate> candidates(const matching::Demographics& q) const override {
    std::vector<matching::Candidate> out;
    std::lock_guard lock(mu_);
    try {
      if (!q.birth_date.empty()) {
        std::string transposed = matching::transposed_birth_date(q.birth_date);
        sqlite::Stmt s(*stmts_,
                       "SELECT h.id, h.json FROM history h INDEXED BY patients_by_birth_date"
                       " JOIN resources r ON r.type = h.type AND r.id = h.id AND r.version = h.version"
                       " WHERE h.type = 'Patient' AND r.deleted = 0 AND json_extract(h.json, '$.birthDate') IN (?1, ?2) ORDER BY h.id LIMIT ?3");
        s.bind(1, q.birth_date).bind(2, transposed.empty() ? q.birth_date : transposed).bind(3, max_ + 1);
        read(s, out);
        // Scoring some of them could miss the one that makes the match ambiguous (a twin): held instead.
        if (out.size() > static_cast<std::size_t>(max_))
          throw matching::IndexUnavailable("more than " + std::to_string(max_) + " people share the date of birth (max_candidates)");
      }
      if (!q.postcode.empty()) by_postcode(q.postcode, out);
    } catch (const matching::IndexUnavailable&) {
      throw;
    } catch (const std::exception& e) {
      throw matching::IndexUnavailable(std::string("the store could not be read: ") + e.what());
    }
    return out;
  }
  std::vector<matching::Candidate> by_identifier(const std::string& system, const std::string& value) const override {
    std::vector<matching::Candidate> out;
    std::lock_guard lock(mu_);
    try {
      sqlite::Stmt s(*stmts_,
                     "SELECT h.id, h.json FROM identifiers i JOIN resources r ON r.type = i.type AND r.id = i.id"
                     " JOIN history h ON h.type = r.type AND h.id = r.id AND h.version = r.version"
                     " WHERE i.value = ?1 AND i.system = ?2 AND i.type = 'Patient' AND r.deleted = 0 LIMIT ?3");
      s.bind(1, value).bind(2, system).bind(3, max_);
      read(s, out);
    } catch (const std::exception& e) {
      throw matching::IndexUnavailable(std::string("the store could not be read: ") + e.what());
    }
    return out;
  }
  std::string name() const override { return "store"; }

 private:
  // The people at the postcode as senders write it ("LS1 4AP", "LS14AP", lower case), those the
  // date of birth did not find. A block of flats larger than max_candidates adds nobody: the
  // date of birth, which a twin shares, has been asked already.
  void by_postcode(const std::string& postcode, std::vector<matching::Candidate>& out) const {
    std::string unspaced = postcode;
    unspaced.erase(unspaced.find(' '), 1);
    auto lower = [](std::string t) {
      for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return t;
    };
    sqlite::Stmt s(*stmts_,
                   "SELECT h.id, h.json FROM history h INDEXED BY patients_by_postcode"
                   " JOIN resources r ON r.type = h.type AND r.id = h.id AND r.version = h.version"
                   " WHERE h.type = 'Patient' AND r.deleted = 0 AND json_extract(h.json, '$.address[0].postalCode') IN (?1, ?2, ?3, ?4)"
                   " ORDER BY h.id LIMIT ?5");
    s.bind(1, postcode).bind(2, unspaced).bind(3, lower(postcode)).bind(4, lower(unspaced)).bind(5, max_ + 1);
    std::vector<matching::Candidate> found;
    read(s, found);
    if (found.size() > static_cast<std::size_t>(max_)) return;
    for (matching::Candidate& c : found)
      if (std::none_of(out.begin(), out.end(), [&](const matching::Candidate& o) { return o.reference == c.reference; }))
        out.push_back(std::move(c));
  }
  void read(sqlite::Stmt& s, std::vector<matching::Candidate>& out) const {
    while (s.step()) {
      rapidjson::Document d;
      std::string json = s.text(1);
      if (d.Parse(json.c_str()).HasParseError()) continue;
      out.push_back({matching::demographics_of(d), false, name(), "Patient/" + s.text(0)});
    }
  }

  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite::StmtCache> stmts_;
  std::int64_t max_;
  mutable std::mutex mu_;
};

}  // namespace

node::PatientIndexBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("path", s.path);
  r.num("max_candidates", s.max_candidates, 1, 100000);
  return [s](const node::StorageContext& ctx) { return std::make_unique<StorePatientIndex>(ctx.under(s.path), s.max_candidates); };
}

}  // namespace hidewire::plugins::store_index
