#include "plugins/converters/cda/cda_xml.hpp"

#include <algorithm>
#include <cstring>
#include <map>

namespace hidewire::plugins::cda {

std::string_view local_name(const char* q) {
  const char* colon = std::strrchr(q, ':');
  return colon ? std::string_view(colon + 1) : std::string_view(q);
}

Xml child(Xml n, std::string_view local) {
  for (Xml c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == local) return c;
  return {};
}

std::vector<Xml> children(Xml n, std::string_view local) {
  std::vector<Xml> out;
  for (Xml c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == local) out.push_back(c);
  return out;
}

std::string attr(Xml n, const char* name) { return n.attribute(name).value(); }

namespace {

void append_text(Xml n, std::string& out) {
  for (Xml c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    else if (c.type() == pugi::node_element) out += ' ', append_text(c, out);
  }
}

std::string squeeze(const std::string& s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

void escape(std::string_view s, std::string& out) {
  for (char ch : s) {
    if (ch == '&') out += "&amp;";
    else if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else if (ch == '"') out += "&quot;";
    else out += ch;
  }
}

// CDA narrative element -> the XHTML element FHIR allows (txt-1); null: its content only.
const char* xhtml_name(std::string_view cda, Xml n) {
  static const std::map<std::string_view, const char*> names{
      {"paragraph", "p"},   {"content", "span"}, {"item", "li"},       {"table", "table"}, {"thead", "thead"},
      {"tbody", "tbody"},   {"tfoot", "tfoot"},  {"tr", "tr"},         {"th", "th"},       {"td", "td"},
      {"caption", "caption"}, {"col", "col"},    {"colgroup", "colgroup"}, {"br", "br"},   {"sub", "sub"},
      {"sup", "sup"},       {"footnote", "span"}, {"footnoteRef", "span"}, {"linkHtml", "a"}};
  if (cda == "list") return attr(n, "listType") == "ordered" ? "ol" : "ul";
  auto it = names.find(cda);
  return it == names.end() ? nullptr : it->second;
}

void write_block(Xml n, std::string& out, bool& any) {
  for (Xml c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      std::string_view v = c.value();
      if (v.find_first_not_of(" \t\r\n") != std::string_view::npos) any = true;
      escape(v, out);
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    std::string_view cda = local_name(c.name());
    if (cda == "renderMultiMedia") continue;  // a reference to an attachment the document does not carry
    const char* x = xhtml_name(cda, c);
    if (!x) {
      write_block(c, out, any);
      continue;
    }
    out += '<';
    out += x;
    for (const char* span : {"colspan", "rowspan"})
      if (!attr(c, span).empty()) out += std::string(" ") + span + "=\"" + attr(c, span) + "\"";
    std::string href = attr(c, "href");
    if (cda == "linkHtml" && (href.rfind("https://", 0) == 0 || href.rfind("http://", 0) == 0)) {
      out += " href=\"";
      escape(href, out);
      out += '"';
    }
    if (cda == "br" || cda == "col") {
      out += "/>";
      continue;
    }
    out += '>';
    write_block(c, out, any);
    out += "</";
    out += x;
    out += '>';
  }
}

// Ignored: by local name, by full path, or by a path ending (section/id, at any depth).
bool ignored(const std::string& path, const std::string& name, const std::set<std::string>& ignore) {
  if (ignore.count(name) || ignore.count(path)) return true;
  for (const std::string& i : ignore)
    if (i.size() < path.size() && path.compare(path.size() - i.size(), i.size(), i) == 0 && path[path.size() - i.size() - 1] == '/') return true;
  return false;
}

// `path` is the parent's path, extended and restored in place (no string per element).
void walk_unmapped(Xml n, std::string& path, const Seen& seen, const std::set<std::string>& ignore, std::set<std::string>& found,
                   std::vector<std::string>& out) {
  for (Xml c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::size_t len = path.size();
    std::string_view name = local_name(c.name());
    path.append("/").append(name);
    if (seen.has(c)) walk_unmapped(c, path, seen, ignore, found, out);
    else if (!ignored(path, std::string(name), ignore) && found.insert(path).second) out.push_back(path);
    path.resize(len);
  }
}

bool digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

}  // namespace

std::string text_of(Xml n) {
  std::string raw;
  append_text(n, raw);
  return squeeze(raw);
}

std::string location(Xml n) {
  std::string out;
  for (Xml e = n; e && e.type() == pugi::node_element; e = e.parent()) {
    std::string_view name = local_name(e.name());
    int index = 0, count = 0;
    for (Xml s = e.parent().first_child(); s; s = s.next_sibling())
      if (s.type() == pugi::node_element && local_name(s.name()) == name) {
        ++count;
        if (s == e) index = count;
      }
    std::string step(name);
    if (count > 1) step += "[" + std::to_string(index) + "]";
    out = out.empty() ? step : step + "/" + out;
  }
  return out;
}

void Seen::seal() {
  std::sort(seen_.begin(), seen_.end());
  seen_.erase(std::unique(seen_.begin(), seen_.end()), seen_.end());
}

bool Seen::has(Xml n) const { return std::binary_search(seen_.begin(), seen_.end(), static_cast<const void*>(n.internal_object())); }

void Seen::mark_all(Xml n) {
  mark(n);
  for (Xml c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) mark_all(c);
}

void unmapped(Xml root, Seen& seen, const std::set<std::string>& ignore, std::vector<std::string>& out) {
  seen.seal();
  std::set<std::string> found;
  std::string path(local_name(root.name()));
  if (!seen.has(root)) {
    out.push_back(path);
    return;
  }
  walk_unmapped(root, path, seen, ignore, found, out);
}

std::string fhir_date_time(std::string_view ts, std::string& why, bool& zoneless) {
  zoneless = false;
  std::size_t zone = ts.find_first_of("+-");
  std::string_view body = ts.substr(0, zone), tz = zone == std::string_view::npos ? "" : ts.substr(zone);
  std::string_view frac;
  if (std::size_t dot = body.find('.'); dot != std::string_view::npos) frac = body.substr(dot + 1), body = body.substr(0, dot);
  static const std::set<std::size_t> lengths{4, 6, 8, 10, 12, 14};
  if (!digits(body) || !lengths.count(body.size()) || (!frac.empty() && (!digits(frac) || body.size() != 14)) ||
      (!tz.empty() && (tz.size() != 5 || !digits(tz.substr(1))))) {
    why = "'" + std::string(ts) + "' is not a CDA timestamp (YYYYMMDDHHMMSS+ZZZZ)";
    return {};
  }
  std::string out(body.substr(0, 4));
  if (body.size() >= 6) out += "-" + std::string(body.substr(4, 2));
  if (body.size() >= 8) out += "-" + std::string(body.substr(6, 2));
  if (body.size() <= 8) return out;
  if (tz.empty()) {
    zoneless = true;
    return out;
  }
  out += "T" + std::string(body.substr(8, 2)) + ":" + std::string(body.size() >= 12 ? body.substr(10, 2) : "00") + ":" +
         std::string(body.size() >= 14 ? body.substr(12, 2) : "00");
  if (!frac.empty()) out += "." + std::string(frac);
  out += std::string(tz.substr(0, 3)) + ":" + std::string(tz.substr(3, 2));
  return out;
}

std::string narrative_xhtml(Xml text) {
  std::string out = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";
  bool any = false;
  write_block(text, out, any);
  out += "</div>";
  return any ? out : std::string();
}

std::string text_xhtml(const std::string& text) {
  std::string out = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>";
  escape(text, out);
  return out + "</p></div>";
}

}  // namespace hidewire::plugins::cda
