#include "mapping/engine/json_path.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fhir/json_numbers.hpp"
#include "mapping/engine/datatypes.hpp"

namespace hidewire::mapping {
namespace {

rapidjson::Value& member(rapidjson::Value& obj, std::string_view name, rapidjson::Type type, rapidjson::MemoryPoolAllocator<>& a) {
  auto it = obj.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  if (it != obj.MemberEnd()) {
    // Two maps disagreeing on a path's shape ("a" a string, "a.b"): rapidjson would assert or
    // corrupt the DOM, so it is an error the converter's boundary turns into a refusal.
    bool container = type == rapidjson::kObjectType || type == rapidjson::kArrayType;
    if (container && it->value.GetType() != type) throw std::logic_error("map paths disagree on the shape of '" + std::string(name) + "'");
    return it->value;
  }
  obj.AddMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), a), rapidjson::Value(type), a);
  return (obj.MemberEnd() - 1)->value;
}

// Whether any byte of x is a control character, '"' or '\\' (the bit tricks of "Bit Twiddling
// Hacks": a byte below n, a byte equal to c).
inline bool needs_escape(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  auto zero = [&](std::uint64_t v) { return (v - ones) & ~v & high; };
  std::uint64_t below_space = (x - ones * 0x20) & ~x & high;
  return (below_space | zero(x ^ (ones * '"')) | zero(x ^ (ones * '\\'))) != 0;
}
inline std::uint64_t load8(const char* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}
inline std::uint32_t load4(const char* p) {
  std::uint32_t x;
  std::memcpy(&x, p, 4);
  return x;
}
inline bool needs_escape8(const char* p) { return needs_escape(load8(p)); }

// Copies s[0, n) to p when no byte needs escaping, reading and writing in words that overlap at
// the end (most strings of a Bundle are keys and codes under 8 bytes: a byte loop was most of
// the writing); false, having written nothing that counts, when one does.
inline bool copy_plain(char* p, const char* s, std::size_t n) {
#ifdef __SSE2__
  if (n >= 16) {  // sixteen bytes a compare; the last block overlaps the one before
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
    auto plain = [&](const char* at) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
      __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(x, control), x));  // min(x, 0x1F) == x: below a space
      if (_mm_movemask_epi8(bad)) return false;
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p + (at - s)), x);
      return true;
    };
    for (std::size_t i = 0; i + 16 <= n; i += 16)
      if (!plain(s + i)) return false;
    return plain(s + n - 16);
  }
#endif
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      std::uint64_t x = load8(s + i);
      if (needs_escape(x)) return false;
      std::memcpy(p + i, &x, 8);
    }
    std::uint64_t tail = load8(s + n - 8);
    if (needs_escape(tail)) return false;
    std::memcpy(p + n - 8, &tail, 8);
    return true;
  }
  if (n >= 4) {
    std::uint32_t lo = load4(s), hi = load4(s + n - 4);
    if (needs_escape(lo | static_cast<std::uint64_t>(hi) << 32)) return false;
    std::memcpy(p, &lo, 4);
    std::memcpy(p + n - 4, &hi, 4);
    return true;
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return false;
    p[i] = s[i];
  }
  return true;
}

// The output, written through a pointer with room made once per value: std::string's checks on
// each small append were most of the writing, which was a third of the conversion.
class Out {
 public:
  // The buffer is the thread's own, kept from one Bundle to the next: its growth and zeroing
  // were paid on every conversion.
  Out() : buf_(buffer()) {}
  ~Out() {  // a very large Bundle's room is not kept
    if (buf_.size() > kKeep) {
      buf_.resize(kKeep);
      buf_.shrink_to_fit();
    }
  }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  void room(std::size_t n) {
    if (static_cast<std::size_t>(buf_.size() - used_) < n) grow(n);
  }
  char* at() { return buf_.data() + used_; }
  void advance(char* end) { used_ = static_cast<std::size_t>(end - buf_.data()); }
  void put(char c) {
    room(1);
    buf_[used_++] = c;
  }
  void put(const char* s, std::size_t n) {
    room(n);
    std::memcpy(buf_.data() + used_, s, n);
    used_ += n;
  }
  std::string str() const { return std::string(buf_.data(), used_); }

 private:
  static std::vector<char>& buffer() {
    thread_local std::vector<char> buf(16384);  // a typical Bundle is 4 kB
    return buf;
  }
  [[gnu::noinline]] void grow(std::size_t n) { buf_.resize(std::max(buf_.size() * 2, used_ + n)); }
  static constexpr std::size_t kKeep = 1u << 20;
  std::vector<char>& buf_;
  std::size_t used_ = 0;
};

// A string with something to escape, as rapidjson's Writer escapes it (", \\, control
// characters; \\uXXXX in upper case), eight bytes at a time while none needs escaping. Kept
// out of line: the plain path below is most strings and needs none of its registers.
[[gnu::noinline]] char* write_escaped(char* p, const char* s, std::size_t n) {
  static const char* kHex = "0123456789ABCDEF";
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && !needs_escape8(s + i)) {
      std::memcpy(p, s + i, 8);
      p += 8, i += 8;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\b': *p++ = 'b'; break;
      case '\f': *p++ = 'f'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        *p++ = 'u', *p++ = '0', *p++ = '0';
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 15];
    }
  }
  return p;
}

