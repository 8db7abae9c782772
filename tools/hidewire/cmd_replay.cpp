// hidewire replay: sends journalled messages through a running node again, by id or every one
// in the dead letters (rejected or failed), through the node's admin endpoint. A rejected
// message is converted again first, so a fixed map lets it through; each outcome is printed.
#include <rapidjson/document.h>

#include <iostream>
#include <string>
#include <vector>

#include "tools/hidewire/admin_client.hpp"

namespace hidewire::cli {

int run_replay(const Args& args) {
  std::string status;
  AdminTarget target;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (take_admin_option(args, i, target)) continue;
    if (args[i] == "--status" && i + 1 < args.size()) status = args[++i];
    else if (!args[i].empty() && args[i].find_first_not_of("0123456789") == std::string_view::npos) ids.emplace_back(args[i]);
    else {
      std::cerr << "hidewire replay: unknown argument '" << args[i] << "'\n";
      return kUsage;
    }
  }
  if (!target.problem().empty() || ids.empty() == status.empty() || (!status.empty() && status != "rejected" && status != "failed")) {
    std::cerr << "hidewire replay: --admin HOST:PORT and either message ids or --status rejected|failed are required"
                 " (over TLS: --ca PEM, and --cert PEM --key PEM when the node asks for a client certificate; --token T|-|@FILE for a bearer token)\n";
    return kUsage;
  }
  std::string body;
  // Every dead letter, page by page (the listing gives at most 1,000 at a time).
  for (std::string after = "0"; !status.empty();) {
    long code = admin_request(target, "GET", "/messages?status=" + status + "&after=" + after, "", body);
    rapidjson::Document d;
    if (code != 200 || d.Parse(body.c_str()).HasParseError() || !d.IsArray()) {
      std::cerr << "hidewire replay: could not list " << status << " messages: " << (code ? "HTTP " + std::to_string(code) : body) << "\n";
      return kUnreadable;
    }
    std::string last = after;
    for (const auto& m : d.GetArray())
      if (m.IsObject() && m.HasMember("id") && m["id"].IsInt64()) ids.push_back(after = std::to_string(m["id"].GetInt64()));
    if (after == last) break;  // an empty page (or one without ids): the listing is done
  }
  int refused = 0;
  for (const std::string& id : ids) {
    long code = admin_request(target, "POST", "/messages/" + id + "/replay", "", body);
    if (code == 0) {
      std::cerr << "hidewire replay: " << body << "\n";
      return kUnreadable;
    }
    // The node answers with the replay's real outcome: 200 delivered, 202 still retrying, else refused.
    std::cout << id << ": "
              << (code == 200   ? "replayed and delivered"
                  : code == 202 ? "not yet delivered (still retrying) " + body
                                : "refused (HTTP " + std::to_string(code) + ") " + body)
              << "\n";
    refused += code != 200;
  }
  std::cout << ids.size() - static_cast<std::size_t>(refused) << " replayed, " << refused << " refused\n";
  return refused ? kInvalid : kOk;
}

}  // namespace hidewire::cli
