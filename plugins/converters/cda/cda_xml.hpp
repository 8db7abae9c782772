// Reading CDA with pugixml: elements by local name (the CDA namespace, npfitlc: and itk:
// prefixes alike), which elements were read (the rest is reported as unmapped), CDA's TS
// timestamps as FHIR dateTimes, and the narrative block as FHIR XHTML.
#pragma once

#include <pugixml.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::plugins::cda {

using Xml = pugi::xml_node;

std::string_view local_name(const char* qualified);
// The first child element with this local name (null when none), or all of them.
Xml child(Xml n, std::string_view local);
std::vector<Xml> children(Xml n, std::string_view local);
// An attribute's value ("" when absent).
std::string attr(Xml n, const char* name);
// The element's text, whitespace trimmed and runs of it made one space.
std::string text_of(Xml n);
// Where an element is, for diagnostics: local names with 1-based indexes where repeated
// (ClinicalDocument/component/structuredBody/component[2]/section).
std::string location(Xml n);

// The elements the converter read; each one read counts for its attributes and text. Marks are
// appended while converting and sorted once, when the unmapped elements are looked for.
class Seen {
 public:
  void mark(Xml n) { seen_.push_back(n.internal_object()); }
  // The element and everything under it (a narrative block, carried whole).
  void mark_all(Xml n);
  void seal();  // before has()
  bool has(Xml n) const;

 private:
  std::vector<const void*> seen_;
};

// The paths (local names, no indexes, each once) of the elements under `root` that were not
// read, nor are under `ignore` (a full path, a path ending such as section/id, or a local name).
void unmapped(Xml root, Seen& seen, const std::set<std::string>& ignore, std::vector<std::string>& out);

// A CDA TS (YYYYMMDDHHMMSS.fff+ZZZZ, any precision down to the year) as a FHIR dateTime. A time
// without a zone keeps only its date (`zoneless` set): FHIR needs the zone with a time. Empty
// and `why` set when it is not a timestamp.
std::string fhir_date_time(std::string_view ts, std::string& why, bool& zoneless);

// The CDA narrative block (a section's <text>) as a FHIR Narrative div; empty when it holds no text.
std::string narrative_xhtml(Xml text);
// Plain text in a FHIR div (an envelope or section with no CDA markup).
std::string text_xhtml(const std::string& text);

}  // namespace hidewire::plugins::cda
