#include "fhirpath/parser.hpp"

#include <cctype>
#include <vector>

namespace hidewire::fhirpath {
namespace {

enum class Tok { End, Ident, DelimIdent, String, Number, LongNumber, DateTime, Time, Variable, Op, LParen, RParen,
                 LBracket, RBracket, LBrace, RBrace, Comma, Dot };

struct Token {
  Tok kind;
  std::string text;
  std::size_t pos;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      if (i_ >= s_.size()) break;
      out.push_back(next());
    }
    out.push_back({Tok::End, "", s_.size()});
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& msg, std::size_t pos) { throw SyntaxError(msg, pos); }

  void skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (std::isspace(static_cast<unsigned char>(c))) { ++i_; continue; }
      if (s_.compare(i_, 2, "//") == 0) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
        continue;
      }
      if (s_.compare(i_, 2, "/*") == 0) {
        std::size_t e = s_.find("*/", i_ + 2);
        if (e == std::string_view::npos) fail("unterminated comment", i_);
        i_ = e + 2;
        continue;
      }
      break;
    }
  }

  std::string quoted(char q) {
    std::size_t start = i_++;
    std::string out;
    while (i_ < s_.size() && s_[i_] != q) {
      char c = s_[i_++];
      if (c != '\\') { out += c; continue; }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) fail("bad \\u escape", i_);
          unsigned cp = std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16);
          i_ += 4;
          if (cp < 0x80) out += static_cast<char>(cp);
          else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          else { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
          break;
        }
        default: out += e;  // \' \" \` \\ \/
      }
    }
    if (i_ >= s_.size()) fail(std::string("unterminated ") + (q == '`' ? "identifier" : "string"), start);
    ++i_;
    return out;
  }

  Token next() {
    std::size_t p = i_;
    char c = s_[i_];
    if (c == '\'') return {Tok::String, quoted('\''), p};
    if (c == '`') return {Tok::DelimIdent, quoted('`'), p};
    if (c == '@') return datetime();
    if (c == '%') {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '`' || s_[i_] == '\'')) return {Tok::Variable, quoted(s_[i_]), p};
      std::size_t st = i_;
      while (i_ < s_.size() && (ident_char(s_[i_]) || s_[i_] == '-')) ++i_;
      if (st == i_) fail("expected a variable name after %", p);
      return {Tok::Variable, std::string(s_.substr(st, i_ - st)), p};
    }
    if (c == '$') {
      ++i_;
      std::size_t st = i_;
      while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
      return {Tok::Ident, "$" + std::string(s_.substr(st, i_ - st)), p};
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (i_ + 1 < s_.size() && s_[i_] == '.' && std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
        ++i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      } else if (i_ < s_.size() && s_[i_] == 'L') {
        ++i_;
        return {Tok::LongNumber, std::string(s_.substr(p, i_ - p - 1)), p};
      }
      return {Tok::Number, std::string(s_.substr(p, i_ - p)), p};
    }
    if (ident_start(c)) {
      while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
      return {Tok::Ident, std::string(s_.substr(p, i_ - p)), p};
    }
    ++i_;
    switch (c) {
      case '(': return {Tok::LParen, "(", p};
      case ')': return {Tok::RParen, ")", p};
      case '[': return {Tok::LBracket, "[", p};
      case ']': return {Tok::RBracket, "]", p};
      case '{': return {Tok::LBrace, "{", p};
      case '}': return {Tok::RBrace, "}", p};
      case ',': return {Tok::Comma, ",", p};
      case '.': return {Tok::Dot, ".", p};
      case '+': case '-': case '*': case '/': case '&': case '|': case '=': case '~':
        return {Tok::Op, std::string(1, c), p};
      case '<': case '>':
        if (i_ < s_.size() && s_[i_] == '=') { ++i_; return {Tok::Op, std::string(1, c) + "=", p}; }
        return {Tok::Op, std::string(1, c), p};
      case '!':
        if (i_ < s_.size() && (s_[i_] == '=' || s_[i_] == '~')) { ++i_; return {Tok::Op, std::string("!") + s_[i_ - 1], p}; }
        break;
      default: break;
    }
    fail("unexpected character '" + std::string(1, c) + "'", p);
  }

  // @2015-02-04T14:34:28.123+09:00, @2015, @T14:34, with the precision as written.
  Token datetime() {
    std::size_t p = i_++;
    auto is = [&](auto pred) { return i_ < s_.size() && pred(s_[i_]); };
    auto digit = [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; };
    // hh(:mm(:ss(.fff)?)?)?: a '.' belongs to the time only when digits follow it, so
    // @T14:34.is(Time) ends before the dot.
    auto time_part = [&] {
      while (is([&](char ch) { return digit(ch) || ch == ':'; })) ++i_;
      if (i_ + 1 < s_.size() && s_[i_] == '.' && digit(s_[i_ + 1])) {
        ++i_;
        while (is(digit)) ++i_;
      }
    };
    if (is([](char ch) { return ch == 'T'; })) {
      ++i_;
      time_part();
      return {Tok::Time, std::string(s_.substr(p + 2, i_ - p - 2)), p};
    }
    while (is([&](char ch) { return digit(ch) || ch == '-'; })) ++i_;
    bool has_t = false;
    if (is([](char ch) { return ch == 'T'; })) {
      has_t = true;
      ++i_;
      time_part();
      if (is([](char ch) { return ch == 'Z'; })) ++i_;
      else if (is([](char ch) { return ch == '+' || ch == '-'; }) && i_ + 5 < s_.size() + 1 && digit(s_[i_ + 1])) {
        ++i_;
        while (is([&](char ch) { return digit(ch) || ch == ':'; })) ++i_;
      }
    }
    std::string text(s_.substr(p + 1, i_ - p - 1));
    if (text.empty()) fail("expected a date after @", p);
    return {has_t ? Tok::DateTime : Tok::DateTime, text, p};
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Binding powers, loosest first (FHIRPath operator precedence).
int infix_power(const Token& t) {
  if (t.kind == Tok::Dot || t.kind == Tok::LBracket) return 100;
  if (t.kind == Tok::Op) {
    const std::string& o = t.text;
    if (o == "*" || o == "/") return 80;
    if (o == "+" || o == "-" || o == "&") return 70;
    if (o == "|") return 50;
    if (o == "<" || o == ">" || o == "<=" || o == ">=") return 40;
    if (o == "=" || o == "~" || o == "!=" || o == "!~") return 30;
  }
  if (t.kind == Tok::Ident) {
    const std::string& o = t.text;
    if (o == "div" || o == "mod") return 80;
    if (o == "is" || o == "as") return 60;
    if (o == "in" || o == "contains") return 25;
    if (o == "and") return 20;
    if (o == "or" || o == "xor") return 15;
    if (o == "implies") return 10;
  }
  return -1;
}

bool is_calendar_unit(const std::string& w) {
  static const char* kUnits[] = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
                                 "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};
  for (const char* u : kUnits)
    if (w == u) return true;
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  ExprPtr whole() {
    ExprPtr e = expr(0);
    if (peek().kind != Tok::End) fail("unexpected '" + peek().text + "'", peek().pos);
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& msg, std::size_t pos) { throw SyntaxError(msg, pos); }
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(k_ + ahead, t_.size() - 1)]; }
  Token take() { return t_[k_ < t_.size() - 1 ? k_++ : k_]; }
  void expect(Tok kind, const char* what) {
    if (peek().kind != kind) fail(std::string("expected ") + what + (peek().kind == Tok::End ? " at end of expression" : ", found '" + peek().text + "'"), peek().pos);
    take();
  }

  static ExprPtr make(ExprKind k, std::string text, std::size_t pos) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->text = std::move(text);
    e->pos = pos;
    return e;
  }

  ExprPtr expr(int min_power) {
    ExprPtr left = prefix();
    while (true) {
      const Token& op = peek();
      int power = infix_power(op);
      if (power < 0 || power <= min_power) break;
      take();
      if (op.kind == Tok::Dot) {
        left = invocation(std::move(left));
        continue;
      }
      if (op.kind == Tok::LBracket) {
        auto e = make(ExprKind::Indexer, "[]", op.pos);
        e->args.push_back(std::move(left));
        e->args.push_back(expr(0));
        expect(Tok::RBracket, "']'");
        left = std::move(e);
        continue;
      }
      if (op.text == "is" || op.text == "as") {
        auto e = make(ExprKind::TypeOp, op.text, op.pos);
        e->args.push_back(std::move(left));
        e->args.push_back(make(ExprKind::Identifier, type_specifier(), op.pos));
        left = std::move(e);
        continue;
      }
      auto e = make(ExprKind::Binary, op.text, op.pos);
      e->args.push_back(std::move(left));
      e->args.push_back(expr(power));
      left = std::move(e);
    }
    return left;
  }

  std::string type_specifier() {
    std::string name = identifier("a type name");
    while (peek().kind == Tok::Dot && (peek(1).kind == Tok::Ident || peek(1).kind == Tok::DelimIdent)) {
      take();
      name += "." + identifier("a type name");
    }
    return name;
  }

  std::string identifier(const char* what) {
    if (peek().kind != Tok::Ident && peek().kind != Tok::DelimIdent)
      fail(std::string("expected ") + what + (peek().kind == Tok::End ? " at end of expression" : ", found '" + peek().text + "'"), peek().pos);
    return take().text;
  }

  ExprPtr invocation(ExprPtr left) {
    std::size_t pos = peek().pos;
    std::string name = identifier("a member or function name after '.'");
    if (peek().kind == Tok::LParen) {
      auto f = function_call(name, pos);
      f->kind = ExprKind::Invocation;
      f->unit = "()";  // marks a call, as opposed to member access
      f->args.insert(f->args.begin(), std::move(left));
      return f;
    }
    auto e = make(ExprKind::Invocation, name, pos);
    e->args.push_back(std::move(left));
    return e;
  }

  ExprPtr function_call(const std::string& name, std::size_t pos) {
    auto f = make(ExprKind::Function, name, pos);
    expect(Tok::LParen, "'('");
    if (peek().kind != Tok::RParen) {
      while (true) {
        f->args.push_back(expr(0));
        if (peek().kind == Tok::Comma) { take(); continue; }
        break;
      }
    }
    expect(Tok::RParen, "')' to close the argument list");
    return f;
  }

  ExprPtr literal(LiteralType type, std::string text, std::size_t pos) {
    auto e = make(ExprKind::Literal, std::move(text), pos);
    e->literal_type = type;
    return e;
  }

  ExprPtr prefix() {
    Token t = take();
    switch (t.kind) {
      case Tok::End: fail("expression ends unexpectedly", t.pos);
      case Tok::String: return literal(LiteralType::String, t.text, t.pos);
      case Tok::LongNumber: return literal(LiteralType::Long, t.text, t.pos);
      case Tok::Number: {
        LiteralType lt = t.text.find('.') == std::string::npos ? LiteralType::Integer : LiteralType::Decimal;
        if (peek().kind == Tok::String || (peek().kind == Tok::Ident && is_calendar_unit(peek().text))) {
          auto q = literal(LiteralType::Quantity, t.text, t.pos);
          q->unit = take().text;
          return q;
        }
        return literal(lt, t.text, t.pos);
      }
      case Tok::DateTime: {
        bool has_time = t.text.find('T') != std::string::npos;
        return literal(has_time ? LiteralType::DateTime : LiteralType::Date, t.text, t.pos);
      }
      case Tok::Time: return literal(LiteralType::Time, t.text, t.pos);
      case Tok::Variable: return make(ExprKind::Variable, t.text, t.pos);
      case Tok::LParen: {
        ExprPtr e = expr(0);
        expect(Tok::RParen, "')'");
        return e;
      }
      case Tok::LBrace:
        expect(Tok::RBrace, "'}' (only {} is a collection literal)");
        return make(ExprKind::Empty, "{}", t.pos);
      case Tok::Op:
        if (t.text == "-" || t.text == "+") {
          auto e = make(ExprKind::Unary, t.text, t.pos);
          e->args.push_back(expr(90));
          return e;
        }
        break;
      case Tok::Ident:
        if (t.text == "true" || t.text == "false") return literal(LiteralType::Boolean, t.text, t.pos);
        if (!t.text.empty() && t.text[0] == '$') return make(ExprKind::Variable, t.text, t.pos);
        if (peek().kind == Tok::LParen) return function_call(t.text, t.pos);
        return make(ExprKind::Identifier, t.text, t.pos);
      case Tok::DelimIdent: return make(ExprKind::Identifier, t.text, t.pos);
      default: break;
    }
    fail("unexpected '" + t.text + "'", t.pos);
  }

  std::vector<Token> t_;
  std::size_t k_ = 0;
};

}  // namespace

ExprPtr parse(std::string_view text) {
  Parser p(Lexer(text).run());
  return p.whole();
}

}  // namespace hidewire::fhirpath
