#include "mapping/engine/datatypes.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "fhir/primitives.hpp"

namespace hidewire::mapping {
namespace {

JsonValue str(std::string_view s, JsonAlloc& a) { return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

void put(JsonValue& obj, const char* key, std::string_view s, JsonAlloc& a) {
  if (s.empty()) return;
  obj.AddMember(rapidjson::StringRef(key), str(s, a), a);
}

// Pieces of one repetition, unescaped. The repetition is split into its components once: the
// converters read a component several times, and splitting the text again for each read was a
// tenth of a conversion.
class Parts {
 public:
  Parts(const hl7v2::Message& m, std::string_view text) : m(m) {
    std::size_t start = 0;
    while (count_ < kMax) {
      std::size_t end = text.find(m.delims.component, start);
      comps_[count_++] = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (end == std::string_view::npos) return;
      start = end + 1;
    }
  }
  // Component `comp` (1-based), or its subcomponent `sub` (1-based), as sent.
  std::string_view raw(int comp, int sub = 0) const {
    if (comp < 1 || comp > count_) return {};
    std::string_view v = comps_[comp - 1];
    return sub > 0 ? m.piece(v, 0, 0, sub) : v;
  }
  std::string c(int comp, int sub = 0) const { return m.unescape(raw(comp, sub)); }
  const hl7v2::Message& m;

 private:
  static constexpr int kMax = 16;  // no converter reads a component past 10
  std::string_view comps_[kMax];
  int count_ = 0;
};

JsonValue codeable(const Parts& p, const std::string& fallback_system, JsonAlloc& a, const MapSet& maps, const AuthorityTable* extra) {
  JsonValue cc(rapidjson::kObjectType);
  JsonValue codings(rapidjson::kArrayType);
  for (int base : {1, 4}) {  // primary and alternate triplets
    std::string code = p.c(base);
    if (code.empty()) continue;  // the alternate triplet is mostly absent: nothing else to read
    std::string display = p.c(base + 1), system = coding_system(p.c(base + 2), fallback_system, maps, extra);
    JsonValue c(rapidjson::kObjectType);
    put(c, "system", system, a);
    put(c, "code", code, a);
    put(c, "display", display, a);
    codings.PushBack(c, a);
  }
  if (!codings.Empty()) cc.AddMember("coding", codings, a);
  std::string text = p.c(9).empty() ? (codings.Empty() ? p.c(2) : "") : p.c(9);
  put(cc, "text", text, a);
  return cc;
}

std::string practitioner_system(const std::string& id) {
  if (!id.empty() && id[0] == 'G') return "https://fhir.hl7.org.uk/Id/gmp-number";  // GP national code
  if (!id.empty() && id[0] == 'C') return "https://fhir.hl7.org.uk/Id/gmc-number";  // consultant code
  return "urn:hidewire:identifier:practitioner";
}

std::string person_display(const Parts& p, int family, int given, int prefix) {
  std::string out;
  for (std::string s : {p.c(prefix), p.c(given), p.c(family)}) {
    if (s.empty()) continue;
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

// A v2 NM value as a FHIR decimal with the digits as sent ("+5" -> "5", ".5" -> "0.5", "007"
// -> "7"); empty when it is no number or none a double can hold (readers downstream parse it).
std::string fhir_decimal(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  std::string sign;
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) {
    if (v.front() == '-') sign = "-";
    v.remove_prefix(1);
  }
  while (v.size() > 1 && v.front() == '0' && std::isdigit(static_cast<unsigned char>(v[1]))) v.remove_prefix(1);
  std::string out = sign + (!v.empty() && v.front() == '.' ? "0" : "") + std::string(v);
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (!fhir::check_primitive(fhir::Primitive::Decimal, out).empty()) return {};
  return std::isfinite(std::strtod(out.c_str(), nullptr)) ? out : std::string();
}

}  // namespace

void convert_value(Converted& r, const FieldMap& f, const hl7v2::Message& m, const hl7v2::Segment& seg, std::string_view text,
                   const MapSet& maps, JsonAlloc& a, const AuthorityTable* authorities) {
  Parts p(m, text);
  const std::string& t = f.type;
  const Conv k = f.conv;
  auto done = [&](JsonValue v) {
    r.value = std::move(v);
    r.empty = false;
  };
  // A code the table does not know is never a refusal: bindings that are not required keep it
  // as text; a required one takes the table's "unknown" code, or keeps its default.
  bool unknown = false;
  auto table_code = [&](const std::string& code, std::string& system) -> std::string {
    const CodeTable* table = f.table_map;
    if (!table) return code;
    system = table->system;
    auto c = table->codes.find(code);
    if (c == table->codes.end()) {
      std::string upper = code;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      c = table->codes.find(upper);
    }
    if (c != table->codes.end()) return c->second;
    unknown = true;
    r.warning = "code '" + code + "' is not in table " + f.table;
    return table->unknown;
  };
  if (k == Conv::ST || k == Conv::FT) return done(str(m.unescape(text), a));
  if (k == Conv::DT) {
    std::string d = v2_date(text);
    if (d.empty()) { r.problem = "not a date: '" + std::string(text) + "'"; return; }
    return done(str(d, a));
  }
  if (k == Conv::DTM || k == Conv::DTM_INSTANT) {
    std::string d = v2_datetime(text, k == Conv::DTM_INSTANT);
    if (d.empty()) { r.problem = "not a timestamp: '" + std::string(text) + "'"; return; }
    return done(str(d, a));
  }
  if (k == Conv::TQ_START || k == Conv::TQ_END) {
    std::string_view ts = m.piece(text, 0, k == Conv::TQ_START ? 4 : 5);
    std::string d = v2_datetime(ts, true);
    if (d.empty()) {
      if (!ts.empty()) r.problem = "not a timestamp: '" + std::string(ts) + "'";
      return;
    }
    return done(str(d, a));
  }
  if (k == Conv::NM_INT) {
    std::string v(text);
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) { r.problem = "not a whole number: '" + v + "'"; return; }
    int n = 0;
    // FHIR integers are 32-bit; a longer run of digits is refused, not wrapped or thrown.
    if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc()) {
      r.problem = "whole number out of range (at most 2147483647): '" + v + "'";
      return;
    }
    return done(JsonValue(n));
  }
  if (k == Conv::NM) {  // a decimal, its digits kept as sent (written as a JSON number)
    std::string v = fhir_decimal(text);
    if (v.empty()) { r.problem = "not a number: '" + std::string(text) + "'"; return; }
    std::string raw = kRawNumber + v;
    JsonValue num;
    num.SetString(raw.c_str(), static_cast<rapidjson::SizeType>(raw.size()), a);
    return done(std::move(num));
  }
  if (k == Conv::CWE_TEXT) {  // a unit or a name: the text, else the code
    std::string_view s = m.piece(text, 0, 2).empty() ? m.piece(text, 0, 1) : m.piece(text, 0, 2);
    return done(str(m.unescape(s), a));
  }
  if (k == Conv::YN) {
    if (text != "Y" && text != "N") { r.problem = "expected Y or N, got '" + std::string(text) + "'"; return; }
    return done(JsonValue(text == "Y"));
  }
  if (k == Conv::ID || k == Conv::ID_CODING || k == Conv::ID_CODING_CC) {
    std::string system;
    std::string sent = m.unescape(m.piece(text, 0, 1));
    std::string code = table_code(sent, system);
    if (k == Conv::ID) {
      if (code.empty()) {
        r.warning += ": left at its default";
        return;
      }
      if (unknown) r.warning += ": '" + code + "' instead";
      return done(str(code, a));
    }
    if (unknown && k == Conv::ID_CODING_CC) {  // kept as the text that was sent
      r.warning += ": kept as text";
      JsonValue cc(rapidjson::kObjectType);
      put(cc, "text", sent, a);
      return done(std::move(cc));
    }
    if (unknown) {  // a Coding: the code as sent, with no system it could be wrongly claimed for
      r.warning += ": kept without a system";
      system.clear();
      code = sent;
    }
    JsonValue coding(rapidjson::kObjectType);
    put(coding, "system", system, a);
    put(coding, "code", code, a);
    if (k == Conv::ID_CODING) return done(std::move(coding));
    JsonValue cc(rapidjson::kObjectType), arr(rapidjson::kArrayType);
    arr.PushBack(coding, a);
    cc.AddMember("coding", arr, a);
    return done(std::move(cc));
  }
  if (k == Conv::CWE) {
    JsonValue cc = codeable(p, f.system, a, maps, authorities);
    if (cc.ObjectEmpty()) return;
    return done(std::move(cc));
  }
  if (k == Conv::CX) {
    JsonValue id(rapidjson::kObjectType);
    std::string value = p.c(1), authority = p.c(4, 1), type = p.c(5);
    std::string auth_uid = p.c(4, 2), auth_type = p.c(4, 3);
    bool nhs = authority == "NHS" || type == "NH";
    if (nhs) {
      std::string digits;
      for (char c : value) if (c != ' ') digits += c;
      value = digits;
    }
    if (!type.empty()) {
      JsonValue cc(rapidjson::kObjectType), codings(rapidjson::kArrayType), c(rapidjson::kObjectType);
      put(c, "system", "http://terminology.hl7.org/CodeSystem/v2-0203", a);
      put(c, "code", type, a);
      codings.PushBack(c, a);
      cc.AddMember("coding", codings, a);
      id.AddMember("type", cc, a);
    }
    put(id, "system", nhs ? std::string(kNhsNumberSystem) : identifier_system(authority, auth_uid, auth_type, maps, authorities), a);
    put(id, "value", value, a);
    return done(std::move(id));
  }
  if (k == Conv::EI) {
    JsonValue id(rapidjson::kObjectType);
    if (!f.id_type.empty()) {
      JsonValue cc(rapidjson::kObjectType), codings(rapidjson::kArrayType), c(rapidjson::kObjectType);
      put(c, "system", "http://terminology.hl7.org/CodeSystem/v2-0203", a);
      put(c, "code", f.id_type, a);
      codings.PushBack(c, a);
      cc.AddMember("coding", codings, a);
      id.AddMember("type", cc, a);
    }
    std::string ns = p.c(2), uid = p.c(3), uid_type = p.c(4);
    put(id, "system", identifier_system(ns.empty() && uid.empty() ? std::string(seg.name) : ns, uid, uid_type, maps, authorities), a);
    put(id, "value", p.c(1), a);
    return done(std::move(id));
  }
  if (k == Conv::XPN) {
    JsonValue n(rapidjson::kObjectType);
    static const std::pair<const char*, const char*> kUse[] = {{"L", "official"}, {"D", "usual"}, {"M", "maiden"},
                                                               {"N", "nickname"}, {"A", "anonymous"}, {"B", "old"}};
    // Each component unescaped once (a name's use was unescaped again for every use code).
    const std::string use = p.c(7), surname = p.c(1, 1), prefix = p.c(5), suffix = p.c(4);
    for (auto [k, v] : kUse)
      if (use == k) put(n, "use", v, a);
    put(n, "family", surname.empty() ? p.c(1) : surname, a);
    JsonValue given(rapidjson::kArrayType);
    for (int c : {2, 3})
      if (std::string g = p.c(c); !g.empty()) given.PushBack(str(g, a), a);
    if (!given.Empty()) n.AddMember("given", given, a);
    if (!prefix.empty()) { JsonValue pre(rapidjson::kArrayType); pre.PushBack(str(prefix, a), a); n.AddMember("prefix", pre, a); }
    if (!suffix.empty()) { JsonValue suf(rapidjson::kArrayType); suf.PushBack(str(suffix, a), a); n.AddMember("suffix", suf, a); }
    return done(std::move(n));
  }
  if (k == Conv::XPN_TEXT) return done(str(person_display(p, 1, 2, 5), a));
  if (k == Conv::XAD) {
    JsonValue ad(rapidjson::kObjectType);
    static const std::pair<const char*, const char*> kUse[] = {{"H", "home"}, {"B", "work"}, {"C", "temp"}, {"O", "work"}};
    const std::string use = p.c(7);
    for (auto [k, v] : kUse)
      if (use == k) put(ad, "use", v, a);
    JsonValue lines(rapidjson::kArrayType);
    for (int c : {1, 2}) {
      std::string l = p.c(c, 1).empty() ? p.c(c) : m.unescape(m.piece(text, 0, c));
      if (!l.empty()) lines.PushBack(str(l, a), a);
    }
    if (!lines.Empty()) ad.AddMember("line", lines, a);
    put(ad, "city", p.c(3), a);
    put(ad, "district", p.c(4), a);
    put(ad, "postalCode", p.c(5), a);
    put(ad, "country", p.c(6), a);
    return done(std::move(ad));
  }
  if (k == Conv::XTN) {
    JsonValue cp(rapidjson::kObjectType);
    std::string equip = p.c(3), value = p.c(1).empty() ? p.c(4) : p.c(1);
    if (value.empty()) return;
    put(cp, "system", equip == "Internet" || equip == "X.400" ? "email" : equip == "FX" ? "fax" : "phone", a);
    put(cp, "value", value, a);
    put(cp, "use", equip == "CP" ? "mobile" : f.use, a);
    return done(std::move(cp));
  }
  if (k == Conv::PL) {
    std::string display;
    for (int c : {3, 2, 1}) {
      std::string part = p.c(c);
      if (part.empty()) continue;
      if (!display.empty()) display += ", ";
      display += part;
    }
    std::string facility = p.c(4, 1).empty() ? p.c(4) : p.c(4, 1);
    if (display.empty()) display = p.c(8);
    if (!facility.empty()) display += " (" + facility + ")";
    JsonValue ref(rapidjson::kObjectType);
    put(ref, "display", display, a);
    return done(std::move(ref));
  }
  if (k == Conv::XCN_REF) {
    JsonValue ref(rapidjson::kObjectType), id(rapidjson::kObjectType);
    put(ref, "type", f.reference_type, a);
    if (std::string code = p.c(1); !code.empty()) {
      put(id, "system", practitioner_system(code), a);
      put(id, "value", code, a);
      ref.AddMember("identifier", id, a);
    }
    put(ref, "display", person_display(p, 2, 3, 6), a);
    return done(std::move(ref));
  }
  if (k == Conv::XON_ODS) {
    JsonValue ref(rapidjson::kObjectType), id(rapidjson::kObjectType);
    std::string code = p.c(10).empty() ? p.c(3) : p.c(10);
    put(ref, "type", "Organization", a);
    if (!code.empty()) {
      put(id, "system", kOdsSystem, a);
      put(id, "value", code, a);
      ref.AddMember("identifier", id, a);
    }
    put(ref, "display", p.c(1), a);
    return done(std::move(ref));
  }
  if (k == Conv::OBX_VALUE) {
    std::string vt(m.piece(seg.field(2), 0, 1));
    if (vt == "NM" || vt == "SN") {
      // A comparator is SN-1, or leads an NM value as UK labs send it ("<3", ">=90"); an SN
      // range or ratio (SN-3 "-", ":", "/") is no single quantity: kept as text.
      std::string_view num = m.piece(text, 0, vt == "SN" ? 2 : 1), cmp = vt == "SN" ? m.piece(text, 0, 1) : "";
      if (vt == "NM")
        for (std::string_view c : {"<=", ">=", "<", ">"})
          if (num.starts_with(c)) {
            cmp = c;
            num.remove_prefix(c.size());
            break;
          }
      if (cmp == "=") cmp = {};
      bool comparable = cmp.empty() || cmp == "<" || cmp == "<=" || cmp == ">" || cmp == ">=";
      bool single = vt != "SN" || (m.piece(text, 0, 3).empty() && m.piece(text, 0, 4).empty());
      std::string v = comparable && single ? fhir_decimal(num) : std::string();
      if (v.empty()) {  // "POSITIVE", "1e999", "0x1A", "1:128": kept as the text that was sent
        std::string shown = vt == "SN" ? p.c(1) + p.c(2) + p.c(3) + p.c(4) : m.unescape(text);
        r.warning = "OBX-5 is not a number: '" + std::string(text) + "' (kept as text)";
        r.suffix = "String";
        return done(str(shown, a));
      }
      JsonValue q(rapidjson::kObjectType), number;
      std::string raw = kRawNumber + v;  // keeps the digits as sent: written as a JSON number
      number.SetString(raw.c_str(), static_cast<rapidjson::SizeType>(raw.size()), a);
      q.AddMember("value", number, a);
      put(q, "comparator", cmp, a);
      std::string unit_code(m.piece(seg.field(6), 0, 1)), unit_text(m.piece(seg.field(6), 0, 2)), unit_sys(m.piece(seg.field(6), 0, 3));
      put(q, "unit", unit_text.empty() ? unit_code : unit_text, a);
      if (!unit_code.empty()) {
        put(q, "system", "http://unitsofmeasure.org", a);  // UK lab units are UCUM in practice
        put(q, "code", unit_code, a);
      }
      r.suffix = "Quantity";
      return done(std::move(q));
    }
    if (vt == "CE" || vt == "CWE" || vt == "CNE") {
      r.suffix = "CodeableConcept";
      return done(codeable(p, f.system, a, maps, authorities));
    }
    if (vt == "DT" || vt == "TS" || vt == "DTM") {
      std::string d = vt == "DT" ? v2_date(text) : v2_datetime(text, false);
      if (d.empty()) {
        r.warning = "OBX-5 is not a date: '" + std::string(text) + "' (kept as text)";
        r.suffix = "String";
        return done(str(m.unescape(text), a));
      }
      r.suffix = "DateTime";
      return done(str(d, a));
    }
    r.suffix = "String";  // ST, TX, FT and anything else: as text
    return done(str(m.unescape(text), a));
  }
  r.problem = "no converter for type " + t;
  return;
}

}  // namespace hidewire::mapping
