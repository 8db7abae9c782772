// Source: a way messages arrive (MLLP, HTTP, a watched folder; later GP Connect, CDA over ITK,
// CSV uploads). It runs on the node's io context, hands each raw message with its format to its
// intake channel, and turns the outcome into its transport's answer (an ACK, an HTTP status, a
// file moved to done/ or rejected/). Conversion, the conformance gate and the journal are the
// intake's: a source never repeats them.
#pragma once

#include <string>

namespace boost::asio {
class io_context;
}

namespace hidewire::node {

class Channel;
class Authentication;

class Source {
 public:
  virtual ~Source() = default;
  // Binds its listener or opens its folder; throws with a message naming the source on failure.
  virtual void start() = 0;
  virtual void stop() = 0;
  // For the start-up log and the admin port: "MLLP on 127.0.0.1:2575".
  virtual std::string describe() const = 0;
  // Where it is once started, for the dashboard: the address actually bound ("127.0.0.1:40123",
  // not the configured port 0), or its folder; empty: the config's setting is shown.
  virtual std::string endpoint() const { return ""; }
};

struct SourceContext {
  boost::asio::io_context& io;
  Channel& channel;         // where its messages go (counted under the source's name)
  const std::string& name;  // the source's name from the config
  Authentication* auth = nullptr;  // who sends: every message is submitted with its Caller
};

}  // namespace hidewire::node
