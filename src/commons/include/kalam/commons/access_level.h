#pragma once

#include <optional>
#include <string_view>

namespace kalam {

// Who may read and write a SHARED table (docs/sql-reference.md).
enum class AccessLevel { kPublic, kPrivate, kRestricted, kDba };

std::string_view AccessLevelName(AccessLevel level);  // "PUBLIC", ...
std::optional<AccessLevel> ParseAccessLevel(std::string_view text);

}  // namespace kalam
