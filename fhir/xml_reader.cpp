// FHIR XML -> Node, with pugixml (non-recursive parser, no DTD or entity expansion). Narrative
// XHTML is taken as the exact markup of the source, so XML -> JSON -> XML keeps it byte for byte.
#include <pugixml.hpp>

#include <cstring>

#include "fhir/codec.hpp"
#include "fhir/path_frame.hpp"
#include "fhir/utf8.hpp"

namespace hidewire::fhir {
namespace {

constexpr std::string_view kFhirNs = "http://hl7.org/fhir";
constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";

std::string_view local_name(const char* qname) {
  std::string_view n = qname;
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The namespace in scope for an element, from its own or its ancestors' declarations.
std::string_view namespace_of(pugi::xml_node el) {
  std::string_view q = el.name();
  auto colon = q.find(':');
  std::string attr = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(q.substr(0, colon));
  for (pugi::xml_node n = el; n; n = n.parent())
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  return {};
}

// End of the element whose start tag begins at `start` ('<'): scans tags, skipping comments,
// CDATA and processing instructions, and balancing start and end tags.
std::size_t element_end(std::string_view s, std::size_t start) {
  int depth = 0;
  std::size_t i = start;
  while (i < s.size()) {
    i = s.find('<', i);
    if (i == std::string_view::npos) return std::string_view::npos;
    auto skip_to = [&](std::string_view end) {
      std::size_t e = s.find(end, i);
      return e == std::string_view::npos ? s.size() : e + end.size();
    };
    if (s.compare(i, 4, "<!--") == 0) { i = skip_to("-->"); continue; }
    if (s.compare(i, 9, "<![CDATA[") == 0) { i = skip_to("]]>"); continue; }
    if (s.compare(i, 2, "<?") == 0) { i = skip_to("?>"); continue; }
    bool closing = s.compare(i, 2, "</") == 0;
    char quote = 0;
    std::size_t j = i + 1;
    for (; j < s.size(); ++j) {
      char c = s[j];
      if (quote) { if (c == quote) quote = 0; continue; }
      if (c == '"' || c == '\'') quote = c;
      else if (c == '>') break;
    }
    if (j >= s.size()) return std::string_view::npos;
    bool self_closing = !closing && s[j - 1] == '/';
    if (closing) --depth;
    else if (!self_closing) ++depth;
    i = j + 1;
    if (depth == 0) return i;
  }
  return std::string_view::npos;
}

class XmlTyper {
 public:
  XmlTyper(std::string_view src, const Schema& s, Diagnostics& d, unsigned max_depth)
      : src_(src), schema_(s), diags_(d), max_depth_(max_depth) {}

  bool read_root(pugi::xml_node el, Node& out) {
    std::string_view name = local_name(el.name());
    if (namespace_of(el) != kFhirNs) {
      diags_.add(Severity::Fatal, "structure", std::string(name),
                 "root element <" + std::string(el.name()) + "> is not in the FHIR namespace " + std::string(kFhirNs));
      return false;
    }
    const TypeDef* t = schema_.resource(name);
    if (!t) {
      diags_.add(Severity::Fatal, "not-supported", "", "unknown resourceType '" + std::string(name) + "'");
      return false;
    }
    out.name = std::string(name);
    out.type = t;
    out.is_resource = true;
    PathFrame at{nullptr, t->name, -1};
    read_content(el, out, t, at, 1);
    return true;
  }

 private:
  void read_content(pugi::xml_node el, Node& n, const TypeDef* type, const PathFrame& at, unsigned depth) {
    if (depth > max_depth_) {
      diags_.add(Severity::Fatal, "too-costly", at.render(), "XML nesting is deeper than the limit of " + std::to_string(max_depth_));
      fatal_ = true;
      return;
    }
    for (pugi::xml_attribute a : el.attributes()) {
      std::string_view an = a.name();
      if (an == "xmlns" || an.starts_with("xmlns:")) continue;
      if (an == "value" && n.is_primitive) {
        n.value = a.value();
        n.has_value = true;
        continue;
      }
      const ChildRef* cr = type ? type->find(an) : nullptr;
      if (!cr || !cr->def->xml_attr) {
        diags_.error("structure", at.render(), "unknown attribute '" + std::string(an) + "' on <" + std::string(el.name()) + ">");
        continue;
      }
      Node& c = n.children.emplace_back();
      c.name = std::string(an);
      c.def = cr->def;
      c.type = cr->type;
      c.is_primitive = true;
      c.value = a.value();
      c.has_value = true;
    }
    std::uint32_t last_order = 0;
    std::string_view last_name;
    int index = 0;
    for (pugi::xml_node c : el.children()) {
      if (fatal_) return;
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
        diags_.error("structure", at.render(), "text content is not allowed in <" + std::string(el.name()) + ">");
        continue;
      }
      if (c.type() != pugi::node_element) continue;
      std::string_view cn = local_name(c.name());
      index = cn == last_name ? index + 1 : 0;
      last_name = cn;
      const ChildRef* cr = type ? type->find(cn) : nullptr;
      PathFrame cat{&at, cn, cr && cr->def->is_array() ? index : -1};
      if (!cr) {
        read_unknown(c, n, depth + 1);
        continue;
      }
      if (cr->def->order < last_order)
        diags_.error("structure", cat.render(), "element <" + std::string(cn) + "> is out of order (FHIR XML follows the definition order)");
      last_order = cr->def->order;
      Node& child = n.children.emplace_back();
      child.name = std::string(cn);
      child.def = cr->def;
      child.type = cr->type;
      read_element(c, child, *cr, cat, depth + 1);
    }
  }

  void read_element(pugi::xml_node c, Node& child, const ChildRef& cr, const PathFrame& at, unsigned depth) {
    const TypeDef* t = cr.type;
    if (t && t->primitive == Primitive::Xhtml) {
      child.is_primitive = child.is_xhtml = true;
      if (namespace_of(c) != kXhtmlNs)
        diags_.error("structure", at.render(), "narrative <div> must be in the XHTML namespace " + std::string(kXhtmlNs));
      std::ptrdiff_t off = c.offset_debug();
      std::size_t start = off > 0 ? static_cast<std::size_t>(off - 1) : std::string_view::npos;
      std::size_t end = start == std::string_view::npos ? start : element_end(src_, start);
      if (end == std::string_view::npos) {
        diags_.error("structure", at.render(), "could not delimit the XHTML narrative");
        return;
      }
      child.value.assign(src_.substr(start, end - start));
      child.has_value = true;
      return;
    }
    if (!t || t->is_primitive()) {
      child.is_primitive = true;
      read_content(c, child, t, at, depth);
      return;
    }
    if (t->kind == TypeKind::Resource && t->is_abstract) {
      pugi::xml_node inner;
      int count = 0;
      for (pugi::xml_node k : c.children())
        if (k.type() == pugi::node_element) { inner = k; ++count; }
      if (count != 1) {
        diags_.error("structure", at.render(), "<" + child.name + "> must contain exactly one resource, found " + std::to_string(count) + " elements");
        return;
      }
      std::string_view rn = local_name(inner.name());
      const TypeDef* rt = schema_.resource(rn);
      if (!rt) {
        diags_.error("not-supported", at.render(), "unknown resourceType '" + std::string(rn) + "'");
        return;
      }
      child.type = rt;
      child.is_resource = true;
      read_content(inner, child, rt, at, depth);
      return;
    }
    read_content(c, child, t, at, depth);
  }

  // Kept generically, as in the JSON reader, so the validator reports it and nothing is lost.
  void read_unknown(pugi::xml_node el, Node& parent, unsigned depth) {
    if (depth > max_depth_) { fatal_ = true; return; }
    Node& n = parent.children.emplace_back();
    n.name = std::string(local_name(el.name()));
    if (pugi::xml_attribute v = el.attribute("value")) {
      n.is_primitive = n.has_value = true;
      n.value = v.value();
      n.json_kind = JsonKind::String;
    }
    for (pugi::xml_node c : el.children())
      if (c.type() == pugi::node_element) read_unknown(c, n, depth + 1);
  }

  std::string_view src_;
  const Schema& schema_;
  Diagnostics& diags_;
  unsigned max_depth_;
  bool fatal_ = false;

 public:
  bool failed() const { return fatal_; }
};

// The first entity reference XML does not predefine ("&reg;"), outside comments and CDATA:
// pugixml leaves those as text, where an XML parser must refuse them.
std::string undeclared_entity(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 4, "<!--") == 0) {
      i = text.find("-->", i + 4);
      if (i == std::string_view::npos) return {};
      continue;
    }
    if (text.compare(i, 9, "<![CDATA[") == 0) {
      i = text.find("]]>", i + 9);
      if (i == std::string_view::npos) return {};
      continue;
    }
    if (text[i] != '&') continue;
    std::size_t end = text.find(';', i);
    std::string_view name = text.substr(i + 1, end == std::string_view::npos ? 0 : end - i - 1);
    if (!name.empty() && name[0] == '#') continue;
    if (name != "lt" && name != "gt" && name != "amp" && name != "apos" && name != "quot")
      return "&" + std::string(name.substr(0, 32)) + ";";
  }
  return {};
}

}  // namespace

