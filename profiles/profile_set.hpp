// The conformance resources at hand: StructureDefinitions, ValueSets, CodeSystems and
// Questionnaires (which QuestionnaireResponses are checked against) loaded
// from folders and npm-style FHIR packages (JSON or XML), the profiles compiled from them and
// the value sets expanded from the code systems loaded. Load everything first, then compile();
// after that the set is read-only and may be shared between threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/diagnostics.hpp"
#include "fhir/node.hpp"
#include "fhir/schema.hpp"
#include "profiles/profile.hpp"

namespace hidewire::profiles {

// A value set expanded here: "system|code" pairs, and whether the expansion is whole. What
// could not be expanded (SNOMED CT, dm+d, filters on systems not at hand) is named in
// `unexpanded`, so a code from those systems is "not checked" rather than wrong.
struct Expansion {
  std::string url, name;
  bool complete = true;
  fhir::StringSet system_codes;  // "system|code"
  fhir::StringSet codes;         // "code", for code elements that carry no system
  fhir::StringSet unexpanded;    // systems whose codes could not be listed here
};

class ProfileSet {
 public:
  explicit ProfileSet(const fhir::Schema& schema = fhir::Schema::r4());
  ~ProfileSet();

  // A folder (every *.json and *.xml in it, and in package/ when it is an unpacked npm
  // package), a package.tgz, or one file. Returns false with errors in `d` for what is not
  // readable; resources of other types are skipped.
  bool load(const std::string& path, fhir::Diagnostics& d);
  // Adds one resource given as JSON or XML text (tests, the node's config).
  bool add(std::string_view text, const std::string& source, fhir::Diagnostics& d);
  // Compiles every constraining StructureDefinition loaded; problems are warnings in `d`.
  void compile(fhir::Diagnostics& d);

  // url with or without |version; an extension R4 itself defines is found here too unless a
  // definition of the same url was loaded (core_extensions())
  const Profile* profile(std::string_view url) const;
  const Expansion* expansion(std::string_view url) const;  // R4's own value sets too
  const fhir::Node* questionnaire(std::string_view url) const;  // url with or without |version
  const std::vector<const Profile*>& profiles() const { return list_; }
  const fhir::Schema& schema() const { return schema_; }
  std::size_t structure_definitions() const { return sds_.size(); }
  std::size_t value_sets() const { return vss_.size(); }
  std::size_t code_systems() const { return css_.size(); }

  // The extensions the R4 specification defines (schemas/r4/extensions.json), compiled once
  // on first use and shared.
  static const ProfileSet& core_extensions();

 private:
  struct Loaded {
    fhir::Node root;
    std::string source;
  };
  const Profile* compile_one(std::string_view url, fhir::Diagnostics& d, int depth);
  const Expansion* expand(std::string_view url, int depth) const;

  const fhir::Schema& schema_;
  bool core_ = false;  // the set of R4's own extensions, which has no fallback
  std::vector<std::unique_ptr<Loaded>> resources_;
  fhir::StringMap<const fhir::Node*> sds_, vss_, css_, qs_;  // by canonical url
  fhir::StringMap<std::unique_ptr<Profile>> compiled_;
  std::vector<const Profile*> list_;
  mutable std::mutex expansions_mu_;  // value sets are expanded on first use
  mutable fhir::StringMap<std::unique_ptr<Expansion>> expansions_;
};

}  // namespace hidewire::profiles
