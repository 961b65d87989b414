#include "kalam/commons/access_level.h"
#include "kalam/commons/names.h"
#include "kalam/commons/role.h"
#include "kalam/commons/table_type.h"
#include "kalam/commons/user_record.h"

namespace kalam {

std::string_view TableTypeName(TableType type) {
  switch (type) {
    case TableType::kUser: return "user";
    case TableType::kShared: return "shared";
    case TableType::kStream: return "stream";
  }
  return "shared";
}

std::optional<TableType> ParseTableType(std::string_view text) {
  const std::string t = ToLower(text);
  if (t == "user") return TableType::kUser;
  if (t == "shared") return TableType::kShared;
  if (t == "stream") return TableType::kStream;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kUser: return "user";
    case Role::kService: return "service";
    case Role::kDba: return "dba";
    case Role::kSystem: return "system";
  }
  return "user";
}

std::optional<Role> ParseRole(std::string_view text) {
  const std::string t = ToLower(text);
  if (t == "user" || t == "viewer" || t == "readonly") return Role::kUser;
  if (t == "service" || t == "developer" || t == "analyst") return Role::kService;
  if (t == "dba" || t == "admin") return Role::kDba;
  if (t == "system") return Role::kSystem;
  return std::nullopt;
}

std::string_view AccessLevelName(AccessLevel level) {
  switch (level) {
    case AccessLevel::kPublic: return "PUBLIC";
    case AccessLevel::kPrivate: return "PRIVATE";
    case AccessLevel::kRestricted: return "RESTRICTED";
    case AccessLevel::kDba: return "DBA";
  }
  return "PRIVATE";
}

std::optional<AccessLevel> ParseAccessLevel(std::string_view text) {
  const std::string t = ToLower(text);
  if (t == "public") return AccessLevel::kPublic;
  if (t == "private") return AccessLevel::kPrivate;
  if (t == "restricted") return AccessLevel::kRestricted;
  if (t == "dba") return AccessLevel::kDba;
  return std::nullopt;
}

std::string_view AuthTypeName(AuthType type) {
  switch (type) {
    case AuthType::kPassword: return "password";
    case AuthType::kOAuth: return "oauth";
    case AuthType::kInternal: return "internal";
  }
  return "password";
}

}  // namespace kalam
