#include "audit/signing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace hidewire::audit {
namespace {

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (!e) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

// Writes a file only this user can read; `exclusive`: it must not exist yet.
void write_private(const std::string& path, const std::string& data, bool exclusive) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0600);
  if (fd < 0) throw KeyError(path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      throw KeyError(path + ": " + why);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw KeyError(path + ": " + std::strerror(errno));
}

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw KeyError(path + ": " + std::strerror(errno));
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace

std::string checkpoint_note(std::string_view origin, std::uint64_t size, const Hash& root, std::string_view signed_at) {
  std::string out = "hidewire-audit/";
  out += origin;
  out += '\n';
  out += std::to_string(size);
  out += '\n';
  out += to_base64(root);
  out += '\n';
  out += signed_at;
  out += '\n';
  return out;
}

SigningKey SigningKey::load_or_create(const std::string& key_path, const std::string& pub_path) {
  SigningKey k;
  if (std::filesystem::exists(key_path)) {
    std::string pem = read_file(key_path);
    BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    k.key_ = own(PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr));
    BIO_free(b);
    if (!k.key_) throw KeyError(key_path + ": not a PEM private key (" + openssl_error() + ")");
    if (EVP_PKEY_get_base_id(k.key_.get()) != EVP_PKEY_EC) throw KeyError(key_path + ": not an ECDSA key");
    return k;
  }
  k.key_ = own(EVP_EC_gen("P-256"));
  if (!k.key_) throw KeyError("cannot make an ECDSA P-256 key: " + openssl_error());
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k.key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::string pem = bio_text(b);
  BIO_free(b);
  write_private(key_path, pem, true);
  write_private(pub_path, k.public_pem(), false);
  return k;
}

std::string SigningKey::public_pem() const {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(b, key_.get());
  std::string out = bio_text(b);
  BIO_free(b);
  return out;
}

std::string SigningKey::sign(std::string_view message) const {
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string sig;
  bool ok = EVP_DigestSignInit(c, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(c, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(c, reinterpret_cast<unsigned char*>(sig.data()), &len, reinterpret_cast<const unsigned char*>(message.data()),
                        message.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(c);
  if (!ok) throw KeyError("cannot sign the checkpoint: " + openssl_error());
  return to_base64(sig);
}

PublicKey PublicKey::from_pem(std::string_view pem) {
  PublicKey k;
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  k.key_ = own(PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr));
  if (!k.key_) {
    ERR_clear_error();
    BIO_reset(b);
    k.key_ = own(PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr));
  }
  BIO_free(b);
  if (!k.key_) throw KeyError("not a PEM public key (" + openssl_error() + ")");
  return k;
}

PublicKey PublicKey::load(const std::string& path) {
  try {
    return from_pem(read_file(path));
  } catch (const KeyError& e) {
    std::string what = e.what();
    throw KeyError(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}

bool PublicKey::verify(std::string_view message, std::string_view signature_base64) const {
  auto sig = from_base64(signature_base64);
  if (!sig || sig->empty()) return false;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(c, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(c, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(c);
  ERR_clear_error();
  return ok;
}

}  // namespace hidewire::audit
