#pragma once

#include <string>

namespace kalam {

// One row of system.settings: an effective configuration value under its dotted key
// ("server.port"), as text, with secrets already replaced by "***".
struct Setting {
  std::string name;
  std::string value;
  std::string description;
  std::string category;  // the section: "server", "rate_limit", ...
};

}  // namespace kalam
