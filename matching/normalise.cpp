#include "matching/normalise.hpp"

#include <algorithm>
#include <cctype>

namespace hidewire::matching {
namespace {

// Latin-1 Supplement and Latin Extended-A letters by code point range, to their base letters.
struct Fold {
  char32_t from, to;
  const char* base;
};
constexpr Fold kFolds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},  {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},   {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},
    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},   {0xD8, 0xD8, "o"},   {0xD9, 0xDC, "u"},   {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},  {0xE0, 0xE5, "a"},   {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},   {0xE8, 0xEB, "e"},   {0xEC, 0xEF, "i"},
    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},   {0xF2, 0xF6, "o"},   {0xF8, 0xF8, "o"},   {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},   {0x100, 0x105, "a"}, {0x106, 0x10D, "c"}, {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},
    {0x11C, 0x123, "g"}, {0x124, 0x127, "h"}, {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},
    {0x162, 0x167, "t"}, {0x168, 0x173, "u"}, {0x174, 0x175, "w"}, {0x176, 0x178, "y"}, {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

// One code point from UTF-8 (a broken sequence: its first byte, as Latin-1).
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len <= 1 || i + static_cast<std::size_t>(len) > s.size()) return ++i, b;
  char32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c >> 6) != 2) return ++i, b;
    cp = (cp << 6) | (c & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

bool is_apostrophe(char32_t c) { return c == '\'' || c == '`' || c == 0xB4 || c == 0x2018 || c == 0x2019 || c == 0x2BC; }
bool is_combining(char32_t c) { return c >= 0x300 && c <= 0x36F; }

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) out += static_cast<char>(cp);
  else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
  else if (cp < 0x10000)
    out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
  else
    out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
}

}  // namespace

std::string fold_name(std::string_view s) {
  std::string out;
  bool space = true;  // no leading space
  auto sep = [&] {
    if (!space) out += ' ';
    space = true;
  };
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = next_code_point(s, i);
    if (is_apostrophe(c) || is_combining(c)) continue;  // O'Neill = ONeill; a decomposed é is e
    if (c < 0x80) {
      if (std::isalnum(static_cast<int>(c))) out += static_cast<char>(std::tolower(static_cast<int>(c))), space = false;
      else sep();  // hyphens, dots, commas, spaces
      continue;
    }
    if ((c >= 0x2010 && c <= 0x2015) || c == 0xA0) {
      sep();
      continue;
    }
    const Fold* f = std::find_if(std::begin(kFolds), std::end(kFolds), [c](const Fold& x) { return c >= x.from && c <= x.to; });
    if (f != std::end(kFolds)) out += f->base;
    else append_utf8(out, c);  // other scripts compare as written
    space = false;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> name_tokens(std::string_view utf8) {
  std::vector<std::string> out;
  std::string folded = fold_name(utf8);
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    if (end > start) out.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string normalise_postcode(std::string_view text) {
  std::string s;
  for (char c : text)
    if (std::isalnum(static_cast<unsigned char>(c))) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    else if (c != ' ' && c != '\t') return {};
  if (s.size() < 5 || s.size() > 7) return {};
  auto alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t n = s.size();
  // Inward code: digit letter letter. Outward: a letter first, a digit in it.
  if (!digit(s[n - 3]) || !alpha(s[n - 2]) || !alpha(s[n - 1]) || !alpha(s[0])) return {};
  std::string_view outward(s.data(), n - 3);
  if (std::none_of(outward.begin(), outward.end(), digit)) return {};
  return std::string(outward) + " " + s.substr(n - 3);
}

std::string_view outward_code(std::string_view postcode) { return postcode.substr(0, postcode.find(' ')); }

int edit_distance(std::string_view a, std::string_view b, int limit) {
  int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > limit) return limit + 1;
  // Three rows: a transposition (Jnoes for Jones) looks two back.
  std::vector<int> before(static_cast<std::size_t>(lb) + 1), prev(before.size()), cur(before.size());
  for (int j = 0; j <= lb; ++j) prev[static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    auto ui = static_cast<std::size_t>(i);
    for (int j = 1; j <= lb; ++j) {
      auto uj = static_cast<std::size_t>(j);
      int sub = prev[uj - 1] + (a[ui - 1] == b[uj - 1] ? 0 : 1);
      cur[uj] = std::min({prev[uj] + 1, cur[uj - 1] + 1, sub});
      if (i > 1 && j > 1 && a[ui - 1] == b[uj - 2] && a[ui - 2] == b[uj - 1]) cur[uj] = std::min(cur[uj], before[uj - 2] + 1);
      row_min = std::min(row_min, cur[uj]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[static_cast<std::size_t>(lb)], limit + 1);
}

}  // namespace hidewire::matching