void write_string(Out& out, const char* s, std::size_t n) {
  out.room(n * 6 + 2);  // every byte escaped at worst (\u00XX)
  char* p = out.at();
  *p++ = '"';
  p = copy_plain(p, s, n) ? p + n : write_escaped(p, s, n);
  *p++ = '"';
  out.advance(p);
}

// A member name and its colon. Names are FHIR element names, 4 to 16 bytes nearly always: two
// overlapping words are checked and copied, with no call; anything else goes the long way.
inline void write_key(Out& out, const char* s, std::size_t n) {
  if (n >= 4 && n <= 16) {
    out.room(n + 3);
    char* p = out.at();
    bool plain;
    if (n >= 8) {
      std::uint64_t lo = load8(s), hi = load8(s + n - 8);
      plain = !needs_escape(lo) && !needs_escape(hi);
      if (plain) std::memcpy(p + 1, &lo, 8), std::memcpy(p + 1 + n - 8, &hi, 8);
    } else {
      std::uint32_t lo = load4(s), hi = load4(s + n - 4);
      plain = !needs_escape(lo | static_cast<std::uint64_t>(hi) << 32);
      if (plain) std::memcpy(p + 1, &lo, 4), std::memcpy(p + 1 + n - 4, &hi, 4);
    }
    if (plain) {
      p[0] = '"', p[n + 1] = '"', p[n + 2] = ':';
      out.advance(p + n + 3);
      return;
    }
  }
  write_string(out, s, n);
  out.put(':');
}

void emit(const rapidjson::Value& v, Out& out);

void emit_string(const rapidjson::Value& v, Out& out) {
  std::string_view s(v.GetString(), v.GetStringLength());
  // Only a number after the marker: text that merely starts with the control character (from a
  // sender) is a string, escaped, never written raw into the JSON.
  if (!s.empty() && s[0] == kRawNumber[0] && fhir::json::is_number_text(s.substr(kRawNumber.size())))
    out.put(s.data() + kRawNumber.size(), s.size() - kRawNumber.size());
  else
    write_string(out, s.data(), s.size());
}

// Strings, most of the values, are written here rather than through another call of emit.
inline void emit_member(const rapidjson::Value& v, Out& out) {
  if (v.IsString()) emit_string(v, out);
  else emit(v, out);
}

void emit(const rapidjson::Value& v, Out& out) {
  switch (v.GetType()) {
    case rapidjson::kObjectType: {
      out.put('{');
      bool first = true;
      for (auto& m : v.GetObject()) {
        if (!first) out.put(',');
        first = false;
        write_key(out, m.name.GetString(), m.name.GetStringLength());
        emit_member(m.value, out);
      }
      out.put('}');
      break;
    }
    case rapidjson::kArrayType: {
      out.put('[');
      bool first = true;
      for (const auto& x : v.GetArray()) {
        if (!first) out.put(',');
        first = false;
        emit_member(x, out);
      }
      out.put(']');
      break;
    }
    case rapidjson::kStringType: emit_string(v, out); break;
    case rapidjson::kNullType: out.put("null", 4); break;
    case rapidjson::kTrueType: out.put("true", 4); break;
    case rapidjson::kFalseType: out.put("false", 5); break;
    default: {  // numbers: as rapidjson writes them
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      v.Accept(w);
      out.put(buf.GetString(), buf.GetSize());
    }
  }
}

}  // namespace

void set_path(rapidjson::Value& obj, std::string_view path, rapidjson::Value value, rapidjson::MemoryPoolAllocator<>& a) {
  rapidjson::Value* cur = &obj;
  while (true) {
    if (!cur->IsObject()) throw std::logic_error("map path '" + std::string(path) + "' goes through a value that is not an object");
    std::size_t dot = path.find('.');
    std::string_view tok = path.substr(0, dot);
    bool last = dot == std::string_view::npos;
    bool append = tok.ends_with("[]");
    bool first = tok.ends_with("[0]");
    std::string_view name = tok.substr(0, tok.size() - (append ? 2 : first ? 3 : 0));
    if (append || first) {
      rapidjson::Value& arr = member(*cur, name, rapidjson::kArrayType, a);
      if (last) {
        arr.PushBack(value, a);
        return;
      }
      if (append || arr.Empty()) arr.PushBack(rapidjson::Value(rapidjson::kObjectType), a);
      cur = &arr[append ? arr.Size() - 1 : 0];
    } else if (last) {
      rapidjson::Value& slot = member(*cur, name, value.GetType(), a);
      slot = value;
      return;
    } else {
      cur = &member(*cur, name, rapidjson::kObjectType, a);
    }
    path.remove_prefix(dot + 1);
  }
}

std::string write_with_raw_numbers(const rapidjson::Value& v) {
  Out out;
  emit(v, out);
  return out.str();
}

}  // namespace hidewire::mapping
