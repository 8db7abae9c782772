#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sys/stat.h>

#include "tools/hidewire/cli.hpp"

namespace hidewire::cli {

std::optional<std::string> read_input(std::string_view path, std::size_t max_bytes, std::string& error) {
  std::string data;
  if (path == "-") {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
      data.append(buf, n);
      if (data.size() > max_bytes) {
        error = "standard input is over the size limit of " + std::to_string(max_bytes) + " bytes";
        return std::nullopt;
      }
    }
    return data;
  }
  std::string p(path);
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    error = p + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = p + ": is a directory";
    return std::nullopt;
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    error = p + ": " + std::to_string(st.st_size) + " bytes is over the size limit of " + std::to_string(max_bytes) +
            " bytes (see --max-bytes)";
    return std::nullopt;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    error = p + ": " + std::strerror(errno);
    return std::nullopt;
  }
  data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return data;
}

bool write_output(std::string_view path, std::string_view data, std::string& error) {
  if (path.empty() || path == "-") {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return static_cast<bool>(std::cout);
  }
  std::string p(path);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) {
    error = p + ": cannot write: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool take_limit_option(const Args& args, std::size_t& i, fhir::ParseLimits& limits, std::string& error) {
  std::string_view a = args[i];
  if (a != "--max-bytes" && a != "--max-depth") return false;
  if (i + 1 >= args.size()) {
    error = std::string(a) + " needs a value";
    return true;
  }
  std::optional<std::size_t> v = parse_size(args[++i]);
  if (!v || *v == 0) {
    error = std::string(a) + ": '" + std::string(args[i]) + "' is not a positive number";
    return true;
  }
  if (a == "--max-bytes")
    limits.max_bytes = *v;
  else
    limits.max_depth = static_cast<unsigned>(std::min<std::size_t>(*v, 10000));
  return true;
}

std::optional<std::size_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t mult = 1;
  char last = text.back();
  if (last == 'k' || last == 'K') mult = 1024;
  if (last == 'm' || last == 'M') mult = 1024 * 1024;
  if (last == 'g' || last == 'G') mult = 1024ull * 1024 * 1024;
  if (mult != 1) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::size_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
    if (v > (std::size_t{1} << 40)) return std::nullopt;
  }
  return v * mult;
}

}  // namespace hidewire::cli
