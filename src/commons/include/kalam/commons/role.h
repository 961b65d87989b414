#pragma once

#include <optional>
#include <string_view>

namespace kalam {

// Roles on the wire: user < service < dba < system. dba and system are "admins".
enum class Role { kUser, kService, kDba, kSystem };

std::string_view RoleName(Role role);
// Accepts the wire names and the aliases of docs/http-api.md (admin, developer, analyst, ...).
std::optional<Role> ParseRole(std::string_view text);
inline bool IsAdmin(Role role) { return role == Role::kDba || role == Role::kSystem; }

}  // namespace kalam
