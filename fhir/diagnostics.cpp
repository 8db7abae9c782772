#include "fhir/diagnostics.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace hidewire::fhir {

void Diagnostics::add(Severity s, std::string code, std::string location, std::string message,
                      std::string key) {
  issues_.push_back(Issue{s, std::move(code), std::move(location), std::move(message), std::move(key)});
}

std::size_t Diagnostics::count(Severity s) const {
  std::size_t n = 0;
  for (const Issue& i : issues_) n += i.severity == s;
  return n;
}

void Diagnostics::append(const Diagnostics& other) {
  issues_.insert(issues_.end(), other.issues_.begin(), other.issues_.end());
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Fatal: return "fatal";
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Information: return "information";
  }
  return "error";
}

namespace {
template <typename Writer>
void write_outcome(Writer& w, const Diagnostics& d) {
  auto str = [&w](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("resourceType");
  str("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  if (d.empty()) {  // an OperationOutcome needs at least one issue
    w.StartObject();
    w.Key("severity"); str("information");
    w.Key("code"); str("informational");
    w.Key("diagnostics"); str("No issues found");
    w.EndObject();
  }
  for (const Issue& i : d.issues()) {
    w.StartObject();
    w.Key("severity"); str(severity_name(i.severity));
    w.Key("code"); str(i.code.empty() ? std::string_view("processing") : std::string_view(i.code));
    if (!i.key.empty()) {
      w.Key("details"); w.StartObject(); w.Key("text"); str(i.key); w.EndObject();
    }
    w.Key("diagnostics"); str(i.message);
    if (!i.location.empty()) {
      w.Key("location"); w.StartArray(); str(i.location); w.EndArray();
      w.Key("expression"); w.StartArray(); str(i.location); w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}
}  // namespace

std::string to_operation_outcome_json(const Diagnostics& d, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    write_outcome(w, d);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    write_outcome(w, d);
  }
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace hidewire::fhir
