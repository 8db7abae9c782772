// hidewire match: the messages held at patient matching (docs/MATCHING.md), through the node's
// admin port: `list` them, `show ID` (the patient's demographics and the candidates as they score
// now), `resolve ID --nhs N | --new-patient | --reject` (role admin; audited by the node).
#include <rapidjson/document.h>

#include <iostream>
#include <string>

#include "tools/hidewire/admin_client.hpp"

namespace hidewire::cli {
namespace {

std::string str(const rapidjson::Value& o, const char* key) {
  return o.IsObject() && o.HasMember(key) && o[key].IsString() ? o[key].GetString() : "";
}

std::string person(const rapidjson::Value& p) {
  std::string given;
  if (p.IsObject() && p.HasMember("given") && p["given"].IsArray())
    for (const auto& g : p["given"].GetArray())
      if (g.IsString()) given += std::string(given.empty() ? "" : " ") + g.GetString();
  std::string nhs = str(p, "nhs_number");
  return (nhs.empty() ? "" : nhs + "  ") + str(p, "family") + ", " + given + "  born " + str(p, "birth_date") + "  " + str(p, "gender") +
         (str(p, "postcode").empty() ? "" : "  " + str(p, "postcode"));
}

int print_list(const std::string& body) {
  rapidjson::Document d;
  if (d.Parse(body.c_str()).HasParseError() || !d.IsArray()) return std::cerr << "hidewire match: the node's answer is not a list\n", kUnreadable;
  for (const auto& m : d.GetArray())
    std::cout << (m.HasMember("id") && m["id"].IsInt64() ? m["id"].GetInt64() : 0) << "  " << str(m, "received_at") << "  " << str(m, "channel")
              << "  " << str(m, "event") << "  " << str(m, "reason") << "\n";
  std::cout << d.Size() << " held\n";
  return kOk;
}

int print_one(const std::string& body) {
  rapidjson::Document d;
  if (d.Parse(body.c_str()).HasParseError() || !d.IsObject()) return std::cerr << "hidewire match: the node's answer is not JSON\n", kUnreadable;
  std::cout << "message " << (d.HasMember("id") && d["id"].IsInt64() ? d["id"].GetInt64() : 0) << " (" << str(d, "status") << ") from "
            << str(d, "channel") << ", " << str(d, "event") << ", received " << str(d, "received_at") << "\n";
  if (d.HasMember("patient")) std::cout << "patient:   " << person(d["patient"]) << "\n" << "trace:     " << str(d, "trace") << "\n";
  if (d.HasMember("candidates") && d["candidates"].IsArray())
    for (const auto& c : d["candidates"].GetArray())
      std::cout << "candidate: score " << (c.HasMember("score") && c["score"].IsInt() ? c["score"].GetInt() : 0) << "  " << str(c, "source")
                << (c.HasMember("verified") && c["verified"].IsTrue() ? " (verified)" : "") << "  " << person(c["person"]) << "\n";
  return kOk;
}

}  // namespace

int run_match(const Args& args) {
  AdminTarget target;
  std::string verb, id, nhs, action;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (take_admin_option(args, i, target)) continue;
    if (args[i] == "--nhs" && i + 1 < args.size()) nhs = args[++i];
    else if (args[i] == "--new-patient") action = "new-patient";
    else if (args[i] == "--reject") action = "reject";
    else if (verb.empty() && (args[i] == "list" || args[i] == "show" || args[i] == "resolve")) verb = args[i];
    else if (!verb.empty() && verb != "list" && id.empty() && !args[i].empty() && args[i].find_first_not_of("0123456789") == std::string_view::npos)
      id = args[i];
    else return std::cerr << "hidewire match: unknown argument '" << args[i] << "'\n", kUsage;
  }
  bool ok = target.problem().empty() && !verb.empty() && (verb == "list") == id.empty() &&
            (verb == "resolve" ? nhs.empty() != action.empty() : nhs.empty() && action.empty());
  if (!ok) {
    std::cerr << "hidewire match: --admin HOST:PORT [--ca PEM [--cert PEM --key PEM]] [--token T|-|@FILE] "
                 "(list | show ID | resolve ID (--nhs N | --new-patient | --reject))\n";
    return kUsage;
  }
  std::string body;
  long code = verb == "list"   ? admin_request(target, "GET", "/match", "", body)
              : verb == "show" ? admin_request(target, "GET", "/match/" + id, "", body)
                               : admin_request(target, "POST", "/match/" + id + "/resolve",
                                               nhs.empty() ? "{\"action\":\"" + action + "\"}" : "{\"nhs_number\":\"" + nhs + "\"}", body);
  if (code == 0) return std::cerr << "hidewire match: " << body << "\n", kUnreadable;
  if (code >= 400) return std::cerr << "hidewire match: refused (HTTP " << code << ") " << body << "\n", kInvalid;
  if (verb == "list") return print_list(body);
  if (verb == "show") return print_one(body);
  // 200: stored and routed; 202: accepted, a destination still retrying.
  std::cout << id << ": " << (action == "reject" ? "rejected" : code == 200 ? "resolved and delivered" : "resolved, not yet delivered " + body) << "\n";
  return kOk;
}

}  // namespace hidewire::cli
