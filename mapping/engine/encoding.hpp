// Text helpers of the converter: a field's repetitions, base64.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hidewire::mapping {

// A field's repetitions, split once: Message::piece(field, r) scans from the start each time,
// which over every repetition of a 50,000-repetition PID-3 is quadratic.
std::vector<std::string_view> split_repetitions(std::string_view field, char repetition);

std::string base64(std::string_view data);

}  // namespace hidewire::mapping
