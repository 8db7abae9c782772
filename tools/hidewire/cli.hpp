// The `hidewire` command: one function per subcommand, registered explicitly in main.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/codec.hpp"

namespace hidewire::cli {

// Exit codes shared by every subcommand (documented in README.md).
enum Exit : int {
  kOk = 0,
  kInvalid = 1,     // input read, but it has errors (validation failed, conversion refused)
  kUsage = 2,       // bad command line
  kUnreadable = 3,  // file missing, too large, not JSON/XML, broken syntax
};

using Args = std::vector<std::string_view>;

struct Command {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;
  int (*run)(const Args& args);
};

int run_validate(const Args& args);
int run_convert(const Args& args);
int run_fhirpath(const Args& args);
int run_listen(const Args& args);
int run_send(const Args& args);
int run_node(const Args& args);
int run_replay(const Args& args);
int run_match(const Args& args);
int run_token(const Args& args);
int run_audit(const Args& args);
int run_record(const Args& args);
int run_conformance(const Args& args);
// hidewire convert --from hl7v2|fhir-stu3|ambulance: one message through its converter, the Bundle validated and written.
int convert_message(std::string_view from, std::string_view file, std::string_view to, std::string_view out_path,
                    const fhir::WriteOptions& wopts, const fhir::ParseLimits& limits, bool document = false);
// hidewire convert --from delimited|prsb-xml [--map FILE]: a social-care export, one Bundle per person.
int convert_social(std::string_view from, std::string_view map, std::string_view file, std::string_view to, std::string_view out_path,
                   const fhir::WriteOptions& wopts, const fhir::ParseLimits& limits);
// A conversion's unmapped parts and issues on standard error, each line after `prefix`.
void print_conversion_issues(const std::string& prefix, const std::vector<std::string>& unmapped, const fhir::Diagnostics& d);
// Reads a converter's Bundle, validates it (issues on standard error), writes it as `to`; the exit code.
int emit_bundle(const std::string& bundle_json, std::string_view to, std::string_view out_path, const fhir::WriteOptions& wopts);

// Reads a file ("-" for standard input) refusing anything over max_bytes; on failure returns
// nullopt and sets `error` to a message naming the file.
std::optional<std::string> read_input(std::string_view path, std::size_t max_bytes, std::string& error);
bool write_output(std::string_view path, std::string_view data, std::string& error);
// Takes --max-bytes N / --max-depth N at args[i] (advancing i past the value). Returns false
// when args[i] is not one of them; sets `error` when it is but its value is bad.
bool take_limit_option(const Args& args, std::size_t& i, fhir::ParseLimits& limits, std::string& error);

// Parses "64M", "512k", "1000" as a byte count.
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace hidewire::cli
