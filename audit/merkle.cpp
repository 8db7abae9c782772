#include "audit/merkle.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace hidewire::audit {
namespace {

// The largest power of two smaller than n (n >= 2): RFC 6962's split point.
std::uint64_t split(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

}  // namespace

Hash sha256(std::string_view data) {
  Hash h;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), h.data());
  return h;
}

Hash leaf_hash(std::string_view entry) {
  // One context per thread, reused: making one per hash costs more than hashing a small event.
  thread_local EVP_MD_CTX* c = EVP_MD_CTX_new();
  const unsigned char prefix = 0x00;
  Hash h;
  unsigned int len = 0;
  EVP_DigestInit_ex(c, EVP_sha256(), nullptr);
  EVP_DigestUpdate(c, &prefix, 1);
  EVP_DigestUpdate(c, entry.data(), entry.size());
  EVP_DigestFinal_ex(c, h.data(), &len);
  return h;
}

Hash node_hash(const Hash& left, const Hash& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  Hash h;
  SHA256(buf, sizeof buf, h.data());
  return h;
}

Hash empty_root() { return sha256({}); }

std::string to_hex(const Hash& h) {
  static const char* digits = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = digits[h[i] >> 4];
    out[2 * i + 1] = digits[h[i] & 15];
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash h;
  for (std::size_t i = 0; i < h.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return h;
}

std::string to_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string to_base64(const Hash& h) { return to_base64(std::string_view(reinterpret_cast<const char*>(h.data()), h.size())); }

std::optional<std::string> from_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock keeps the padding's zero bytes: take them off.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::optional<Hash> hash_from_base64(std::string_view text) {
  auto bytes = from_base64(text);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

void CompactRange::append(const Hash& leaf) {
  // Like adding one to a binary counter: each full subtree at the right end merges with its left
  // neighbour of the same size.
  Hash h = leaf;
  for (std::uint64_t s = size_; s & 1; s >>= 1) {
    h = node_hash(nodes_.back(), h);
    nodes_.pop_back();
  }
  nodes_.push_back(h);
  ++size_;
}

Hash CompactRange::root() const {
  if (nodes_.empty()) return empty_root();
  Hash r = nodes_.back();
  for (std::size_t i = nodes_.size() - 1; i-- > 0;) r = node_hash(nodes_[i], r);
  return r;
}

Hash root_of(std::span<const Hash> leaves) {
  CompactRange r;
  for (const Hash& h : leaves) r.append(h);
  return r.root();
}

MerkleTree::MerkleTree(std::vector<Hash> leaves) {
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) {
    const std::vector<Hash>& below = levels_.back();
    std::vector<Hash> up(below.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) up[i] = node_hash(below[2 * i], below[2 * i + 1]);
    levels_.push_back(std::move(up));
  }
}

Hash MerkleTree::range(std::uint64_t begin, std::uint64_t end) const {
  std::uint64_t n = end - begin;
  if (n == 0) return empty_root();
  // A perfect subtree aligned to its size is stored.
  if ((n & (n - 1)) == 0 && begin % n == 0) {
    std::size_t level = 0;
    while ((std::uint64_t{1} << level) < n) ++level;
    return levels_[level][begin >> level];
  }
  std::uint64_t k = split(n);
  return node_hash(range(begin, begin + k), range(begin + k, end));
}

Hash MerkleTree::root(std::uint64_t n) const { return range(0, n); }

std::vector<Hash> MerkleTree::inclusion_proof(std::uint64_t index, std::uint64_t n) const {
  std::vector<Hash> out;
  if (index >= n || n > size()) return out;
  // Built from the top down, then reversed: the verifier wants the leaf's sibling first.
  std::uint64_t begin = 0, end = n;
  while (end - begin > 1) {
    std::uint64_t k = split(end - begin);
    if (index < begin + k) {
      out.push_back(range(begin + k, end));
      end = begin + k;
    } else {
      out.push_back(range(begin, begin + k));
      begin += k;
    }
  }
  return {out.rbegin(), out.rend()};
}

void MerkleTree::subproof(std::uint64_t begin, std::uint64_t end, std::uint64_t m, bool complete, std::vector<Hash>& out) const {
  std::uint64_t n = end - begin;
  if (m == n) {
    if (!complete) out.push_back(range(begin, end));
    return;
  }
  std::uint64_t k = split(n);
  if (m <= k) {
    subproof(begin, begin + k, m, complete, out);
    out.push_back(range(begin + k, end));
  } else {
    subproof(begin + k, end, m - k, false, out);
    out.push_back(range(begin, begin + k));
  }
}

std::vector<Hash> MerkleTree::consistency_proof(std::uint64_t first, std::uint64_t second) const {
  std::vector<Hash> out;
  if (first == 0 || first >= second || second > size()) return out;
  subproof(0, second, first, true, out);
  return out;
}

std::vector<Hash> inclusion_proof(std::span<const Hash> leaves, std::uint64_t index) {
  return MerkleTree({leaves.begin(), leaves.end()}).inclusion_proof(index, leaves.size());
}

std::vector<Hash> consistency_proof(std::span<const Hash> leaves, std::uint64_t first) {
  return MerkleTree({leaves.begin(), leaves.end()}).consistency_proof(first, leaves.size());
}

bool verify_inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> path, const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = node_hash(p, r);
      if (!(fn & 1))
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root, const Hash& second_root,
                        std::span<const Hash> path) {
  if (first > second) return false;
  if (first == second) return path.empty() && first_root == second_root;
  if (first == 0) return path.empty();  // the empty tree is a prefix of every tree
  if (path.empty()) return false;
  std::vector<Hash> p(path.begin(), path.end());
  if ((first & (first - 1)) == 0) p.insert(p.begin(), first_root);  // an exact power of two
  std::uint64_t fn = first - 1, sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = p[0], sr = p[0];
  for (std::size_t i = 1; i < p.size(); ++i) {
    const Hash& c = p[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1))
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

}  // namespace hidewire::audit
