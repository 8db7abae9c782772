#include "mapping/engine/json_path.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>
#include <string>

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

// JSON strings as rapidjson's Writer escapes them (", \\, control characters; \\uXXXX in upper
// case), but copying the runs between escapes at once: the Writer's per-character loop was a
// fifth of the conversion.
void write_string(std::string& out, const char* s, std::size_t n) {
  static const char* kHex = "0123456789ABCDEF";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s + run, n - run);
  out += '"';
}

void emit(const rapidjson::Value& v, std::string& out) {
  switch (v.GetType()) {
    case rapidjson::kObjectType: {
      out += '{';
      bool first = true;
      for (auto& m : v.GetObject()) {
        if (!first) out += ',';
        first = false;
        write_string(out, m.name.GetString(), m.name.GetStringLength());
        out += ':';
        emit(m.value, out);
      }
      out += '}';
      break;
    }
    case rapidjson::kArrayType: {
      out += '[';
      bool first = true;
      for (const auto& x : v.GetArray()) {
        if (!first) out += ',';
        first = false;
        emit(x, out);
      }
      out += ']';
      break;
    }
    case rapidjson::kStringType: {
      std::string_view s(v.GetString(), v.GetStringLength());
      if (s.rfind(kRawNumber, 0) == 0)
        out.append(s.data() + 1, s.size() - 1);
      else
        write_string(out, s.data(), s.size());
      break;
    }
    case rapidjson::kNullType: out += "null"; break;
    case rapidjson::kTrueType: out += "true"; break;
    case rapidjson::kFalseType: out += "false"; break;
    default: {  // numbers: as rapidjson writes them
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      v.Accept(w);
      out.append(buf.GetString(), buf.GetSize());
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
  std::string out;
  out.reserve(8192);
  emit(v, out);
  return out;
}

}  // namespace hidewire::mapping
