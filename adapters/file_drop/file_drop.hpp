// The file-drop source: files left in a folder are taken every poll. Each file is first moved into
// .inflight/ (so it is taken once), handed on, and moved to done/ or rejected/ once its outcome
// is journalled. HL7 v2 files go through the v2 intake and FHIR files (JSON or XML) through the
// FHIR handler, both by the group commit, without holding up the connection thread. Files a crash left
// in .inflight/ are taken again at start: a v2 message already journalled is known by its sender
// and MSH-10 and not processed twice.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/hl7v2_mllp/intake.hpp"

namespace hidewire::file_drop {

class FileDrop {
 public:
  // Calls `done(accepted)` once the outcome is journalled; the text lives until then.
  using FhirHandler = std::function<void(const std::string& text, std::function<void(bool accepted)> done)>;
  // Creates done/, rejected/ and .inflight/ under `directory`; throws when it cannot.
  FileDrop(boost::asio::io_context& io, const std::string& directory, hl7v2_mllp::Intake& v2, FhirHandler fhir,
           std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~FileDrop();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace hidewire::file_drop
