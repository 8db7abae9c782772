// hidewire audit: the node's tamper-evident audit log, read-only. `verify` recomputes every leaf
// hash, the root at every signed checkpoint, each signature and each checkpoint's consistency
// with the next; `proof` prints an inclusion or consistency proof with the signed checkpoints it
// rests on; `check-proof` checks one offline with only the node's public key; `who-saw` lists
// the accesses to one patient's record (cmd_audit_who_saw.cpp).
#include <rapidjson/document.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "audit/merkle.hpp"
#include "audit/signing.hpp"
#include "audit/verify.hpp"
#include "fhir/json_escape.hpp"
#include "plugins/audit/sqlite/log_reader.hpp"
#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {
// --public-key, else the node's public key beside the database.
std::string audit_key_path(std::map<std::string, std::string>& o) {
  return o.count("public-key") ? o["public-key"] : (std::filesystem::path(o["db"]).parent_path() / "audit-signing.pub").string();
}

namespace {

using audit::Checkpoint;
using audit::Hash;

constexpr const char* kHelp =
    "usage: hidewire audit verify --db FILE [--public-key PEM]\n"
    "       hidewire audit proof --db FILE (--entry SEQ [--size N] | --from M [--to N])\n"
    "       hidewire audit check-proof --proof FILE --public-key PEM [--entry-file JSON]\n"
    "       hidewire audit who-saw --nhs NUMBER --db FILE [--public-key PEM] [--format text|json]\n";

int usage_error(const std::string& why) {
  std::cerr << "hidewire audit: " << why << "\n" << kHelp;
  return kUsage;
}

// --name VALUE pairs; false (with a message) on anything else.
bool options(const Args& args, std::size_t from, std::map<std::string, std::string>& out, std::string& error) {
  for (std::size_t i = from; i < args.size(); ++i) {
    if (args[i].substr(0, 2) != "--" || i + 1 >= args.size()) {
      error = "unexpected argument '" + std::string(args[i]) + "'";
      return false;
    }
    out[std::string(args[i].substr(2))] = args[i + 1];
    ++i;
  }
  return true;
}

std::string checkpoint_json(const Checkpoint& c) {
  return "{\"origin\":\"" + fhir::json_escape(c.origin) + "\",\"tree_size\":" + std::to_string(c.tree_size) + ",\"root_hash\":\"" +
         audit::to_base64(c.root) + "\",\"signed_at\":\"" + fhir::json_escape(c.signed_at) + "\",\"signature\":\"" + c.signature +
         "\",\"note\":\"" + fhir::json_escape(c.note()) + "\"}";
}

std::string path_json(const std::vector<Hash>& path) {
  std::string out = "[";
  for (const Hash& h : path) out += (out.size() > 1 ? ",\"" : "\"") + audit::to_hex(h) + "\"";
  return out + "]";
}

std::optional<std::uint64_t> number(const std::string& text) {
  try {
    std::size_t end = 0;
    unsigned long long v = std::stoull(text, &end);
    if (end != text.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

int verify(std::map<std::string, std::string>& o) {
  if (!o.count("db")) return usage_error("verify needs --db FILE");
  std::string key_path = audit_key_path(o);
  if (!std::filesystem::exists(key_path))
    return usage_error("no public key to check the checkpoints with: " + key_path + " does not exist (give --public-key PEM)");
  plugins::AuditLogReader reader(o["db"]);
  audit::VerifyResult r = reader.verify(audit::PublicKey::load(key_path));
  if (r.ok) {
    std::cout << r.message << "\n";
    return kOk;
  }
  std::cout << "audit log " << o["db"] << " FAILED verification: " << r.message << "\n";
  return kInvalid;
}

int proof(std::map<std::string, std::string>& o) {
  if (!o.count("db")) return usage_error("proof needs --db FILE");
  plugins::AuditLogReader reader(o["db"]);
  // The stored leaf hashes: a checkpoint a proof rests on must still match them (holds, below).
  std::vector<Checkpoint> checkpoints = reader.checkpoints();
  audit::MerkleTree tree(reader.leaf_hashes());
  // The checkpoint at a size: the one asked for, or the latest (covering `at_least`).
  auto signed_at = [&](const std::string& option, std::uint64_t at_least) -> std::optional<Checkpoint> {
    if (o.count(option)) {
      auto n = number(o[option]);
      if (!n) return std::nullopt;
      return reader.checkpoint_at(*n);
    }
    if (checkpoints.empty() || checkpoints.back().tree_size < at_least) return std::nullopt;
    return checkpoints.back();
  };
  auto holds = [&](const Checkpoint& c) {
    if (c.tree_size > tree.size() || tree.root(c.tree_size) != c.root) {
      std::cerr << "hidewire audit proof: the log does not match its checkpoint at size " << c.tree_size
                << ": run hidewire audit verify\n";
      return false;
    }
    return true;
  };
  if (o.count("entry")) {
    auto seq = number(o["entry"]);
    if (!seq || *seq == 0) return usage_error("--entry takes an entry number (1 or more)");
    if (*seq > tree.size()) {
      std::cerr << "hidewire audit proof: there is no entry " << *seq << " (the log has " << tree.size() << ")\n";
      return kInvalid;
    }
    auto c = signed_at("size", *seq);
    if (!c || c->tree_size < *seq) {
      std::cerr << "hidewire audit proof: no signed checkpoint " << (o.count("size") ? "at size " + o["size"] : "covers entry " + o["entry"])
                << " yet\n";
      return kInvalid;
    }
    if (!holds(*c)) return kInvalid;
    std::uint64_t index = *seq - 1;
    std::cout << "{\"type\":\"inclusion\",\"entry\":" << *seq << ",\"leaf_index\":" << index << ",\"tree_size\":" << c->tree_size
              << ",\"leaf_hash\":\"" << audit::to_hex(tree.leaf(index)) << "\",\"path\":" << path_json(tree.inclusion_proof(index, c->tree_size))
              << ",\"checkpoint\":" << checkpoint_json(*c) << "}\n";
    return kOk;
  }
  if (o.count("from")) {
    auto from = number(o["from"]);
    auto a = from ? reader.checkpoint_at(*from) : std::nullopt;
    auto b = signed_at("to", from.value_or(0));
    if (!a || !b) {
      std::cerr << "hidewire audit proof: both sizes must be signed checkpoints of this log\n";
      return kInvalid;
    }
    if (a->tree_size > b->tree_size) return usage_error("--from must not be after --to");
    if (!holds(*a) || !holds(*b)) return kInvalid;
    std::cout << "{\"type\":\"consistency\",\"from\":" << checkpoint_json(*a) << ",\"to\":" << checkpoint_json(*b)
              << ",\"path\":" << path_json(tree.consistency_proof(a->tree_size, b->tree_size)) << "}\n";
    return kOk;
  }
  return usage_error("proof needs --entry SEQ or --from M");
}

// The checkpoint in a proof, its note rebuilt from its fields (the "note" text is not trusted).
std::optional<Checkpoint> read_checkpoint(const rapidjson::Value& v) {
  if (!v.IsObject() || !v.HasMember("origin") || !v["origin"].IsString() || !v.HasMember("tree_size") || !v["tree_size"].IsUint64() ||
      !v.HasMember("root_hash") || !v["root_hash"].IsString() || !v.HasMember("signed_at") || !v["signed_at"].IsString() ||
      !v.HasMember("signature") || !v["signature"].IsString())
    return std::nullopt;
  auto root = audit::hash_from_base64(v["root_hash"].GetString());
  if (!root) return std::nullopt;
  return Checkpoint{v["origin"].GetString(), v["tree_size"].GetUint64(), *root, v["signed_at"].GetString(), v["signature"].GetString()};
}

std::optional<std::vector<Hash>> read_path(const rapidjson::Value& v) {
  if (!v.IsArray()) return std::nullopt;
  std::vector<Hash> out;
  for (const auto& h : v.GetArray()) {
    auto x = h.IsString() ? audit::hash_from_hex(h.GetString()) : std::nullopt;
    if (!x) return std::nullopt;
    out.push_back(*x);
  }
  return out;
}

int check_proof(std::map<std::string, std::string>& o) {
  if (!o.count("proof") || !o.count("public-key")) return usage_error("check-proof needs --proof FILE and --public-key PEM");
  std::string error;
  auto text = read_input(o["proof"], 16u << 20, error);
  if (!text) {
    std::cerr << "hidewire audit check-proof: " << error << "\n";
    return kUnreadable;
  }
  audit::PublicKey key = audit::PublicKey::load(o["public-key"]);
  rapidjson::Document d;
  d.Parse(text->c_str());
  auto refuse = [](const std::string& why) {
    std::cout << "proof REFUSED: " << why << "\n";
    return kInvalid;
  };
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString() || !d.HasMember("path"))
    return refuse("not a hidewire audit proof");
  auto path = read_path(d["path"]);
  if (!path) return refuse("its path is not a list of SHA-256 hashes");
  std::string type = d["type"].GetString();
  if (type == "inclusion") {
    auto c = d.HasMember("checkpoint") ? read_checkpoint(d["checkpoint"]) : std::nullopt;
    if (!c || !d.HasMember("leaf_index") || !d["leaf_index"].IsUint64() || !d.HasMember("leaf_hash") || !d["leaf_hash"].IsString())
      return refuse("an inclusion proof needs leaf_index, leaf_hash and a checkpoint");
    if (!key.verify(*c)) return refuse("the checkpoint's signature does not verify with this public key");
    auto leaf = audit::hash_from_hex(d["leaf_hash"].GetString());
    if (!leaf) return refuse("leaf_hash is not a SHA-256 hash");
    if (o.count("entry-file")) {
      auto entry = read_input(o["entry-file"], 64u << 20, error);
      if (!entry) {
        std::cerr << "hidewire audit check-proof: " << error << "\n";
        return kUnreadable;
      }
      while (!entry->empty() && (entry->back() == '\n' || entry->back() == '\r')) entry->pop_back();  // a shell's or editor's newline
      if (audit::leaf_hash(*entry) != *leaf) return refuse("the entry file is not the entry this proof is for (its leaf hash differs)");
    }
    std::uint64_t index = d["leaf_index"].GetUint64();
    if (!audit::verify_inclusion(index, c->tree_size, *leaf, *path, c->root))
      return refuse("the path does not lead from the leaf to the signed root");
    std::cout << "proof verified: entry " << index + 1 << " is in the audit log of " << c->origin << " at size " << c->tree_size
              << " (checkpoint signed at " << c->signed_at << ")" << (o.count("entry-file") ? ", with the content given" : "") << "\n";
    return kOk;
  }
  if (type == "consistency") {
    auto a = d.HasMember("from") ? read_checkpoint(d["from"]) : std::nullopt;
    auto b = d.HasMember("to") ? read_checkpoint(d["to"]) : std::nullopt;
    if (!a || !b) return refuse("a consistency proof needs its two checkpoints");
    if (!key.verify(*a) || !key.verify(*b)) return refuse("a checkpoint's signature does not verify with this public key");
    if (a->origin != b->origin) return refuse("the two checkpoints are of different logs");
    if (!audit::verify_consistency(a->tree_size, b->tree_size, a->root, b->root, *path))
      return refuse("the log at size " + std::to_string(b->tree_size) + " is not an extension of the log at size " +
                    std::to_string(a->tree_size));
    std::cout << "proof verified: the audit log of " << b->origin << " at size " << b->tree_size << " extends it at size "
              << a->tree_size << " (nothing before was changed)\n";
    return kOk;
  }
  return refuse("unknown proof type '" + type + "'");
}

}  // namespace

int run_audit_who_saw(std::map<std::string, std::string>& options);

int run_audit(const Args& args) {
  if (args.empty()) return usage_error("which audit command?");
  std::map<std::string, std::string> o;
  std::string error;
  if (!options(args, 1, o, error)) return usage_error(error);
  try {
    if (args[0] == "verify") return verify(o);
    if (args[0] == "proof") return proof(o);
    if (args[0] == "check-proof") return check_proof(o);
    if (args[0] == "who-saw") return run_audit_who_saw(o);
  } catch (const audit::KeyError& e) {
    std::cerr << "hidewire audit " << args[0] << ": " << e.what() << "\n";
    return kUnreadable;
  } catch (const std::runtime_error& e) {
    std::cerr << "hidewire audit " << args[0] << ": " << e.what() << "\n";
    return kUnreadable;
  }
  return usage_error("unknown audit command '" + std::string(args[0]) + "'");
}

}  // namespace hidewire::cli
