#include "plugins/sources/file_drop/file_drop_source.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "api/write_rules.hpp"
#include "fhir/codec.hpp"
#include "log/log.hpp"
#include "node/intake.hpp"
#include "node/source.hpp"
#include "plugins/common/source_auth.hpp"
#include "plugins/common/fhir_answer.hpp"
#include "plugins/common/fhir_format.hpp"
#include "plugins/common/v2_answer.hpp"
#include "plugins/common/split_submit.hpp"
#include "plugins/common/v2_batch.hpp"
#include "hl7v2/batch.hpp"

namespace hidewire::plugins::file_drop_source {
namespace {

namespace fs = std::filesystem;

// Answers kept beside a file carry message identities: the node's user's alone (0600), whatever the umask.
void write_private(const fs::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return log::error("file drop: could not write an answer file", {{"file", path.filename().string()}});
  ::fchmod(fd, 0600);  // an older one left readable is narrowed
  for (std::size_t off = 0; off < text.size();) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(fd);
}
using node::Outcome;

struct Poller : std::enable_shared_from_this<Poller> {
  Poller(boost::asio::io_context& io, Settings s, node::SourceContext& ctx)
      : timer(io), s(std::move(s)), root(this->s.directory), channel(ctx.channel), name(ctx.name), auth(ctx.auth) {}

  void open() {
    for (const char* sub : {"done", "rejected", ".inflight"}) fs::create_directories(root / sub);
    // What a crash left half-way goes round again.
    for (const auto& f : fs::directory_iterator(root / ".inflight"))
      if (f.is_regular_file()) fs::rename(f.path(), root / f.path().filename());
  }

  void schedule() {
    timer.expires_after(std::chrono::milliseconds(s.poll_ms));
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      self->poll();
      self->schedule();
    });
  }

  // Once per poll: a configuration's system does not change between the files of one poll.
  node::AuthOutcome sender() const {
    node::Credentials c;
    c.listener = "source " + name;
    c.address = root.string();
    return authenticate_sender(auth, s.system, c);
  }

