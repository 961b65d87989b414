#pragma once

#include <string_view>

namespace kalam::server {

// The one-line description of a dotted config key shown in system.settings (the long form is
// docs/configuration.md); empty for a key without one.
std::string_view ConfigKeyDescription(std::string_view dotted_key);

}  // namespace kalam::server
