// A small state file private to the node's user (0600), replaced whole: written to a temporary
// file, synced, then renamed over the old one, so a crash leaves the old or the new, never half.
#pragma once

#include <optional>
#include <string>

namespace hidewire::node {

// Throws std::runtime_error naming the file when it cannot be written.
void write_private_file(const std::string& path, const std::string& text);
// nullopt when there is no file; throws std::runtime_error naming it when it cannot be read.
std::optional<std::string> read_private_file(const std::string& path);

}  // namespace hidewire::node
