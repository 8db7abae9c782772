#include "audit/verify.hpp"

#include <charconv>

namespace hidewire::audit {
namespace {

constexpr std::string_view kPrefix = "{\"resourceType\":\"AuditEvent\",";
constexpr std::string_view kIdPrefix = "{\"resourceType\":\"AuditEvent\",\"id\":\"";

std::string n(std::uint64_t v) { return std::to_string(v); }

}  // namespace

std::string with_seq(std::string_view event_json, std::int64_t seq) {
  if (event_json.substr(0, kPrefix.size()) != kPrefix || event_json.substr(0, kIdPrefix.size()) == kIdPrefix)
    return std::string(event_json);
  std::string out;
  out.reserve(event_json.size() + 32);
  out += kIdPrefix;
  out += std::to_string(seq);
  out += "\",";
  out += event_json.substr(kPrefix.size());
  return out;
}

std::int64_t recorded_seq(std::string_view event_json) {
  if (event_json.substr(0, kIdPrefix.size()) != kIdPrefix) return 0;
  std::string_view rest = event_json.substr(kIdPrefix.size());
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc() || end == rest.data() || *end != '"') return 0;
  return v;
}

VerifyResult verify_log(const std::vector<StoredEntry>& entries, const std::vector<Checkpoint>& checkpoints, const PublicKey& key) {
  VerifyResult r;
  r.entries = entries.size();
  r.checkpoints = checkpoints.size();
  auto fail = [&](std::int64_t entry, std::uint64_t checkpoint, std::string message) {
    r.ok = false;
    r.bad_entry = entry;
    r.bad_checkpoint = checkpoint;
    r.message = std::move(message);
    return r;
  };
  auto describe = [](const Checkpoint& c) { return "checkpoint at size " + n(c.tree_size) + " (signed at " + c.signed_at + ")"; };

  std::vector<Hash> leaves;
  leaves.reserve(entries.size());
  CompactRange range;
  std::size_t ci = 0;
  std::uint64_t good = 0;  // every entry up to here is covered by a checkpoint that holds
  auto check_checkpoints = [&]() -> bool {
    for (; ci < checkpoints.size() && checkpoints[ci].tree_size <= range.size(); ++ci) {
      const Checkpoint& c = checkpoints[ci];
      if (!key.verify(c)) {
        fail(0, c.tree_size, describe(c) + ": its signature does not verify with this public key (the checkpoint was altered)");
        return false;
      }
      if (c.tree_size < range.size()) continue;  // a size already checked: a duplicate row
      if (range.root() != c.root) {
        std::uint64_t from = good + 1;
        std::string who = from == c.tree_size ? "entry " + n(from) + " was"
                                              : "one of entries " + n(from) + ".." + n(c.tree_size) + " was";
        fail(static_cast<std::int64_t>(from), c.tree_size,
             who + " edited, removed or reordered (and its leaf hash rewritten to match): the " + describe(c) +
                 " does not match the log");
        return false;
      }
      good = c.tree_size;
    }
    return true;
  };

  for (std::size_t i = 0; i < entries.size(); ++i) {
    const StoredEntry& e = entries[i];
    std::int64_t expected = static_cast<std::int64_t>(i) + 1;
    if (e.seq != expected)
      return fail(expected, 0, "entry " + n(expected) + " was removed: the log goes from entry " + n(expected - 1) + " to entry " +
                                   std::to_string(e.seq));
    Hash leaf = leaf_hash(e.event_json);
    auto stored = hash_from_hex(e.leaf_hash);
    if (!stored || *stored != leaf)
      return fail(e.seq, 0, "entry " + n(e.seq) + " was edited: its event no longer matches the leaf hash written with it");
    std::int64_t own = recorded_seq(e.event_json);
    if (own != 0 && own != e.seq)
      return fail(e.seq, 0, "entry " + n(e.seq) + " was removed or reordered: the event stored as entry " + n(e.seq) +
                                " was recorded as entry " + std::to_string(own));
    range.append(leaf);
    leaves.push_back(leaf);
    if (!check_checkpoints()) return r;
  }
  if (ci < checkpoints.size()) {
    const Checkpoint& c = checkpoints[ci];
    if (!key.verify(c))
      return fail(0, c.tree_size, describe(c) + ": its signature does not verify with this public key (the checkpoint was altered)");
    const Checkpoint& last = checkpoints.back();  // the furthest any checkpoint reaches
    std::string which = last.tree_size == entries.size() + 1 ? "entry " + n(last.tree_size) + " was"
                                                             : "entries " + n(entries.size() + 1) + ".." + n(last.tree_size) + " were";
    return fail(static_cast<std::int64_t>(entries.size()) + 1, last.tree_size,
                which + " removed: the " + describe(last) + " covers " + n(last.tree_size) + " entries, " + n(entries.size()) +
                    " are stored");
  }
  // Each checkpoint is consistent with the next (RFC 9162 2.1.4.2, from the signed roots).
  MerkleTree tree(std::move(leaves));
  for (std::size_t i = 1; i < checkpoints.size(); ++i) {
    const Checkpoint& a = checkpoints[i - 1];
    const Checkpoint& b = checkpoints[i];
    if (a.tree_size == b.tree_size) continue;
    if (!verify_consistency(a.tree_size, b.tree_size, a.root, b.root, tree.consistency_proof(a.tree_size, b.tree_size)))
      return fail(static_cast<std::int64_t>(a.tree_size) + 1, b.tree_size,
                  "the " + describe(b) + " is not consistent with the " + describe(a));
  }
  r.message = "audit log verified: " + n(entries.size()) + " entries, " + n(checkpoints.size()) + " signed checkpoints";
  if (!checkpoints.empty()) r.message += " (the latest at size " + n(checkpoints.back().tree_size) + ", signed at " + checkpoints.back().signed_at + ")";
  r.message += ", each consistent with the next";
  std::uint64_t unsigned_tail = entries.size() - (checkpoints.empty() ? 0 : checkpoints.back().tree_size);
  if (unsigned_tail) r.message += "; " + n(unsigned_tail) + " entries after the latest checkpoint are not signed yet";
  return r;
}

}  // namespace hidewire::audit
