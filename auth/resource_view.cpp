// patient_of and view_of run on every resource of every answer, so they read the JSON with
// rapidjson's SAX reader (no DOM, no allocation for what they skip), and patient_of stops as
// soon as it knows the answer.
#include <rapidjson/reader.h>

#include <vector>

#include "auth/patient_facts.hpp"

namespace hidewire::auth {
namespace {

// What a JSON container or a pending value is, as far as these two readers care.
enum class Tag { Root, Other, Link, Category, CategoryCoding, Meta, Security, ResourceType, Id, Reference, CategoryCode, SecurityCode };

struct Frame {
  Tag tag;
  bool array;
};

// Tracks where in the resource the reader is; `leaf` maps (container, key) to a tag.
template <typename Derived>
struct Walker : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Derived> {
  std::vector<Frame> stack;
  Tag pending = Tag::Other;

  Tag value_tag() const {
    if (stack.empty()) return Tag::Root;
    return stack.back().array ? stack.back().tag : pending;
  }
  bool Default() { return true; }
  bool StartObject() {
    stack.push_back({value_tag(), false});
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    stack.pop_back();
    return static_cast<Derived*>(this)->closed();
  }
  bool StartArray() {
    stack.push_back({value_tag(), true});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    stack.pop_back();
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    pending = static_cast<Derived*>(this)->key(stack.back().tag, std::string_view(s, n));
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return static_cast<Derived*>(this)->string(value_tag(), std::string_view(s, n)); }
  bool closed() { return true; }
};

struct PatientOf : Walker<PatientOf> {
  std::string type, id, linked;
  bool link_seen = false;  // a subject / patient / beneficiary, whatever it names
  Tag key(Tag in, std::string_view k) {
    if (in == Tag::Root) {
      if (k == "resourceType") return Tag::ResourceType;
      if (k == "id") return Tag::Id;
      if (k == "subject" || k == "patient" || k == "beneficiary" || k == "for" || k == "individual") {  // Task.for, ResearchSubject.individual
        link_seen = true;
        return Tag::Link;
      }
    } else if (in == Tag::Link && k == "reference") {
      return Tag::Reference;
    }
    return Tag::Other;
  }
  bool string(Tag t, std::string_view v) {
    if (t == Tag::ResourceType) type = v;
    else if (t == Tag::Id) id = v;
    else if (t == Tag::Reference && linked.empty() && v.rfind("Patient/", 0) == 0) {
      std::string_view rest = v.substr(8);
      rest = rest.substr(0, rest.find('/'));  // Patient/<id>/_history/<n>
      if (!rest.empty()) linked = rest;
    }
    return !done();
  }
  bool closed() const { return !done(); }
  bool done() const { return !type.empty() && (type == "Patient" ? !id.empty() : !linked.empty()); }
};

struct ViewOf : Walker<ViewOf> {
  std::string& type;
  node::ResourceView& view;
  ViewOf(std::string& t, node::ResourceView& v) : type(t), view(v) {}
  Tag key(Tag in, std::string_view k) const {
    switch (in) {
      case Tag::Root:
        if (k == "resourceType") return Tag::ResourceType;
        if (k == "category") return Tag::Category;
        if (k == "meta") return Tag::Meta;
        break;
      case Tag::Category:
        if (k == "coding") return Tag::CategoryCoding;
        break;
      case Tag::CategoryCoding:
        if (k == "code") return Tag::CategoryCode;
        break;
      case Tag::Meta:
        if (k == "security") return Tag::Security;
        break;
      case Tag::Security:
        if (k == "code") return Tag::SecurityCode;
        break;
      default:
        break;
    }
    return Tag::Other;
  }
  bool string(Tag t, std::string_view v) {
    if (t == Tag::ResourceType) type = v;
    else if (t == Tag::CategoryCode) view.categories.emplace_back(v);
    else if (t == Tag::SecurityCode) view.security_labels.emplace_back(v);
    return true;
  }
};

}  // namespace

// Types that can be about a patient through a field patient_of does not follow (Provenance.target,
// AuditEvent.entity, Appointment.participant, Group.member, a Bundle's entries, a Binary's
// content): whom they are about is not told from the top level, so they are the holder's only.
bool about_someone_elsewhere(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"AppointmentResponse", "Appointment", "AuditEvent", "Binary", "Bundle", "Group",
                                                "Linkage", "MessageHeader", "Parameters", "Person", "Provenance"};
  for (std::string_view t : kTypes)
    if (t == type) return true;
  return false;
}

PatientLink patient_link_of(std::string_view resource_json) {
  PatientOf h;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(resource_json.data(), resource_json.size());
  reader.Parse(ms, h);  // stops early (a "termination" error) once the answer is known
  PatientLink out;
  if (h.type == "Patient") {
    if (!h.id.empty()) out.id = h.id;
    return out;
  }
  if (!h.linked.empty()) out.id = h.linked;
  else out.unresolved = h.link_seen || about_someone_elsewhere(h.type);
  return out;
}

std::optional<std::string> patient_of(std::string_view resource_json) { return patient_link_of(resource_json).id; }

node::ResourceView view_of(std::string_view resource_json, std::string& type_storage) {
  type_storage.clear();
  node::ResourceView view;
  ViewOf h(type_storage, view);
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(resource_json.data(), resource_json.size());
  reader.Parse(ms, h);
  view.type = type_storage;
  return view;
}

}  // namespace hidewire::auth
