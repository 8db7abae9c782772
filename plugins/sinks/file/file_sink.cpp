#include "plugins/sinks/file/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hidewire::plugins::file_sink {
namespace {

using node::DeliveryResult;

class FileSink final : public node::Sink {
 public:
  FileSink(Settings s, std::string name) : s_(std::move(s)), name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  bool local() const override { return true; }
  const node::RetryPolicy& retry() const override { return retry_; }

  std::vector<DeliveryResult> deliver(const std::vector<node::Parcel>& parcels) override {
    std::vector<DeliveryResult> out;
    for (const node::Parcel& p : parcels) out.push_back(write(p));
    return out;
  }

 private:
  DeliveryResult write(const node::Parcel& p) {
    std::error_code ec;
    std::filesystem::create_directories(s_.directory, ec);
    std::string path = s_.directory + "/message-" + std::to_string(p.journal_id) + ".json";
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return {DeliveryResult::Status::Retry, "cannot write " + tmp + ": " + std::strerror(errno)};
    const std::string& body = p.entry->output;
    std::size_t done = 0;
    while (done < body.size()) {
      ssize_t n = ::write(fd, body.data() + done, body.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::string why = std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        return {DeliveryResult::Status::Retry, "cannot write " + tmp + ": " + why};
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    std::filesystem::rename(tmp, path, ec);
    if (ec) return {DeliveryResult::Status::Retry, "cannot rename " + tmp + ": " + ec.message()};
    return {DeliveryResult::Status::Delivered, ""};
  }

  Settings s_;
  std::string name_;
  node::RetryPolicy retry_{0, 500, 60000};
};

}  // namespace

node::SinkBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("directory", s.directory, true);
  return [s](node::SinkContext& ctx) { return std::make_unique<FileSink>(s, ctx.name); };
}

}  // namespace hidewire::plugins::file_sink
