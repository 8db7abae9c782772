// Text helpers of the converter: a field's repetitions, fullUrls stable per message, base64.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::mapping {

// A field's repetitions, split once: Message::piece(field, r) scans from the start each time,
// which over every repetition of a 50,000-repetition PID-3 is quadratic.
std::vector<std::string_view> split_repetitions(std::string_view field, char repetition);

// A version-4-shaped UUID derived from the message identity (`seed`) and the entry number:
// converting the same message again gives the same fullUrls.
std::string stable_uuid(const std::string& seed, std::size_t n);

std::string base64(std::string_view data);

}  // namespace hidewire::mapping
