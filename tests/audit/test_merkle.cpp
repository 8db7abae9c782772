// The Merkle tree against RFC 6962's published test vectors (as the Certificate Transparency
// reference implementations carry them), and every proof of every small tree round-tripped.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "audit/merkle.hpp"

using namespace hidewire::audit;

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

Hash h(const char* hex) { return *hash_from_hex(hex); }

const std::vector<std::string> kLeaves = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f"};
// The root for sizes 1..8.
const std::vector<std::string> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> vector_leaves() {
  std::vector<Hash> out;
  for (const std::string& l : kLeaves) out.push_back(leaf_hash(unhex(l)));
  return out;
}

std::vector<Hash> leaves(std::size_t n) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leaf_hash("entry " + std::to_string(i)));
  return out;
}

std::vector<std::string> hexes(const std::vector<Hash>& v) {
  std::vector<std::string> out;
  for (const Hash& x : v) out.push_back(to_hex(x));
  return out;
}

}  // namespace

TEST_CASE("the empty tree and the reference roots for sizes 1 to 8") {
  CHECK(to_hex(empty_root()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(root_of({})) == to_hex(empty_root()));
  std::vector<Hash> l = vector_leaves();
  CompactRange range;
  MerkleTree tree(l);
  for (std::size_t n = 1; n <= l.size(); ++n) {
    range.append(l[n - 1]);
    CHECK(range.size() == n);
    CHECK(to_hex(range.root()) == kRoots[n - 1]);
    CHECK(to_hex(root_of(std::span<const Hash>(l).first(n))) == kRoots[n - 1]);
    CHECK(to_hex(tree.root(n)) == kRoots[n - 1]);
  }
}

TEST_CASE("the reference inclusion proofs") {
  std::vector<Hash> l = vector_leaves();
  struct Case {
    std::uint64_t index, size;
    std::vector<std::string> path;
  };
  const std::vector<Case> cases = {
      {0, 8, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {0, 1, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.index);
    CAPTURE(c.size);
    std::span<const Hash> tree(l.data(), c.size);
    CHECK(hexes(inclusion_proof(tree, c.index)) == c.path);
    std::vector<Hash> path;
    for (const std::string& p : c.path) path.push_back(h(p.c_str()));
    CHECK(verify_inclusion(c.index, c.size, l[c.index], path, *hash_from_hex(kRoots[c.size - 1])));
  }
}

TEST_CASE("the reference consistency proofs") {
  std::vector<Hash> l = vector_leaves();
  struct Case {
    std::uint64_t first, second;
    std::vector<std::string> path;
  };
  const std::vector<Case> cases = {
      {1, 8, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.first);
    CAPTURE(c.second);
    CHECK(hexes(consistency_proof(std::span<const Hash>(l.data(), c.second), c.first)) == c.path);
    std::vector<Hash> path;
    for (const std::string& p : c.path) path.push_back(h(p.c_str()));
    CHECK(verify_consistency(c.first, c.second, *hash_from_hex(kRoots[c.first - 1]), *hash_from_hex(kRoots[c.second - 1]), path));
  }
}

TEST_CASE("every inclusion proof up to 64 leaves verifies, and a wrong index, size, leaf or path does not") {
  std::vector<Hash> l = leaves(64);
  MerkleTree tree(l);
  for (std::uint64_t n = 1; n <= 64; ++n) {
    Hash root = tree.root(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      CAPTURE(n);
      CAPTURE(i);
      std::vector<Hash> path = tree.inclusion_proof(i, n);
      REQUIRE(verify_inclusion(i, n, l[i], path, root));
      if (n > 1) {
        CHECK_FALSE(verify_inclusion((i + 1) % n, n, l[i], path, root));
        CHECK_FALSE(verify_inclusion(i, n, l[(i + 1) % n], path, root));
      }
      CHECK_FALSE(verify_inclusion(i, n * 2, l[i], path, root));
      if (n > 1) CHECK_FALSE(verify_inclusion(i, n / 2, l[i], path, root));
      CHECK_FALSE(verify_inclusion(i, n, l[i], path, leaf_hash("another root")));
      if (!path.empty()) {
        std::vector<Hash> bad = path;
        bad[bad.size() / 2][0] ^= 8;
        CHECK_FALSE(verify_inclusion(i, n, l[i], bad, root));
        bad = path;
        bad.pop_back();
        CHECK_FALSE(verify_inclusion(i, n, l[i], bad, root));
      }
      std::vector<Hash> longer = path;
      longer.push_back(root);
      CHECK_FALSE(verify_inclusion(i, n, l[i], longer, root));
    }
  }
}

TEST_CASE("every consistency proof up to 64 leaves verifies, and a wrong size, root or path does not") {
  std::vector<Hash> l = leaves(64);
  MerkleTree tree(l);
  for (std::uint64_t n = 1; n <= 64; ++n) {
    for (std::uint64_t m = 1; m <= n; ++m) {
      CAPTURE(m);
      CAPTURE(n);
      std::vector<Hash> path = tree.consistency_proof(m, n);
      Hash first = tree.root(m), second = tree.root(n);
      REQUIRE(verify_consistency(m, n, first, second, path));
      CHECK(hexes(path) == hexes(consistency_proof(std::span<const Hash>(l.data(), n), m)));
      if (m == n) continue;
      CHECK_FALSE(verify_consistency(m, n, second, first, path));
      CHECK_FALSE(verify_consistency(m, n, leaf_hash("x"), second, path));
      CHECK_FALSE(verify_consistency(m, n, first, leaf_hash("x"), path));
      CHECK_FALSE(verify_consistency(m, n, first, second, {}));
      if (m > 1) CHECK_FALSE(verify_consistency(m - 1, n, first, second, path));
      CHECK_FALSE(verify_consistency(m, n * 2, first, second, path));
      std::vector<Hash> bad = path;
      bad.back()[0] ^= 16;
      CHECK_FALSE(verify_consistency(m, n, first, second, bad));
      bad = path;
      bad.pop_back();
      CHECK_FALSE(verify_consistency(m, n, first, second, bad));
    }
  }
}

TEST_CASE("hex and base64") {
  Hash x = leaf_hash("");
  CHECK(hash_from_hex(to_hex(x)) == x);
  CHECK(hash_from_base64(to_base64(x)) == x);
  CHECK(to_base64(std::string_view("ab")) == "YWI=");
  CHECK(from_base64("YWI=") == std::string("ab"));
  CHECK(from_base64("YQ==") == std::string("a"));
  CHECK_FALSE(from_base64("YQ=").has_value());
  CHECK_FALSE(hash_from_hex("zz").has_value());
}
