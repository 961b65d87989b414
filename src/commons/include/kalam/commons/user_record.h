#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"

namespace kalam {

enum class AuthType { kPassword, kOAuth, kInternal };
std::string_view AuthTypeName(AuthType type);

// A row of system.users.
struct UserRecord {
  UserId id;
  std::string password_hash;  // empty when none
  Role role = Role::kUser;
  std::optional<std::string> email;
  AuthType auth_type = AuthType::kPassword;
  std::string auth_data;  // JSON text, empty when none
  std::string storage_id = "local";
  uint32_t failed_login_attempts = 0;
  int64_t locked_until_us = 0;  // 0 = not locked
  int64_t last_login_at_us = 0;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  int64_t last_seen_us = 0;
  int64_t deleted_at_us = 0;  // 0 = active
  // Last password or role change (or creation/reactivation): tokens issued before the whole
  // second of this instant are stale.
  int64_t credentials_changed_at_us = 0;

  bool deleted() const { return deleted_at_us != 0; }
};

}  // namespace kalam
