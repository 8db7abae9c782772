#include "fhir/xhtml_check.hpp"

#include <pugixml.hpp>

#include <array>
#include <cctype>

namespace hidewire::fhir {
namespace {

// Elements outside FHIR's "basic HTML formatting" subset: active content, forms, documents.
constexpr std::array<std::string_view, 22> kForbidden = {
    "script", "style", "form", "input", "button", "select", "textarea", "option", "object", "embed", "iframe",
    "frame", "frameset", "applet", "base", "link", "meta", "head", "body", "html", "title", "noscript"};

std::string_view local(const char* q) {
  std::string_view n = q;
  auto c = n.find(':');
  return c == std::string_view::npos ? n : n.substr(c + 1);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (s.size() - i < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[i + k])) != prefix[k]) return false;
  return true;
}

void walk(pugi::xml_node n, std::vector<std::string>& out, bool& has_content) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      for (const char* p = c.value(); *p; ++p)
        if (!std::isspace(static_cast<unsigned char>(*p))) { has_content = true; break; }
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    std::string_view name = local(c.name());
    for (std::string_view f : kForbidden)
      if (name == f) out.push_back("narrative must not contain <" + std::string(name) + "> (txt-1)");
    if (name == "img") has_content = true;
    for (pugi::xml_attribute a : c.attributes()) {
      std::string_view an = a.name();
      if (an.size() > 2 && (an[0] == 'o' || an[0] == 'O') && (an[1] == 'n' || an[1] == 'N'))
        out.push_back("narrative must not contain event handler attribute '" + std::string(an) + "' (txt-1)");
      if ((an == "href" || an == "src") && starts_with_ci(a.value(), "javascript:"))
        out.push_back("narrative must not contain javascript: links (txt-1)");
    }
    walk(c, out, has_content);
  }
}

}  // namespace

std::vector<std::string> check_narrative_xhtml(std::string_view markup) {
  std::vector<std::string> out;
  pugi::xml_document doc;
  auto r = doc.load_buffer(markup.data(), markup.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    out.push_back(std::string("narrative is not well-formed XHTML: ") + r.description() + " at offset " +
                  std::to_string(r.offset));
    return out;
  }
  pugi::xml_node root = doc.document_element();
  if (local(root.name()) != "div") {
    out.push_back("narrative must be a single <div> element, found <" + std::string(root.name()) + ">");
    return out;
  }
  std::string_view ns = root.attribute("xmlns").value();
  if (ns != "http://www.w3.org/1999/xhtml")
    out.push_back("narrative <div> must declare xmlns=\"http://www.w3.org/1999/xhtml\"");
  bool has_content = false;
  walk(root, out, has_content);
  if (!has_content) out.push_back("narrative must have some non-whitespace content (txt-2)");
  return out;
}

}  // namespace hidewire::fhir