bool parse_xml(std::string_view text, const Schema& schema, Node& out, Diagnostics& diags, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    diags.add(Severity::Fatal, "too-costly", "",
              "input is " + std::to_string(text.size()) + " bytes, over the limit of " + std::to_string(limits.max_bytes));
    return false;
  }
  // FHIR forbids DTDs; refusing them also rules out entity-expansion attacks.
  if (text.find("<!DOCTYPE") != std::string_view::npos) {
    diags.add(Severity::Fatal, "security", "", "DTDs (<!DOCTYPE>) are not allowed in FHIR XML");
    return false;
  }
  std::size_t bad = 0;
  if (!is_valid_utf8(text, &bad)) {  // pugixml does not check encodings
    diags.add(Severity::Fatal, "structure", "", "input is not valid UTF-8 (bad byte at offset " + std::to_string(bad) + ")");
    return false;
  }
  if (std::string entity = undeclared_entity(text); !entity.empty()) {
    diags.add(Severity::Fatal, "structure", "",
              "invalid XML: the entity '" + entity + "' is referenced but not declared (without a DTD only &lt; &gt; &amp; "
              "&apos; &quot; and character references exist)");
    return false;
  }
  pugi::xml_document doc;
  pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    std::size_t off = std::min<std::size_t>(static_cast<std::size_t>(r.offset), text.size());
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < off; ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    diags.add(Severity::Fatal, "structure", "",
              std::string("invalid XML: ") + r.description() + " at line " + std::to_string(line) + ", column " +
                  std::to_string(col) + " (offset " + std::to_string(off) + ")");
    return false;
  }
  pugi::xml_node root = doc.document_element();
  if (!root) {
    diags.add(Severity::Fatal, "structure", "", "XML document has no root element");
    return false;
  }
  XmlTyper typer(text, schema, diags, limits.max_depth);
  return typer.read_root(root, out) && !typer.failed();
}

}  // namespace hidewire::fhir
