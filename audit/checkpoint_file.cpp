#include "audit/checkpoint_file.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "node/private_file.hpp"

namespace hidewire::audit {

std::string checkpoint_file_of(const std::string& db_path) { return db_path + ".checkpoint"; }

void write_checkpoint_file(const std::string& path, const Checkpoint& c) {
  std::string text = std::to_string(c.tree_size) + "\n" + to_hex(c.root) + "\n" + c.signed_at + "\n" + c.signature + "\n" + c.origin + "\n";
  node::write_private_file(path, text);
}

std::optional<Checkpoint> read_checkpoint_file(const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  std::ifstream in(path);
  std::string size, root;
  Checkpoint c;
  if (!std::getline(in, size) || !std::getline(in, root) || !std::getline(in, c.signed_at) || !std::getline(in, c.signature) ||
      !std::getline(in, c.origin))
    throw std::runtime_error(path + ": not a checkpoint file");
  auto h = hash_from_hex(root);
  try {
    c.tree_size = std::stoull(size);
  } catch (...) {
    h.reset();
  }
  if (!h) throw std::runtime_error(path + ": not a checkpoint file");
  c.root = *h;
  return c;
}

std::string checkpoints_removed(const std::string& path, const PublicKey& key, std::uint64_t latest_size, bool have_latest) {
  std::optional<Checkpoint> c;
  try {
    c = read_checkpoint_file(path);
  } catch (const std::exception& e) {
    return e.what();
  }
  if (!c) return {};
  if (!key.verify(*c)) return "the checkpoint in " + path + " is not signed by this node's key (the file was altered)";
  if (have_latest && latest_size >= c->tree_size) return {};
  return "checkpoints were removed: this node signed a checkpoint at size " + std::to_string(c->tree_size) + " (kept in " + path +
         ") but the log's latest is " + (have_latest ? "at size " + std::to_string(latest_size) : "none");
}

}  // namespace hidewire::audit
