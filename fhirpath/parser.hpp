// FHIRPath N1 lexer and Pratt parser.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "fhirpath/ast.hpp"

namespace hidewire::fhirpath {

struct SyntaxError : std::runtime_error {
  SyntaxError(std::string msg, std::size_t pos) : std::runtime_error(std::move(msg)), position(pos) {}
  std::size_t position;
};

// Throws SyntaxError with the offset and what was expected.
ExprPtr parse(std::string_view text);

}  // namespace hidewire::fhirpath
