// Node -> FHIR XML. Children are written in definition order (XML is ordered, JSON is not),
// Element.id and Extension.url become attributes, contained resources are wrapped in an element
// named by their type, and Narrative.div is copied through as the XHTML markup it holds.
#include <algorithm>
#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "fhir/codec.hpp"

namespace hidewire::fhir {
namespace {

constexpr std::uint32_t kUnknownOrder = 0xFFFFFFFFu;

std::uint32_t order_of(const Node& n) { return n.def ? n.def->order : kUnknownOrder; }

class XmlEmitter {
 public:
  XmlEmitter(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}

  void resource(const Node& n, int depth, bool root) {
    indent(depth);
    out_ += '<';
    out_ += n.resource_type();
    if (root) out_ += " xmlns=\"http://hl7.org/fhir\"";
    out_ += '>';
    newline();
    children(n, depth + 1);
    indent(depth);
    out_ += "</";
    out_ += n.resource_type();
    out_ += '>';
    newline();
  }

 private:
  void children(const Node& n, int depth) {
    // Children are almost always in order already; sort a pointer list only when they are not.
    bool sorted = true;
    for (std::size_t i = 1; i < n.children.size() && sorted; ++i)
      sorted = order_of(n.children[i - 1]) <= order_of(n.children[i]);
    if (sorted) {
      for (const Node& c : n.children) element(c, depth);
      return;
    }
    std::vector<const Node*> kids;
    kids.reserve(n.children.size());
    for (const Node& c : n.children) kids.push_back(&c);
    std::stable_sort(kids.begin(), kids.end(), [](const Node* a, const Node* b) { return order_of(*a) < order_of(*b); });
    for (const Node* c : kids) element(*c, depth);
  }

  static bool is_attr(const Node& c) { return c.def && c.def->xml_attr && c.is_primitive; }

  void element(const Node& n, int depth) {
    if (is_attr(n)) return;  // written on the parent's start tag
    if (n.is_xhtml) {
      indent(depth);
      out_ += n.value;
      newline();
      return;
    }
    indent(depth);
    out_ += '<';
    out_ += n.name;
    bool has_content = false;
    for (const Node& c : n.children) {
      if (is_attr(c) && c.has_value) {
        out_ += ' ';
        out_ += c.name;
        out_ += "=\"";
        escape_attr(c.value);
        out_ += '"';
      } else {
        has_content = true;
      }
    }
    if (n.is_primitive && n.has_value) {
      out_ += " value=\"";
      escape_attr(n.value);
      out_ += '"';
    }
    if (!has_content && !n.is_resource) {
      out_ += "/>";
      newline();
      return;
    }
    out_ += '>';
    newline();
    if (n.is_resource)
      resource(n, depth + 1, false);
    else
      children(n, depth + 1);
    indent(depth);
    out_ += "</";
    out_ += n.name;
    out_ += '>';
    newline();
  }

  // Whitespace other than the space is written as character references: a literal tab or
  // newline inside an attribute would be normalised to a space by every XML parser.
  void escape_attr(std::string_view s) {
    std::size_t start = 0, i = 0;
#if defined(__SSE2__)
    // Sixteen bytes at a time: most values need no escaping at all.
    const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                  quot = _mm_set1_epi8('"'), low = _mm_set1_epi8(0x0E);
    for (; i + 16 <= s.size(); i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      // Bytes 0x00-0x0D (tab, newline, carriage return among them) as signed < 0x0E and >= 0.
      __m128i ctrl = _mm_and_si128(_mm_cmplt_epi8(v, low), _mm_cmpgt_epi8(v, _mm_set1_epi8(-1)));
      __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, quot)));
      if (_mm_movemask_epi8(_mm_or_si128(hit, ctrl)) == 0) continue;
      for (std::size_t k = i; k < i + 16; ++k) escape_one(s, k, start);
    }
#endif
    for (; i < s.size(); ++i) escape_one(s, i, start);
    out_.append(s.data() + start, s.size() - start);
  }

  void escape_one(std::string_view s, std::size_t i, std::size_t& start) {
    const char* rep = kAttrEscapes[static_cast<unsigned char>(s[i])];
    if (!rep) return;
    out_.append(s.data() + start, i - start);
    out_ += rep;
    start = i + 1;
  }

  static constexpr auto kAttrEscapes = [] {
    std::array<const char*, 256> t{};
    t['&'] = "&amp;";
    t['<'] = "&lt;";
    t['>'] = "&gt;";
    t['"'] = "&quot;";
    t['\n'] = "&#10;";
    t['\r'] = "&#13;";
    t['\t'] = "&#9;";
    return t;
  }();

  void indent(int depth) {
    if (pretty_) out_.append(static_cast<std::size_t>(depth) * 2, ' ');
  }
  void newline() {
    if (pretty_) out_ += '\n';
  }

  std::string& out_;
  bool pretty_;
};

}  // namespace

std::string write_xml(const Node& resource, const WriteOptions& opts) {
  std::string out;
  out.reserve(16384);  // most resources fit: saves the regrowth copies
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  if (opts.pretty) out += '\n';
  XmlEmitter(out, opts.pretty).resource(resource, 0, true);
  return out;
}

}  // namespace hidewire::fhir
