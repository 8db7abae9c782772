// MLLP listener on Boost.Asio, plain TCP or TLS (optionally requiring client certificates).
// Frames go to the handler, and their answers (ACKs) are written back in frame order; frames that
// arrive together (a sender that pipelines) are handed on together, so they can share a group
// commit. A sender never gets an ACK for a message that was not handled. The handler may answer
// later, from any thread (the node answers once the journal commit is durable); other
// connections are served meanwhile.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/listener.hpp"
#include "net/peer_cert.hpp"

namespace boost::asio::ssl {
class context;
}

namespace hidewire::mllp {

struct ServerOptions {
  std::string name = "mllp";  // says which listener in log lines and errors, e.g. "source pas-mllp"
  net::ListenerLimits limits;
  std::size_t max_frame_bytes = 16u << 20;
  std::string tls_cert_file;  // PEM; both set: TLS
  std::string tls_key_file;
  std::string tls_client_ca_file;  // set: senders must present a certificate this CA signed
};

// Gets the raw message, returns the ACK payload (unframed). Runs on the io_context thread.
using FrameHandler = std::function<std::string(std::string_view message)>;
// Called exactly once with the ACK payload, from any thread.
using Reply = std::function<void(std::string ack)>;
// Gets the raw message (valid until the reply) and answers through `reply`, now or later.
using AsyncFrameHandler = std::function<void(std::string_view message, Reply reply)>;
// What the listener knows of one connection, for a handler that needs to know who sends.
struct Connection {
  std::string peer_address;  // host:port
  net::PeerCert peer_cert;   // the client certificate the listener's CA verified, if any
  // The handler's own, per connection (who the sender was found to be): set and read on the
  // I/O thread, during handler calls.
  std::shared_ptr<void> state;
  // Set by the handler, during its call: the connection is closed once this read's answers are
  // written (a sender refused for who it is gets its AR, then nothing more is read).
  bool close_after_answer = false;
};
// As AsyncFrameHandler, with the connection the frame came on.
using ConnectionFrameHandler = std::function<void(Connection& connection, std::string_view message, Reply reply)>;
// Answers a frame that could not be taken (oversized): the AR payload.
using FrameErrorHandler = std::function<std::string(const std::string& error)>;

class Server {
 public:
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, FrameHandler handler,
         FrameErrorHandler on_error, const ServerOptions& opts = {});
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, AsyncFrameHandler handler,
         FrameErrorHandler on_error, const ServerOptions& opts = {});
  Server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, ConnectionFrameHandler handler,
         FrameErrorHandler on_error, const ServerOptions& opts = {});
  ~Server();
  std::uint16_t port() const;  // the bound port (useful with port 0)
  void stop();
  std::uint64_t frames_handled() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hidewire::mllp
