#include "federation/answer_scan.hpp"

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

namespace hidewire::federation {
namespace {

constexpr std::string_view kNhsSystem = "https://fhir.nhs.uk/Id/nhs-number";

bool names_patient(std::string_view field) {
  return field == "subject" || field == "patient" || field == "beneficiary" || field == "for" || field == "individual";
}

// SAX events with the stream's position: where each entry's resource starts and ends, and what
// it says about its patient (root identifiers; the references of the fields naming the patient).
struct Scanner {
  Scanner(rapidjson::StringStream* stream, ScannedAnswer& answer) : in(stream), out(answer) {}
  rapidjson::StringStream* in = nullptr;
  ScannedAnswer& out;
  int depth = 0;           // containers open
  int entries_depth = -1;  // depth of the entry array, while inside it
  enum class Want { Nothing, RootType, FullUrl, Resource, Type, Id } want = Want::Nothing;
  bool in_resource = false;
  bool entries_key = false;
  ScannedEntry current;
  std::string duplicate;   // a key found twice in one object
  // By depth: the keys of the object open there (arrays: none), and whether it is an array.
  std::vector<std::vector<std::string>> keys{1};
  std::vector<char> is_array{0};
  // Inside a resource: an identifier element at the root, a patient reference, its identifier.
  int ident_depth = -1, ref_array_depth = -1, ref_depth = -1, ref_ident_depth = -1;
  std::string system, value;
  PatientRef ref;

  using Ch = char;
  using Size = rapidjson::SizeType;
  std::size_t at() const { return in->Tell(); }
  int root() const { return entries_depth + 2; }  // the depth of an entry's resource object
  // The key the container opened at depth d was under ("" when its parent is an array).
  std::string_view opened_under(int d) const {
    return d > 0 && !is_array[d - 1] && !keys[d - 1].empty() ? std::string_view(keys[d - 1].back()) : std::string_view();
  }
  std::string_view last_key() const { return keys[depth].empty() ? std::string_view() : std::string_view(keys[depth].back()); }
  void open(bool array) {
    ++depth;
    if (static_cast<int>(keys.size()) <= depth) keys.emplace_back(), is_array.push_back(0);
    keys[depth].clear();
    is_array[depth] = array;
  }
  bool scalar() {
    want = Want::Nothing;
    return true;
  }
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int) { return scalar(); }
  bool Uint(unsigned) { return scalar(); }
  bool Int64(int64_t) { return scalar(); }
  bool Uint64(uint64_t) { return scalar(); }
  bool Double(double) { return scalar(); }
  bool RawNumber(const Ch*, Size, bool) { return scalar(); }
  bool String(const Ch* s, Size n, bool) {
    switch (want) {
      case Want::RootType: out.resource_type.assign(s, n); break;
      case Want::FullUrl: current.full_url.assign(s, n); break;
      case Want::Type: current.type.assign(s, n); break;
      case Want::Id: current.id.assign(s, n); break;
      default: break;
    }
    if (in_resource && (depth == ident_depth || depth == ref_ident_depth)) {
      if (last_key() == "system") system.assign(s, n);
      else if (last_key() == "value") value.assign(s, n);
    } else if (in_resource && depth == ref_depth && last_key() == "reference") {
      ref.reference.assign(s, n);
    }
    return scalar();
  }
  bool Key(const Ch* s, Size n, bool) {
    std::string_view k(s, n);
    for (const std::string& seen : keys[depth])
      if (seen == k) {
        duplicate.assign(s, n);
        return false;
      }
    keys[depth].emplace_back(s, n);
    want = Want::Nothing;
    if (depth == 1 && k == "resourceType") want = Want::RootType;
    else if (depth == 1 && k == "entry") want = Want::Nothing, entries_key = true;
    else if (entries_depth > 0 && depth == entries_depth + 1 && k == "fullUrl") want = Want::FullUrl;
    else if (entries_depth > 0 && depth == entries_depth + 1 && k == "resource") want = Want::Resource;
    else if (in_resource && depth == root() && k == "resourceType") want = Want::Type;
    else if (in_resource && depth == root() && k == "id") want = Want::Id;
    if (depth == 1 && k != "entry") entries_key = false;
    return true;
  }
  bool StartObject() {
    open(false);
    if (want == Want::Resource && depth == root()) {
      in_resource = true;
      current.begin = at() - 1;  // the stream is past the '{'
    } else if (entries_depth > 0 && depth == entries_depth + 1) {
      current = ScannedEntry{};
    } else if (in_resource) {
      start_in_resource();
    }
    want = Want::Nothing;
    return true;
  }
  void start_in_resource() {
    bool element = is_array[depth - 1];
    std::string_view field = element ? opened_under(depth - 1) : opened_under(depth);
    if (element && depth == root() + 2 && field == "identifier") ident_depth = depth;
    else if ((!element && depth == root() + 1 && names_patient(field)) || (element && depth - 1 == ref_array_depth)) ref_depth = depth, ref = {};
    else if (depth == ref_depth + 1 && field == "identifier") ref_ident_depth = depth;
    else return;
    system.clear();
    value.clear();
  }
  bool EndObject(Size) {
    if (in_resource && depth == root()) {
      in_resource = false;
      current.end = at();
    } else if (entries_depth > 0 && depth == entries_depth + 1 && current.end > current.begin) {
      out.entries.push_back(std::move(current));
      current = ScannedEntry{};
    } else if (depth == ident_depth) {
      if (system == kNhsSystem) current.nhs_numbers.push_back(value);
      ident_depth = -1;
    } else if (depth == ref_ident_depth) {
      if (system == kNhsSystem) ref.nhs_number = value;
      ref_ident_depth = -1;
    } else if (depth == ref_depth) {
      if (!ref.reference.empty() || !ref.nhs_number.empty()) current.patient_refs.push_back(std::move(ref));
      ref_depth = -1;
    }
    --depth;
    want = Want::Nothing;
    return true;
  }
  bool StartArray() {
    open(true);
    if (depth == 2 && entries_key) entries_depth = depth;
    entries_key = false;
    if (in_resource && depth == root() + 1 && names_patient(opened_under(depth))) ref_array_depth = depth;  // Account.subject
    want = Want::Nothing;
    return true;
  }
  bool EndArray(Size) {
    if (depth == entries_depth) entries_depth = -1;
    if (depth == ref_array_depth) ref_array_depth = -1;
    --depth;
    want = Want::Nothing;
    return true;
  }
};

}  // namespace

ScannedAnswer scan_answer(const std::string& body) {
  ScannedAnswer out;
  rapidjson::StringStream in(body.c_str());
  Scanner h(&in, out);
  rapidjson::Reader reader;
  auto r = reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(in, h);
  if (r.IsError()) {
    out.entries.clear();
    out.error = !h.duplicate.empty() ? "the key \"" + h.duplicate + "\" twice in one object (at offset " + std::to_string(r.Offset()) +
                                           "): JSON that parsers read differently"
                                     : "not JSON (at offset " + std::to_string(r.Offset()) + ")";
    return out;
  }
  if (h.depth != 0 || out.resource_type.empty()) {
    out.entries.clear();
    out.error = "not a FHIR resource";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace hidewire::federation
