// UTF-8 validation for whole documents, ASCII fast path first: FHIR content is mostly ASCII,
// and validating per character inside the JSON parser was its single largest cost.
#pragma once

#include <cstddef>
#include <string_view>

namespace hidewire::fhir {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF);
// otherwise false with the offset of the first bad byte in `bad_offset`.
bool is_valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr);

}  // namespace hidewire::fhir