  bool old_enough(const fs::path& p) const {
    struct stat st{};
    if (::stat(p.c_str(), &st) != 0) return false;
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    long long age_ms = (now.tv_sec - st.st_mtim.tv_sec) * 1000LL + (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000;
    return age_ms >= s.min_age_ms || age_ms < -60000;  // a clock set back by more than a minute: taken
  }

  void poll() {
    std::error_code ec;
    std::optional<node::AuthOutcome> who;
    for (const auto& f : fs::directory_iterator(root, ec)) {
      if (!f.is_regular_file() || f.path().filename().string().front() == '.') continue;
      if (!old_enough(f.path())) continue;  // still being written, perhaps: the next poll
      fs::path inflight = root / ".inflight" / f.path().filename();
      fs::rename(f.path(), inflight, ec);
      if (ec) continue;  // taken away meanwhile, or not ours to move: left for the next poll
      if (fs::file_size(inflight, ec) > s.max_file_bytes) {
        log::warn("file drop: file over the size limit, moved to rejected/", {{"file", inflight.filename().string()}, {"max_file_bytes", s.max_file_bytes}});
        settle(inflight, false);
        continue;
      }
      if (!who) who = sender();
      if (!who->ok) {
        refuse(inflight, *who);
        continue;
      }
      std::ifstream file(inflight, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      // Configured, or told from the text: FHIR JSON (R4, or STU3 by what only STU3 has), an NHS
      // CDA document, FHIR XML, else HL7 v2.
      fhir::Format syntax = fhir::detect_format(text);
      std::string format = !s.format.empty()                 ? s.format
                           : syntax == fhir::Format::Json    ? fhir_format("", text)
                           : looks_like_cda(text)            ? "cda"
                           : syntax != fhir::Format::Unknown ? "fhir"
                                                             : "hl7v2";
      // The sender's grants, as the HTTP FHIR source checks them: the types it may write, and
      // Patients keyed by their NHS number (api/write_rules.hpp).
      if (format == "fhir" && who->caller.kind != node::Caller::Kind::Anonymous) {
        auto no = api::check_types(who->caller, text);
        if (!no) no = api::check_source_patients(text);
        if (no) {
          node::AuthOutcome refused;
          refused.status = no->status;
          refused.message = no->message;
          refuse(inflight, refused);
          continue;
        }
      }
      if (format == "hl7v2" && hl7v2::is_batch(text)) {
        // A batch file: each message journalled and answered on its own; the file counts as
        // done when every message was accepted, and the ACK batch is kept beside it.
        submit_v2_batch(channel, text, who->caller, v2, [self = shared_from_this(), inflight](const BatchOutcome& b) {
          if (b.unavailable) return self->put_back(inflight);
          bool ok = b.accepted == b.messages;
          write_private(self->root / (ok ? "done" : "rejected") / (inflight.filename().string() + ".ack"), b.answer);
          self->settle(inflight, ok);
        });
        continue;
      }
      if (format != "hl7v2") {
        std::vector<std::string> parts = channel.split(text, format, who->caller);
        if (!parts.empty()) {
          // A file of several messages (a delimited export: one per person): each journalled on
          // its own; done/ when every one was accepted, else rejected/, each with a summary beside it.
          submit_parts(channel, std::move(parts), format, who->caller, fhir, [self = shared_from_this(), inflight](const PartsOutcome& o) {
            if (o.unavailable) return self->put_back(inflight);
            bool ok = o.accepted == o.parts;
            write_private(self->root / (ok ? "done" : "rejected") / (inflight.filename().string() + ".outcome"), o.summary);
            self->settle(inflight, ok);
          });
          continue;
        }
      }
      // HL7 v2 is answered with an ACK; FHIR and the other formats (ambulance ePR reports) with an OperationOutcome.
      const node::Responder& responder = format == "hl7v2" ? static_cast<const node::Responder&>(v2) : fhir;
      channel.submit(std::move(text), format, who->caller, responder, [self = shared_from_this(), inflight](const Outcome& o, const std::string&) {
        bool ok = o.kind == Outcome::Kind::Accepted || (o.kind == Outcome::Kind::Duplicate && o.first_status != "rejected");
        // Not stored (a full disk): left in the folder, taken again at the next poll.
        if (o.kind == Outcome::Kind::Unavailable) return self->put_back(inflight);
        self->settle(inflight, ok);
      });
    }
  }

  void settle(const fs::path& inflight, bool ok) {
    std::error_code ec;
    fs::rename(inflight, root / (ok ? "done" : "rejected") / inflight.filename(), ec);
    if (ec) log::error("file drop: could not move a file", {{"file", inflight.string()}, {"error", ec.message()}});
  }
  // Not read, not journalled: the sender is not accepted. The reason goes beside the file.
  void refuse(const fs::path& inflight, const node::AuthOutcome& who) {
    log::warn("file drop: sender refused, file moved to rejected/", {{"file", inflight.filename().string()}, {"reason", who.message}});
    write_private(root / "rejected" / (inflight.filename().string() + ".reason"),
                  "sender not accepted (" + std::to_string(who.status) + "): " + who.message + "\n");
    settle(inflight, false);
  }
  void put_back(const fs::path& inflight) {
    std::error_code ec;
    fs::rename(inflight, root / inflight.filename(), ec);
  }

  boost::asio::steady_timer timer;
  Settings s;
  fs::path root;
  node::Channel& channel;
  std::string name;
  node::Authentication* auth;
  V2Responder v2;
  FhirResponder fhir;
  bool stopped = false;
};

class FileDropSource final : public node::Source {
 public:
  FileDropSource(Settings s, node::SourceContext& ctx) : poller_(std::make_shared<Poller>(ctx.io, std::move(s), ctx)) {}
  ~FileDropSource() override { stop(); }
  void start() override {
    poller_->open();
    poller_->schedule();
  }
  void stop() override {
    poller_->stopped = true;
    poller_->timer.cancel();
  }
  std::string describe() const override { return "watching " + poller_->s.directory; }
  std::string endpoint() const override { return poller_->s.directory; }

 private:
  std::shared_ptr<Poller> poller_;
};

}  // namespace

node::SourceBuilder factory(node::ConfigReader& r) {
  Settings s;
  r.str("directory", s.directory, true);
  r.str("format", s.format);
  // A format without a registered converter is refused by the node's config reader (node/config.cpp).
  r.num("poll_ms", s.poll_ms, 10, 3600000);
  r.num("min_age_ms", s.min_age_ms, 0, 3600000);
  r.num("max_file_bytes", s.max_file_bytes, 1, 1LL << 31);
  r.str("system", s.system);
  return [s](node::SourceContext& ctx) { return std::make_unique<FileDropSource>(s, ctx); };
}

}  // namespace hidewire::plugins::file_drop_source
