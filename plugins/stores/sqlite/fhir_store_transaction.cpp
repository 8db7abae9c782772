// The store's transactions: one transaction Bundle all or nothing, and the node's batches of
// them (a savepoint each, one commit for the lot).
#include "plugins/stores/sqlite/fhir_store.hpp"

#include "plugins/stores/sqlite/fhir_store_impl.hpp"

namespace hidewire::plugins {

using sqlite::exec;
using sqlite::Stmt;

using detail::new_id;
using detail::rewrite_refs;
using detail::write;

std::string SqliteFhirStore::transaction(const std::string& bundle_json, const std::string& once_key) {
  std::lock_guard lock(mu_);
  exec(db_, "BEGIN IMMEDIATE");
  try {
    std::string response = apply_locked(bundle_json, once_key);
    exec(db_, "COMMIT");
    return response;
  } catch (...) {
    sqlite::rollback(db_);
    throw;
  }
}

std::vector<node::FhirStore::BatchResult> SqliteFhirStore::transaction_batch(const std::vector<BatchItem>& items) {
  std::lock_guard lock(mu_);
  std::vector<BatchResult> out(items.size());
  exec(db_, "BEGIN IMMEDIATE");
  try {
    for (std::size_t i = 0; i < items.size(); ++i) {
      Stmt(*stmts_, "SAVEPOINT bundle").step();  // prepared once: exec() would parse it per Bundle
      try {
        apply_locked(*items[i].bundle_json, items[i].once_key);
        out[i].ok = true;
      } catch (const node::StorageUnavailable&) {
        throw;  // not this Bundle's fault: the whole batch is tried again later
      } catch (const StoreError& e) {
        Stmt(*stmts_, "ROLLBACK TO bundle").step();
        out[i].error = e.what();
        out[i].status = e.http_status;
      } catch (const std::exception& e) {
        Stmt(*stmts_, "ROLLBACK TO bundle").step();
        out[i].error = e.what();
      }
      Stmt(*stmts_, "RELEASE bundle").step();
    }
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite::rollback(db_);
    throw;
  }
  return out;
}

// Applies one transaction Bundle inside the caller's SQLite transaction (the lock held).
std::string SqliteFhirStore::apply_locked(const std::string& bundle_json, const std::string& once_key) {
  if (!once_key.empty()) {
    Stmt s(*stmts_, "SELECT response FROM applied WHERE once_key = ?");
    s.bind(1, once_key);
    if (s.step()) return s.text(0);
  }
  rapidjson::Document b;
  if (!fhir::json::parse(bundle_json, b) || !b.IsObject() || !b.HasMember("entry") || !b["entry"].IsArray())
    throw StoreError(400, "not a Bundle with entries");
  auto& entries = b["entry"];
  auto& a = b.GetAllocator();
  struct Plan {
    std::string type, id, status;
    bool write = true;
    int if_match = 0;  // request.ifMatch's version
  };
  std::vector<Plan> plan(entries.Size());
  std::map<std::string, std::string> ids;  // fullUrl -> Type/id
  {
    // First resolve where each entry goes, so references between entries can be rewritten.
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
      auto& e = entries[i];
      if (!e.HasMember("resource") || !e.HasMember("request")) throw StoreError(400, "entry " + std::to_string(i) + " needs resource and request");
      Plan& p = plan[i];
      p.type = e["resource"]["resourceType"].GetString();
      std::string method = e["request"]["method"].GetString(), url = e["request"]["url"].GetString();
      if (auto m = e["request"].FindMember("ifMatch"); m != e["request"].MemberEnd() && method == "PUT") {
        p.if_match = m->value.IsString() ? node::version_of_etag(m->value.GetString()) : 0;
        if (!p.if_match) throw StoreError(400, "entry " + std::to_string(i) + ": request.ifMatch is not a version (W/\"3\")");
      }
      if (method == "PUT" && url.find('?') != std::string::npos) {
        auto found = Impl::match(*stmts_, p.type, url.substr(url.find('?') + 1));
        if (found.size() > 1) throw StoreError(412, "entry " + std::to_string(i) + ": " + url + " matches " + std::to_string(found.size()) + " resources");
        p.id = found.empty() ? new_id() : found.front();
        p.status = found.empty() ? "201 Created" : "200 OK";
      } else if (method == "PUT") {
        p.id = url.substr(url.find('/') + 1);
        p.status = read(p.type, p.id) ? "200 OK" : "201 Created";
      } else if (method == "POST") {
        p.id = new_id();
        p.status = "201 Created";
        if (e["request"].HasMember("ifNoneExist")) {
          auto found = Impl::match(*stmts_, p.type, e["request"]["ifNoneExist"].GetString());
          if (found.size() > 1) throw StoreError(412, "entry " + std::to_string(i) + ": ifNoneExist matches several resources");
          if (!found.empty()) {
            p.id = found.front();
            p.write = false;
            p.status = "200 OK";
          }
        }
      } else {
        throw StoreError(400, "entry " + std::to_string(i) + ": method " + method + " is not supported in transactions");
      }
      if (e.HasMember("fullUrl") && e["fullUrl"].IsString()) ids[e["fullUrl"].GetString()] = p.type + "/" + p.id;
    }
    rapidjson::Value resp(rapidjson::kArrayType);
    for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
      Plan& p = plan[i];
      rapidjson::Value entry(rapidjson::kObjectType), r(rapidjson::kObjectType);
      std::string version = "1";
      if (p.write) {
        rapidjson::Document d;
        d.CopyFrom(entries[i]["resource"], d.GetAllocator());
        rewrite_refs(d, ids, d.GetAllocator());
        StoredResource s = Impl::put(*stmts_, d, p.type, p.id, p.if_match);
        version = std::to_string(s.version);
      }
      std::string location = p.type + "/" + p.id + "/_history/" + version;
      r.AddMember("status", rapidjson::Value(p.status.c_str(), a), a);
      r.AddMember("location", rapidjson::Value(location.c_str(), a), a);
      entry.AddMember("response", r, a);
      resp.PushBack(entry, a);
    }
    rapidjson::Document out;
    out.SetObject();
    auto& oa = out.GetAllocator();
    out.AddMember("resourceType", "Bundle", oa);
    out.AddMember("type", "transaction-response", oa);
    rapidjson::Value copy(resp, oa);
    out.AddMember("entry", copy, oa);
    std::string response = write(out);
    if (!once_key.empty()) {
      Stmt s(*stmts_, "INSERT INTO applied(once_key, response) VALUES(?, ?)");
      s.bind(1, once_key).bind(2, response);
      s.step();
    }
    return response;
  }
}

}  // namespace hidewire::plugins
