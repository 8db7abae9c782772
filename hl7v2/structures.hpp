// Message structures as data: which segment groups a message type has (v2.5.1 abstract
// message syntax, simplified to what mapping needs), and the matcher that builds Message::root.
#pragma once

#include <string>
#include <string_view>

#include "hl7v2/message.hpp"

namespace hidewire::hl7v2 {

// The structure definition for e.g. "ADT_A01", in the notation of structures.cpp; empty when
// the structure is not known (the message then has one flat group).
std::string_view structure_definition(std::string_view structure);
// The structure whose definition `structure` shares (ADT_A04 -> ADT_A01), or itself.
std::string_view canonical_structure(std::string_view structure);
// Fills m.root from m.segments according to the message's structure (MSH-9.3, or the
// structure its event implies).
void build_groups(Message& m);

}  // namespace hidewire::hl7v2
