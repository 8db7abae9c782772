// hidewire listen --mllp [HOST:]PORT --journal FILE [--channel NAME] [--tls-cert F --tls-key F]
// hidewire send --mllp HOST:PORT [--tls] [--ca FILE] [--insecure] [--timeout MS] FILE...
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>

#include "hl7v2/message.hpp"
#include "net/mllp/client.hpp"
#include "net/mllp/server.hpp"
#include "node/intake.hpp"
#include "plugins/common/v2_answer.hpp"
#include "plugins/journals/sqlite/journal.hpp"
#include "plugins/registry.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
namespace {

bool split_host_port(std::string_view s, std::string& host, std::uint16_t& port) {
  auto colon = s.rfind(':');
  std::string_view p = colon == std::string_view::npos ? s : s.substr(colon + 1);
  host = colon == std::string_view::npos ? "0.0.0.0" : std::string(s.substr(0, colon));
  auto v = parse_size(p);
  if (!v || *v > 65535) return false;
  port = static_cast<std::uint16_t>(*v);
  return true;
}

// A file may hold several messages: each starts at a line beginning with MSH.
std::vector<std::string> split_messages(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    std::size_t start = text.find("MSH", pos);
    if (start == std::string::npos) break;
    std::size_t next = start;
    while (true) {
      next = text.find("MSH", next + 3);
      if (next == std::string::npos || text[next - 1] == '\r' || text[next - 1] == '\n') break;
    }
    out.push_back(text.substr(start, next == std::string::npos ? std::string::npos : next - start));
    if (next == std::string::npos) break;
    pos = next;
  }
  if (out.empty() && !text.empty()) out.push_back(text);  // not HL7 at all: the receiver says so (AR)
  return out;
}

}  // namespace

int run_listen(const Args& args) {
  std::string host = "0.0.0.0", journal_path, channel = "mllp", cert, key;
  std::uint16_t port = 0;
  bool have_port = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string_view { return i + 1 < args.size() ? args[++i] : std::string_view(); };
    if (args[i] == "--mllp") {
      have_port = split_host_port(value(), host, port);
      if (!have_port) {
        std::cerr << "hidewire listen: --mllp needs [HOST:]PORT\n";
        return kUsage;
      }
    } else if (args[i] == "--journal") {
      journal_path = value();
    } else if (args[i] == "--channel") {
      channel = value();
    } else if (args[i] == "--tls-cert") {
      cert = value();
    } else if (args[i] == "--tls-key") {
      key = value();
    } else {
      std::cerr << "hidewire listen: unknown argument '" << args[i] << "'\n";
      return kUsage;
    }
  }
  if (!have_port || journal_path.empty() || cert.empty() != key.empty()) {
    std::cerr << "hidewire listen: --mllp [HOST:]PORT and --journal FILE are required (--tls-cert with --tls-key)\n";
    return kUsage;
  }
  try {
    // The node's own intake with only a journal behind it: the same conversion, gate and answers.
    plugins::SqliteJournal journal(journal_path);
    boost::asio::io_context io;
    node::GroupJournal group(journal, nullptr);
    std::unique_ptr<node::Converter> v2 = plugins::make_converter("hl7v2");
    node::Intake intake(group, {{"hl7v2", v2.get()}});
    node::Channel& ch = intake.channel(channel);
    plugins::V2Responder responder;
    mllp::ServerOptions opts;
    opts.tls_cert_file = cert;
    opts.tls_key_file = key;
    mllp::Server server(
        io, {boost::asio::ip::make_address(host), port},
        mllp::AsyncFrameHandler([&](std::string_view m, mllp::Reply reply) {
          ch.submit(std::string(m), "hl7v2", node::Caller{}, responder, [reply = std::move(reply)](const node::Outcome&, const std::string& ack) { reply(ack); });
        }),
        [&](const std::string& e) { return responder.reject_frame(e); }, opts);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) {
      server.stop();
      io.stop();
    });
    std::cout << "listening for MLLP" << (cert.empty() ? "" : " over TLS") << " on " << host << ":" << server.port()
              << ", journal " << journal_path << std::endl;
    io.run();
    intake.stop();
    group.stop();
    const auto& s = ch.stats();
    std::cout << "stopped: " << s.received << " received, " << s.accepted << " accepted, " << s.rejected << " rejected, "
              << s.duplicates << " duplicates" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "hidewire listen: " << e.what() << "\n";
    return kUnreadable;
  }
  return kOk;
}

int run_send(const Args& args) {
  std::string host;
  std::uint16_t port = 0;
  bool have_target = false;
  mllp::ClientOptions opts;
  std::vector<std::string_view> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> std::string_view { return i + 1 < args.size() ? args[++i] : std::string_view(); };
    if (args[i] == "--mllp") {
      have_target = split_host_port(value(), host, port) && host != "0.0.0.0";
    } else if (args[i] == "--tls") {
      opts.tls = true;
    } else if (args[i] == "--ca") {
      opts.tls_ca_file = value();
    } else if (args[i] == "--insecure") {
      opts.tls_insecure = true;
    } else if (args[i] == "--timeout") {
      auto v = parse_size(value());
      if (!v) return kUsage;
      opts.timeout = std::chrono::milliseconds(*v);
    } else if (args[i].size() > 1 && args[i].front() == '-') {
      std::cerr << "hidewire send: unknown option '" << args[i] << "'\n";
      return kUsage;
    } else {
      files.push_back(args[i]);
    }
  }
  if (!have_target || files.empty()) {
    std::cerr << "hidewire send: --mllp HOST:PORT and at least one FILE are required\n";
    return kUsage;
  }
  int worst = kOk;
  try {
    mllp::Client client(host, port, opts);
    for (std::string_view file : files) {
      std::string error;
      std::optional<std::string> text = read_input(file, 64u << 20, error);
      if (!text) {
        std::cerr << "hidewire send: " << error << "\n";
        worst = std::max(worst, static_cast<int>(kUnreadable));
        continue;
      }
      for (const std::string& msg : split_messages(*text)) {
        std::string ack = client.send(msg);
        hl7v2::ParseError perr;
        auto a = hl7v2::parse(ack, perr);
        std::string code = a ? a->get("MSA-1") : "??";
        std::cout << file << ": " << code << " " << (a ? a->get("MSA-2") : "") << (a && !a->get("ERR-8").empty() ? " " + a->get("ERR-8") : "")
                  << std::endl;  // flushed: a watcher sees each ACK as it comes
        if (code != "AA" && code != "CA") worst = std::max(worst, static_cast<int>(kInvalid));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "hidewire send: " << e.what() << "\n";
    return kUnreadable;
  }
  return worst;
}

}  // namespace hidewire::cli
