// The latest signed checkpoint, also kept outside the database (`<db>.checkpoint`, 0600), so that
// deleting every checkpoint row is found: the log must hold a checkpoint at least as large as the
// one in this file. An attacker who can write both files can still roll both back; publishing the
// checkpoints to another party (a witness) is what closes that.
#pragma once

#include <optional>
#include <string>

#include "audit/signing.hpp"

namespace hidewire::audit {

std::string checkpoint_file_of(const std::string& db_path);
// Written atomically (a temporary file, synced, renamed). Throws std::runtime_error.
void write_checkpoint_file(const std::string& path, const Checkpoint& c);
// nullopt when there is no file; throws std::runtime_error naming it when it cannot be read.
std::optional<Checkpoint> read_checkpoint_file(const std::string& path);
// Why the log's latest checkpoint size does not answer for the file's (empty: it does).
std::string checkpoints_removed(const std::string& path, const PublicKey& key, std::uint64_t latest_size, bool have_latest);

}  // namespace hidewire::audit
