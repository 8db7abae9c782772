// The numbered requirements the conformance suite checks, their packs and milestones: data in
// conformance/requirements/requirements.json, linked into the binary.
#pragma once

#include <string>
#include <vector>

namespace hidewire::conformance::suite {

struct Pack {
  std::string id, title;
  bool holds_health_data = true;  // FHIR-API-05 (no unauthenticated reads) applies
};

struct Milestone {
  std::string id, title, due;  // due: YYYY-MM-DD
};

struct Requirement {
  std::string id, level, milestone, as_at, text, source;  // level: shall (required) or should
  std::vector<std::string> packs;
  bool required() const { return level == "shall"; }
  bool in_pack(const std::string& pack) const;
};

struct Requirements {
  std::string suite, version;
  std::vector<Pack> packs;
  std::vector<Milestone> milestones;  // in order: a milestone includes those before it
  std::vector<Requirement> requirements;
  const Requirement* find(const std::string& id) const;
  const Pack* pack(const std::string& id) const;
  // Index of the milestone in `milestones`; -1 when unknown.
  int milestone_index(const std::string& id) const;
};

// The embedded requirements, read once; throws std::runtime_error when the data is malformed.
const Requirements& requirements();
// Reads requirements JSON; throws std::runtime_error naming what is wrong.
Requirements parse_requirements(const std::string& json);

}  // namespace hidewire::conformance::suite
