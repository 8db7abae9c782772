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

template <typename W>
void emit(const rapidjson::Value& v, W& w) {
  switch (v.GetType()) {
    case rapidjson::kObjectType:
      w.StartObject();
      for (auto& m : v.GetObject()) {
        w.Key(m.name.GetString(), m.name.GetStringLength());
        emit(m.value, w);
      }
      w.EndObject();
      break;
    case rapidjson::kArrayType:
      w.StartArray();
      for (const auto& x : v.GetArray()) emit(x, w);
      w.EndArray();
      break;
    case rapidjson::kStringType: {
      std::string_view s(v.GetString(), v.GetStringLength());
      if (s.rfind(kRawNumber, 0) == 0)
        w.RawValue(s.data() + 1, s.size() - 1, rapidjson::kNumberType);
      else
        w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    default:
      v.Accept(w);
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
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  emit(v, w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hidewire::mapping
