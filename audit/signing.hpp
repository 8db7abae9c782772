// Signed checkpoints of the audit log: a note naming the log, its size and root, signed with the
// node's ECDSA P-256 key (SHA-256, DER signature in base64), so anyone holding the public key can
// check a root, and the proofs built on it, without the node.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "audit/merkle.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace hidewire::audit {

struct KeyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "hidewire-audit/<origin>\n<size>\n<base64 root>\n<signed_at>\n": the bytes that are signed.
std::string checkpoint_note(std::string_view origin, std::uint64_t size, const Hash& root, std::string_view signed_at);

struct Checkpoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  Hash root{};
  std::string signed_at;
  std::string signature;  // base64 DER
  std::string note() const { return checkpoint_note(origin, tree_size, root, signed_at); }
};

class SigningKey {
 public:
  // The PEM private key at key_path; when there is none, a new P-256 key is made there (0600)
  // with its public key at pub_path (0600 too: the operator hands it out).
  static SigningKey load_or_create(const std::string& key_path, const std::string& pub_path);
  std::string sign(std::string_view message) const;  // base64 DER
  std::string public_pem() const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

class PublicKey {
 public:
  // A PEM public key (or a private key, whose public half is used). Throws KeyError.
  static PublicKey load(const std::string& path);
  static PublicKey from_pem(std::string_view pem);
  bool verify(std::string_view message, std::string_view signature_base64) const;
  bool verify(const Checkpoint& c) const { return verify(c.note(), c.signature); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace hidewire::audit
