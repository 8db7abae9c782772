// The dashboard's static files (dashboard/www), embedded into the binary at build time
// (dashboard/embed_assets.cmake): found by their path under www/ ("index.html", "js/app.js").
#pragma once

#include <string_view>

namespace hidewire::dashboard {

struct Asset {
  const char* name;
  std::string_view body;
  const char* content_type;
};

// Null when there is no such file.
const Asset* find_asset(std::string_view name);

}  // namespace hidewire::dashboard
