// The Merkle tree of RFC 6962 section 2.1 with SHA-256, as Certificate Transparency uses it:
// leaf hash SHA-256(0x00 || entry), interior node SHA-256(0x01 || left || right), the tree over n
// leaves split at the largest power of two below n. The audit log appends leaves to a compact
// range (the roots of the perfect subtrees that make up the tree, one per set bit of its size),
// so an append and a new root cost O(log n); proofs are computed from the stored leaf hashes and
// checked as RFC 9162 sections 2.1.3.2 and 2.1.4.2 give the verifiers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::audit {

using Hash = std::array<unsigned char, 32>;

Hash sha256(std::string_view data);
Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();  // MTH({}) = SHA-256 of nothing

std::string to_hex(const Hash& h);
std::optional<Hash> hash_from_hex(std::string_view hex);
std::string to_base64(std::string_view bytes);
std::string to_base64(const Hash& h);
std::optional<std::string> from_base64(std::string_view text);
std::optional<Hash> hash_from_base64(std::string_view text);

// The tree from leaf 0, kept as its compact range.
class CompactRange {
 public:
  void append(const Hash& leaf);
  Hash root() const;
  std::uint64_t size() const { return size_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> nodes_;  // one per set bit of size_, the largest (leftmost) subtree first
};

// All the tree's perfect subtrees, level by level (2n hashes for n leaves), so the root of any
// earlier size and every proof cost O(log^2 n) once it is built (the CLI proves many checkpoints).
class MerkleTree {
 public:
  explicit MerkleTree(std::vector<Hash> leaves);
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& leaf(std::uint64_t i) const { return levels_[0][i]; }
  Hash root(std::uint64_t size) const;  // MTH of the first `size` leaves
  std::vector<Hash> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
  std::vector<Hash> consistency_proof(std::uint64_t first, std::uint64_t second) const;

 private:
  Hash range(std::uint64_t begin, std::uint64_t end) const;  // MTH(D[begin:end])
  void subproof(std::uint64_t begin, std::uint64_t end, std::uint64_t m, bool complete, std::vector<Hash>& out) const;
  std::vector<std::vector<Hash>> levels_;
};

// MTH(D[n]) of these leaf hashes.
Hash root_of(std::span<const Hash> leaves);
// PATH(m, D[n]): the inclusion proof of leaf `index` in the tree of all `leaves`.
std::vector<Hash> inclusion_proof(std::span<const Hash> leaves, std::uint64_t index);
// PROOF(m, D[n]): that the tree of the first `first` leaves is a prefix of the tree of all `leaves`.
std::vector<Hash> consistency_proof(std::span<const Hash> leaves, std::uint64_t first);

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> path, const Hash& root);
bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root, const Hash& second_root,
                        std::span<const Hash> path);

}  // namespace hidewire::audit
