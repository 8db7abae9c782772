// FHIRPath syntax tree. Compiled once, immutable, shared between evaluations and threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace hidewire::fhirpath {

enum class ExprKind {
  Literal,      // text + literal_type
  Identifier,   // member navigation or a type name at the start of a path
  Variable,     // %name, $this, $index, $total
  Invocation,   // left.member or left.function(args)
  Function,     // function(args) with no explicit input
  Indexer,      // left[index]
  Unary,        // op: + -
  Binary,       // op: arithmetic, comparison, boolean, union...
  TypeOp,       // left is/as TypeSpecifier
  Empty,        // {}
};

enum class LiteralType { Boolean, String, Integer, Long, Decimal, Date, DateTime, Time, Quantity };

struct Expr {
  ExprKind kind;
  std::string text;  // identifier, function or variable name, operator, literal text, type name
  LiteralType literal_type = LiteralType::String;
  std::string unit;  // quantity literal unit
  std::vector<std::unique_ptr<Expr>> args;  // operands: [left, right] or [input?, args...]
  std::size_t pos = 0;  // offset in the source, for messages
};

using ExprPtr = std::unique_ptr<Expr>;

}  // namespace hidewire::fhirpath
