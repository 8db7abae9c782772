// Loading conformance resources: folders, unpacked npm packages and package.tgz files.
#include "profiles/profile_set.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "fhir/codec.hpp"

extern "C" const char hw_schema_extensions_json[];

namespace hidewire::profiles {
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string_view value_of(const fhir::Node& n, std::string_view child) {
  const fhir::Node* c = n.child(child);
  return c && c->has_value ? std::string_view(c->value) : std::string_view();
}

std::string_view without_version(std::string_view url) { return url.substr(0, url.find('|')); }

// The sorted resource files of a folder; an npm package keeps them under package/.
std::vector<fs::path> resource_files(const fs::path& dir) {
  fs::path root = fs::exists(dir / "package" / "package.json") ? dir / "package" : dir;
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    std::string ext = e.path().extension().string();
    // package.json, .index.json and the like are the package's own metadata, not resources
    if (name == "package.json" || name.front() == '.' || (ext != ".json" && ext != ".xml")) continue;
    if (e.path().string().find("/other/") != std::string::npos) continue;  // package docs
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

ProfileSet::ProfileSet(const fhir::Schema& schema) : schema_(schema) {}
ProfileSet::~ProfileSet() = default;

bool ProfileSet::add(std::string_view text, const std::string& source, fhir::Diagnostics& d) {
  auto r = std::make_unique<Loaded>();
  r->source = source;
  fhir::Diagnostics parse;
  if (!fhir::parse_any(text, schema_, r->root, parse)) {
    for (const fhir::Issue& is : parse.issues())
      d.error("exception", source, "cannot read " + source + ": " + is.message);
    return false;
  }
  std::string_view type = r->root.resource_type();
  fhir::StringMap<const fhir::Node*>* into = type == "StructureDefinition" ? &sds_
                                             : type == "ValueSet"          ? &vss_
                                             : type == "CodeSystem"        ? &css_
                                             : type == "Questionnaire"     ? &qs_
                                                                           : nullptr;
  if (type == "Bundle") {  // a package's definitions may come as Bundles (profiles-types.json)
    bool ok = true;
    for (const fhir::Node& e : r->root.children) {
      const fhir::Node* res = e.name == "entry" ? e.child("resource") : nullptr;
      if (!res) continue;
      std::string_view rt = res->resource_type();
      if (rt != "StructureDefinition" && rt != "ValueSet" && rt != "CodeSystem" && rt != "Questionnaire") continue;
      ok &= add(fhir::write_json(*res), source, d);
    }
    return ok;
  }
  if (!into) return true;
  std::string url(value_of(r->root, "url"));
  if (url.empty()) {
    d.warning("required", source, source + ": " + std::string(type) + " without a url is ignored");
    return true;
  }
  into->insert_or_assign(url, &r->root);
  resources_.push_back(std::move(r));
  return true;
}

bool ProfileSet::load(const std::string& path, fhir::Diagnostics& d) {
  fs::path p(path);
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    d.error("not-found", path, "no such folder, package or file: " + path);
    return false;
  }
  if (fs::is_regular_file(p) && (path.ends_with(".tgz") || path.ends_with(".tar.gz"))) {
    // npm packages are gzipped tarballs; tar(1) unpacks them into a private folder
    char tmpl[] = "/tmp/hidewire-package-XXXXXX";
    if (!mkdtemp(tmpl)) {
      d.error("exception", path, "cannot make a folder to unpack " + path);
      return false;
    }
    std::string cmd = "tar -xzf '" + path + "' -C '" + tmpl + "' 2>/dev/null";
    bool ok = path.find('\'') == std::string::npos && std::system(cmd.c_str()) == 0;
    if (!ok) d.error("exception", path, "cannot unpack the package " + path);
    if (ok) ok = load(tmpl, d);
    fs::remove_all(tmpl, ec);
    return ok;
  }
  if (fs::is_regular_file(p)) return add(read_all(p), path, d);
  bool ok = true;
  for (const fs::path& f : resource_files(p)) ok &= add(read_all(f), f.string(), d);
  return ok;
}

const Profile* ProfileSet::profile(std::string_view url) const {
  auto it = compiled_.find(without_version(url));
  if (it != compiled_.end() || core_) return it == compiled_.end() ? nullptr : it->second.get();
  if (sds_.count(without_version(url))) return nullptr;  // loaded here but not a constraint
  return core_extensions().profile(url);
}

const ProfileSet& ProfileSet::core_extensions() {
  static const ProfileSet* const set = [] {
    auto* s = new ProfileSet(fhir::Schema::r4());
    s->core_ = true;
    fhir::Diagnostics d;  // generated from the specification: nothing to report
    s->add(std::string_view(hw_schema_extensions_json), "R4 extension definitions", d);
    s->compile(d);
    return s;
  }();
  return *set;
}

void ProfileSet::compile(fhir::Diagnostics& d) {
  std::vector<std::string> urls;
  for (const auto& [url, sd] : sds_) urls.push_back(url);
  std::sort(urls.begin(), urls.end());
  for (const std::string& url : urls) compile_one(url, d, 0);
  list_.clear();
  for (const std::string& url : urls)
    if (const Profile* p = profile(url)) list_.push_back(p);
}

const fhir::Node* ProfileSet::questionnaire(std::string_view url) const {
  auto it = qs_.find(without_version(url));
  return it == qs_.end() ? nullptr : it->second;
}

const Expansion* ProfileSet::expansion(std::string_view url) const { return expand(without_version(url), 0); }

}  // namespace hidewire::profiles
