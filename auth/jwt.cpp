#include "auth/jwt.hpp"

#include <fcntl.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

namespace hidewire::auth {
namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

bool is_json_object(const std::string& text) {
  rapidjson::Document d;
  return !d.Parse(text.c_str(), text.size()).HasParseError() && d.IsObject();
}

void write_file(const std::string& path, const std::string& data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(path + ": cannot be written");
  bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw std::runtime_error(path + ": cannot be written");
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kB64Url[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kB64Url[(v >> 18) & 63];
    out += kB64Url[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    for (int s = 18; s >= 6; s -= 6) out += kB64Url[(v >> s) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned v = 0;
  int bits = 0;
  for (char ch : in) {
    const char* p = ch ? std::strchr(kB64Url, ch) : nullptr;
    if (!p) return std::nullopt;  // padding, '+' and '/' are not base64url
    v = (v << 6) | static_cast<unsigned>(p - kB64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr)) throw std::runtime_error("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string random_token(std::size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) throw std::runtime_error("no random bytes");
  return base64url_encode(bytes);
}

std::string random_uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("no random bytes");
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

Key key_from_pem(const std::string& pem, const std::string& what) {
  Key k;
  k.file = what;
  k.pem = pem;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    k.is_private = true;
  }
  if (!pkey) throw std::runtime_error(what + ": not a PEM public or private key");
  int id = EVP_PKEY_get_base_id(pkey.get());
  if (id == EVP_PKEY_EC) {
    char group[64] = {};
    std::size_t len = 0;
    if (!EVP_PKEY_get_group_name(pkey.get(), group, sizeof group, &len) || std::string(group) != "prime256v1")
      throw std::runtime_error(what + ": an EC key must be on P-256 for ES256");
    k.alg = "ES256";
  } else if (id == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(pkey.get()) < 2048) throw std::runtime_error(what + ": an RSA key must have at least 2048 bits");
    k.alg = "RS256";
  } else {
    throw std::runtime_error(what + ": only EC P-256 (ES256) and RSA (RS256) keys are taken");
  }
  k.pkey = std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
  return k;
}

Key load_key(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": key file cannot be read");
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return key_from_pem(pem, file);
}

std::optional<Jwt> parse_jwt(std::string_view token, std::string& error) {
  std::size_t a = token.find('.'), b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) {
    error = "not a JWT (three dot-separated parts)";
    return std::nullopt;
  }
  auto header = base64url_decode(token.substr(0, a));
  auto claims = base64url_decode(token.substr(a + 1, b - a - 1));
  if (!header || !claims || !base64url_decode(token.substr(b + 1))) {
    error = "the JWT is not base64url";
    return std::nullopt;
  }
  rapidjson::Document h;
  if (h.Parse(header->c_str(), header->size()).HasParseError() || !h.IsObject() || !h.HasMember("alg") || !h["alg"].IsString()) {
    error = "the JWT header is not a JSON object with an alg";
    return std::nullopt;
  }
  if (!is_json_object(*claims)) {
    error = "the JWT claims are not a JSON object";
    return std::nullopt;
  }
  Jwt j;
  j.header_json = std::move(*header);
  j.claims_json = std::move(*claims);
  j.alg = h["alg"].GetString();
  j.empty_signature = b + 1 == token.size();
  return j;
}

bool verify_jwt(std::string_view token, const Key& key) {
  std::string err;
  auto parsed = parse_jwt(token, err);
  // The algorithm is the key's, never the token's choice: no HS256 with a public key as secret.
  if (!parsed || parsed->alg != key.alg || parsed->empty_signature) return false;
  if (!key.pkey) return false;
  std::size_t last = token.rfind('.');
  std::string_view signed_part = token.substr(0, last);
  std::optional<std::string> sig = base64url_decode(token.substr(last + 1));
  if (!sig) return false;
  std::string der;  // ES256 signs r || s (32 bytes each, RFC 7518 3.4); OpenSSL verifies DER
  if (key.alg == "ES256") {
    if (sig->size() != 64) return false;
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()) + 32, 32, nullptr);
    if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
      BN_free(r);
      BN_free(s);
      ECDSA_SIG_free(es);
      return false;
    }
    unsigned char* out = nullptr;
    int n = i2d_ECDSA_SIG(es, &out);
    ECDSA_SIG_free(es);
    if (n <= 0) return false;
    der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
  } else {
    der = std::move(*sig);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::string sign_jwt(const std::string& claims_json, const Key* key) {
  if (!is_json_object(claims_json)) throw std::runtime_error("JWT claims must be a JSON object");
  if (key && !key->is_private) throw std::runtime_error(key->file + ": signing needs a private key");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("out of memory");
  JwtPtr j(raw);
  if (jwt_add_grants_json(j.get(), claims_json.c_str()) != 0) throw std::runtime_error("libjwt refused the claims");
  int rc = key ? jwt_set_alg(j.get(), jwt_str_alg(key->alg.c_str()), reinterpret_cast<const unsigned char*>(key->pem.data()),
                             static_cast<int>(key->pem.size()))
               : jwt_set_alg(j.get(), JWT_ALG_NONE, nullptr, 0);
  if (rc != 0) throw std::runtime_error("libjwt refused the key");
  char* out = jwt_encode_str(j.get());
  if (!out) throw std::runtime_error("libjwt could not sign the token");
  std::string token(out);
  std::free(out);  // libjwt 1.10 allocates with malloc and has no jwt_free_str
  return token;
}

void generate_key_pair(const std::string& alg, const std::string& prefix) {
  PkeyPtr pkey;
  if (alg == "ES256") pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  else if (alg == "RS256") pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  else throw std::runtime_error("--alg must be ES256 or RS256");
  if (!pkey) throw std::runtime_error("key generation failed");
  auto pem = [&](bool priv) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    int ok = priv ? PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr)
                  : PEM_write_bio_PUBKEY(bio.get(), pkey.get());
    if (!ok) throw std::runtime_error("key could not be written as PEM");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  };
  write_file(prefix + ".key", pem(true), 0600);
  write_file(prefix + ".pub", pem(false), 0644);
}

}  // namespace hidewire::auth
