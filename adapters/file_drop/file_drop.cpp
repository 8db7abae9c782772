#include "adapters/file_drop/file_drop.hpp"

#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "fhir/codec.hpp"

namespace hidewire::file_drop {

namespace fs = std::filesystem;

struct FileDrop::Impl : std::enable_shared_from_this<FileDrop::Impl> {
  Impl(boost::asio::io_context& io, const std::string& dir, hl7v2_mllp::Intake& in, FhirHandler h, std::chrono::milliseconds every)
      : timer(io), root(dir), v2(in), fhir(std::move(h)), interval(every) {
    for (const char* sub : {"done", "rejected", ".inflight"}) fs::create_directories(root / sub);
    // What a crash left half-way goes round again.
    for (const auto& f : fs::directory_iterator(root / ".inflight"))
      if (f.is_regular_file()) fs::rename(f.path(), root / f.path().filename());
  }

  void schedule() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      self->poll();
      self->schedule();
    });
  }

  void poll() {
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(root, ec)) {
      if (!f.is_regular_file() || f.path().filename().string().front() == '.') continue;
      fs::path inflight = root / ".inflight" / f.path().filename();
      fs::rename(f.path(), inflight, ec);
      if (ec) continue;  // taken away meanwhile, or not ours to move: left for the next poll
      std::ifstream file(inflight, std::ios::binary);
      auto text = std::make_shared<std::string>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      if (fhir::detect_format(*text) != fhir::Format::Unknown) {
        fhir(*text, [self = shared_from_this(), inflight, text](bool accepted) { self->settle(inflight, accepted); });
        continue;
      }
      // The text lives until the answer, as the intake requires.
      v2.handle(*text, [self = shared_from_this(), inflight, text](std::string ack) {
        self->settle(inflight, ack.find("MSA|AA") != std::string::npos);
      });
    }
  }

  void settle(const fs::path& inflight, bool ok) {
    std::error_code ec;
    fs::rename(inflight, root / (ok ? "done" : "rejected") / inflight.filename(), ec);
    if (ec) std::cerr << "file drop: could not move " << inflight << ": " << ec.message() << "\n";
  }

  boost::asio::steady_timer timer;
  fs::path root;
  hl7v2_mllp::Intake& v2;
  FhirHandler fhir;
  std::chrono::milliseconds interval;
  bool stopped = false;
};

FileDrop::FileDrop(boost::asio::io_context& io, const std::string& directory, hl7v2_mllp::Intake& v2, FhirHandler fhir,
                   std::chrono::milliseconds interval)
    : impl_(std::make_shared<Impl>(io, directory, v2, std::move(fhir), interval)) {
  impl_->schedule();
}

FileDrop::~FileDrop() { stop(); }

void FileDrop::stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
}

}  // namespace hidewire::file_drop
