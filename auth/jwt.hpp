// JSON Web Tokens as the node takes them: ES256 and RS256 only (libjwt 1.10 signs; OpenSSL verifies, with the key decoded once),
// plus GP Connect's unsigned form (alg none, empty signature) that only the authenticator may
// accept, and only from a configured consumer over mutual TLS. Keys are PEM files.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace hidewire::auth {

// A PEM key as read from its file: the text libjwt signs with, the key decoded once (verifying
// with it is a seventh of decoding the PEM again for every token), and what it is.
struct Key {
  std::string file;
  std::string pem;
  std::string alg;  // ES256 (an EC P-256 key) or RS256 (an RSA key of 2048 bits or more)
  bool is_private = false;
  std::shared_ptr<EVP_PKEY> pkey;
};

// Reads a PEM public or private key; throws std::runtime_error naming the file and why.
Key load_key(const std::string& file);
Key key_from_pem(const std::string& pem, const std::string& what);

// A token split and decoded, its signature not yet checked.
struct Jwt {
  std::string header_json, claims_json;  // decoded JSON text
  std::string alg;                       // the header's alg, as written
  bool empty_signature = false;
};

// "aaa.bbb.ccc" (the third part may be empty) -> the parts decoded; nullopt with `error` set when
// it is not a JWT (bad base64url, header or claims not a JSON object, no alg).
std::optional<Jwt> parse_jwt(std::string_view token, std::string& error);

// True when `token` is signed with `key` under the key's algorithm, which must be the header's.
bool verify_jwt(std::string_view token, const Key& key);

// Signs `claims_json` (a JSON object) with a private key; alg none when key is null (the
// unsigned GP Connect form). Throws std::runtime_error when libjwt refuses.
std::string sign_jwt(const std::string& claims_json, const Key* key);

// Writes a new key pair: PREFIX.key (private, 0600) and PREFIX.pub. alg: ES256 or RS256.
void generate_key_pair(const std::string& alg, const std::string& prefix);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// `n` random bytes, base64url: token secrets and jti values.
std::string random_token(std::size_t n);
// A random (version 4) UUID, for request ids and token ids.
std::string random_uuid();

}  // namespace hidewire::auth
