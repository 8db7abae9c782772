#include "audit/verify.hpp"

#include <charconv>

namespace hidewire::audit {
namespace {

// An AuditEvent, and the compact record of a journal commit's messages (audit/submit_record.hpp):
// both carry their position in the log as "id", right after their first member.
constexpr std::string_view kPrefixes[] = {"{\"resourceType\":\"AuditEvent\",", "{\"hidewire\":\"submits\","};
constexpr std::string_view kId = "\"id\":\"";

std::string n(std::uint64_t v) { return std::to_string(v); }

std::string_view prefix_of(std::string_view event_json) {
  for (std::string_view p : kPrefixes)
    if (event_json.substr(0, p.size()) == p) return p;
  return {};
}

}  // namespace

std::string with_seq(std::string_view event_json, std::int64_t seq) {
  std::string_view prefix = prefix_of(event_json);
  if (prefix.empty() || event_json.substr(prefix.size(), kId.size()) == kId) return std::string(event_json);
  std::string out;
  out.reserve(event_json.size() + 32);
  out += prefix;
  out += kId;
  out += std::to_string(seq);
  out += "\",";
  out += event_json.substr(prefix.size());
  return out;
}

std::string event_id(std::string_view event_json) {
  std::string_view prefix = prefix_of(event_json);
  if (prefix.empty() || event_json.substr(prefix.size(), kId.size()) != kId) return {};
  std::string_view rest = event_json.substr(prefix.size() + kId.size());
  auto end = rest.find('"');
  return end == std::string_view::npos ? std::string() : std::string(rest.substr(0, end));
}

std::int64_t recorded_seq(std::string_view event_json) {
  std::string id = event_id(event_json);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  return ec != std::errc() || id.empty() || end != id.data() + id.size() ? 0 : v;
}

std::string index_fault(std::int64_t seq, const std::string& columns) {
  return "entry " + std::to_string(seq) + " was edited: its indexed " + columns +
         " no longer match its event (the leaf hash covers the event only; queries and who-saw read the index)";
}

namespace {
std::string describe(const Checkpoint& c) { return "checkpoint at size " + n(c.tree_size) + " (signed at " + c.signed_at + ")"; }
}  // namespace

LogVerifier::LogVerifier(std::vector<Checkpoint> checkpoints, const PublicKey& key) : checkpoints_(std::move(checkpoints)), key_(key) {
  r_.checkpoints = checkpoints_.size();
}

bool LogVerifier::fail(std::int64_t entry, std::uint64_t checkpoint, std::string message) {
  r_.ok = false;
  r_.bad_entry = entry;
  r_.bad_checkpoint = checkpoint;
  r_.message = std::move(message);
  return false;
}

bool LogVerifier::check_checkpoints() {
  for (; next_ < checkpoints_.size() && checkpoints_[next_].tree_size <= range_.size(); ++next_) {
    const Checkpoint& c = checkpoints_[next_];
    if (!key_.verify(c))
      return fail(0, c.tree_size, describe(c) + ": its signature does not verify with this public key (the checkpoint was altered)");
    if (c.tree_size < range_.size()) continue;  // a size already checked: a duplicate row
    if (range_.root() != c.root) {
      std::uint64_t from = good_ + 1;
      std::string who = from == c.tree_size ? "entry " + n(from) + " was" : "one of entries " + n(from) + ".." + n(c.tree_size) + " was";
      return fail(static_cast<std::int64_t>(from), c.tree_size,
                  who + " edited, removed or reordered (and its leaf hash rewritten to match): the " + describe(c) +
                      " does not match the log");
    }
    good_ = c.tree_size;
  }
  return true;
}

bool LogVerifier::add(const StoredEntry& e) {
  if (!r_.ok) return false;
  std::int64_t expected = static_cast<std::int64_t>(range_.size()) + 1;
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
  if (e.index) {
    std::optional<EntryIndex> derived = derive_index(e.event_json);
    if (!derived)
      return fail(e.seq, 0, "entry " + n(e.seq) + " is neither an AuditEvent nor a batch of journalled messages: its indexed columns cannot be checked");
    if (std::string bad = index_mismatch(*e.index, *derived); !bad.empty())
      return fail(e.seq, 0, index_fault(e.seq, bad));
  }
  range_.append(leaf);
  leaves_.push_back(leaf);
  return check_checkpoints();
}

VerifyResult LogVerifier::finish() {
  r_.entries = range_.size();
  if (!r_.ok) return r_;
  std::uint64_t stored = range_.size();
  if (next_ < checkpoints_.size()) {
    for (std::size_t i = next_; i < checkpoints_.size(); ++i)
      if (!key_.verify(checkpoints_[i])) {
        fail(0, checkpoints_[i].tree_size,
             describe(checkpoints_[i]) + ": its signature does not verify with this public key (the checkpoint was altered)");
        return r_;
      }
    const Checkpoint& last = checkpoints_.back();  // the furthest any checkpoint reaches
    std::string which = last.tree_size == stored + 1 ? "entry " + n(last.tree_size) + " was"
                                                     : "entries " + n(stored + 1) + ".." + n(last.tree_size) + " were";
    fail(static_cast<std::int64_t>(stored) + 1, last.tree_size,
         which + " removed: the " + describe(last) + " covers " + n(last.tree_size) + " entries, " + n(stored) + " are stored");
    return r_;
  }
  // Each checkpoint is consistent with the next (RFC 9162 2.1.4.2, from the signed roots).
  MerkleTree tree(std::move(leaves_));
  for (std::size_t i = 1; i < checkpoints_.size(); ++i) {
    const Checkpoint& a = checkpoints_[i - 1];
    const Checkpoint& b = checkpoints_[i];
    if (a.tree_size == b.tree_size) continue;
    if (!verify_consistency(a.tree_size, b.tree_size, a.root, b.root, tree.consistency_proof(a.tree_size, b.tree_size))) {
      fail(static_cast<std::int64_t>(a.tree_size) + 1, b.tree_size, "the " + describe(b) + " is not consistent with the " + describe(a));
      return r_;
    }
  }
  r_.message = "audit log verified: " + n(stored) + " entries, " + n(checkpoints_.size()) + " signed checkpoints";
  if (!checkpoints_.empty())
    r_.message += " (the latest at size " + n(checkpoints_.back().tree_size) + ", signed at " + checkpoints_.back().signed_at + ")";
  r_.message += ", each consistent with the next";
  std::uint64_t unsigned_tail = stored - (checkpoints_.empty() ? 0 : checkpoints_.back().tree_size);
  if (unsigned_tail) r_.message += "; " + n(unsigned_tail) + " entries after the latest checkpoint are not signed yet";
  return r_;
}

VerifyResult verify_log(const std::vector<StoredEntry>& entries, const std::vector<Checkpoint>& checkpoints, const PublicKey& key) {
  LogVerifier v(checkpoints, key);
  for (const StoredEntry& e : entries)
    if (!v.add(e)) break;
  return v.finish();
}

}  // namespace hidewire::audit
