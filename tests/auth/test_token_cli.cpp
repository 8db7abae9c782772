// hidewire token as a user runs it: keygen -> make -> inspect (verify), secret, usage errors.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "auth/jwt.hpp"

namespace {

struct Run {
  int code = -1;
  std::string out;  // standard output
};

Run run(const std::string& args) {
  Run r;
  std::string cmd = std::string(HIDEWIRE_BIN) + " token " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string dir() {
  static const std::string d = [] {
    auto p = std::filesystem::temp_directory_path() / ("hidewire-token-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return d;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("keygen, make and inspect: ES256 and RS256 tokens that verify with the public key only") {
  for (const char* alg : {"ES256", "RS256"}) REQUIRE(run(std::string("keygen --alg ") + alg + " --out " + dir() + "/rx9-" + alg).code == 0);
  for (const char* alg : {"ES256", "RS256"}) {
    CAPTURE(alg);
    std::string prefix = dir() + "/rx9-" + alg;
    auto perms = std::filesystem::status(prefix + ".key").permissions() & std::filesystem::perms::all;
    CHECK(perms == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK(std::filesystem::exists(prefix + ".pub"));

    Run m = run("make --key " + prefix + ".key --alg " + alg +
                " --iss https://ems.rx9.nhs.example --aud https://hidewire.b86010.nhs.example:8443 --org RX9"
                " --practitioner-id G1234567 --practitioner-name 'Chidi Okafor' --sds-role R8000 --purpose emergency"
                " --scope 'patient/*.read' --ttl 120 --iat 1796225485 --jti 7c9e6679-7425-40de-944b-e07fc1f90ae7"
                " --break-glass 'unconscious, no history' --claim ward=A4");
    REQUIRE(m.code == 0);
    std::string token = trimmed(m.out);
    std::string err;
    auto jwt = hidewire::auth::parse_jwt(token, err);
    REQUIRE(jwt);
    CHECK(jwt->alg == alg);
    CHECK(contains(jwt->claims_json, R"("exp":1796225605)"));
    CHECK(contains(jwt->claims_json, R"("jti":"7c9e6679-7425-40de-944b-e07fc1f90ae7")"));
    CHECK(contains(jwt->claims_json, R"("value":"RX9")"));
    CHECK(contains(jwt->claims_json, R"("ward":"A4")"));

    Run ok = run("inspect " + token + " --key " + prefix + ".pub");
    CHECK(ok.code == 0);
    CHECK(contains(ok.out, R"("signature": "verified")"));
    CHECK(contains(ok.out, R"("family": "Okafor")"));
    CHECK(contains(ok.out, R"("break_glass_reason": "unconscious, no history")"));
    Run other = run("inspect " + token + " --key " + dir() + "/rx9-" + (std::string(alg) == "ES256" ? "RS256" : "ES256") + ".pub");
    CHECK(other.code == 1);
    CHECK(contains(other.out, R"("signature": "does not verify")"));
    std::string file = prefix + ".jwt";
    std::FILE* f = std::fopen(file.c_str(), "w");
    REQUIRE(f);
    std::fputs((token + "\n").c_str(), f);
    std::fclose(f);
    Run from_stdin = run("inspect - < " + file);
    CHECK(from_stdin.code == 0);
    CHECK(contains(from_stdin.out, "not checked"));
  }
}

TEST_CASE("make: a patient token and GP Connect's unsigned form") {
  Run p = run("make --key " + dir() + "/rx9-RS256.key --iss https://auth.login.nhs.example --aud patient-app --nhs-number 9434765919");
  REQUIRE(p.code == 0);
  std::string err;
  CHECK(contains(hidewire::auth::parse_jwt(trimmed(p.out), err)->claims_json, R"("nhs_number":"9434765919")"));
  Run u = run("make --unsigned --iss https://ems.rx9.nhs.example --aud https://hidewire.b86010.nhs.example:8443 --org RX9");
  REQUIRE(u.code == 0);
  auto jwt = hidewire::auth::parse_jwt(trimmed(u.out), err);
  REQUIRE(jwt);
  CHECK(jwt->alg == "none");
  CHECK(jwt->empty_signature);
  CHECK(contains(run("inspect " + trimmed(u.out)).out, R"("signature": "none")"));
}

TEST_CASE("secret: a bearer token and the SHA-256 line the config keeps") {
  Run s = run("secret");
  REQUIRE(s.code == 0);
  REQUIRE(s.out.rfind("token: ", 0) == 0);
  std::string token = s.out.substr(7, s.out.find('\n') - 7);
  CHECK(token.size() == 43);
  CHECK(contains(s.out, "\ntoken_sha256: " + hidewire::auth::sha256_hex(token) + "\n"));
  CHECK(run("secret").out != s.out);
}

TEST_CASE("usage errors exit 2") {
  for (const char* args : {"", "frobnicate", "keygen --alg HS256 --out x", "keygen --alg ES256", "make --iss a", "make --iss a --aud b",
                           "make --unsigned --key k.pem --iss a --aud b", "make --unsigned --iss a --aud b --ttl soon",
                           "make --unsigned --iss a --aud b --claim exp=0", "make --unsigned --iss a --aud b --sds-role R8000", "inspect",
                           "secret extra"}) {
    CAPTURE(args);
    CHECK(run(args).code == 2);
  }
  CHECK(run("inspect not-a-token").code == 1);
  CHECK(run("make --key /nonexistent/k.pem --iss a --aud b").code == 3);
  CHECK(run("make --key " + dir() + "/rx9-ES256.pub --iss a --aud b").code == 2);  // a public key cannot sign
}
