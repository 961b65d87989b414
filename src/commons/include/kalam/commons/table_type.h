#pragma once

#include <optional>
#include <string_view>

namespace kalam {

// USER: one private row set per user. SHARED: one row set for everyone, gated by access
// level. STREAM: in memory, rows expire after a TTL.
enum class TableType { kUser, kShared, kStream };

std::string_view TableTypeName(TableType type);          // "user", "shared", "stream"
std::optional<TableType> ParseTableType(std::string_view text);  // case-insensitive

}  // namespace kalam
