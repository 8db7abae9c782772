// The `file-drop` source: files left in a folder are taken every poll, once they have not changed
// for `min_age_ms`. Each file is first moved
// into .inflight/ (so it is taken once), handed to the intake (FHIR JSON or XML as format `fhir`,
// anything else as `hl7v2`, unless `format` names one converter for every file), and moved to
// done/ or rejected/ once its outcome is journalled. Files a crash left in .inflight/ are taken
// again at start: one already journalled is known as a resend and not processed twice.
// Files are sent by the configured `"system": NAME` (systems[] in the node's credentials); with
// none, the node's authentication decides (anonymous only in development). A refused sender's
// files go to rejected/ unread, each with a NAME.reason file saying why.
#pragma once

#include "node/registry.hpp"

namespace hidewire::plugins::file_drop_source {

struct Settings {
  std::string directory;
  std::string format;  // empty: FHIR when the file starts like JSON or XML, else HL7 v2
  long long poll_ms = 1000;
  // A file is taken once it has not changed for this long: one still being written (a copy in
  // progress) waits for a later poll instead of being read half-written.
  long long min_age_ms = 500;
  std::size_t max_file_bytes = 64u << 20;
  std::string system;  // who leaves files here: a systems[] name
};

node::SourceBuilder factory(node::ConfigReader& settings);

}  // namespace hidewire::plugins::file_drop_source
