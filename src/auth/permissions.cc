#include "kalam/auth/permissions.h"

namespace kalam::auth {
namespace {

Status Denied(std::string message) { return Status::PermissionDenied(std::move(message)); }

std::string RoleText(Role role) { return "Role '" + std::string(RoleName(role)) + "'"; }

}  // namespace

Status CheckAdminStatement(Role role, std::string_view what) {
  if (IsAdmin(role)) return Status::Ok();
  return Denied("Access denied: " + RoleText(role) + " cannot " + std::string(what) +
                ". Requires 'dba' or 'system' role.");
}

Status CheckSystemTableRead(Role role, std::string_view table_name) {
  if (IsAdmin(role)) return Status::Ok();
  return Denied("Access denied: " + RoleText(role) + " cannot access table 'system." + std::string(table_name) +
                "'. System tables require 'dba' or 'system' role.");
}

Status CheckCreateTable(Role role, TableType type) {
  if (type == TableType::kShared && role == Role::kUser) {
    return Denied("Access denied: " + RoleText(role) + " cannot create SHARED tables");
  }
  return Status::Ok();
}

Status CheckAlterTable(Role role, TableType type) {
  if (type == TableType::kShared && role == Role::kUser) {
    return Denied("Access denied: " + RoleText(role) + " cannot alter SHARED tables");
  }
  return Status::Ok();
}

Status CheckDropTable(Role role) {
  if (IsAdmin(role)) return Status::Ok();
  return Denied("Access denied: " + RoleText(role) + " cannot drop tables. Requires 'dba' or 'system' role.");
}

Status CheckSharedRead(Role role, AccessLevel level, std::string_view table) {
  bool allowed = false;
  switch (level) {
    case AccessLevel::kPublic: allowed = true; break;
    case AccessLevel::kPrivate:
    case AccessLevel::kRestricted: allowed = role != Role::kUser; break;
    case AccessLevel::kDba: allowed = IsAdmin(role); break;
  }
  if (allowed) return Status::Ok();
  return Denied("Access denied: " + RoleText(role) + " cannot read table '" + std::string(table) +
                "' (access level " + std::string(AccessLevelName(level)) + ")");
}

Status CheckSharedWrite(Role role, AccessLevel level, std::string_view table) {
  bool allowed = false;
  switch (level) {
    case AccessLevel::kPublic:
    case AccessLevel::kPrivate: allowed = role != Role::kUser; break;
    case AccessLevel::kRestricted:
    case AccessLevel::kDba: allowed = IsAdmin(role); break;
  }
  if (allowed) return Status::Ok();
  return Denied("Access denied: " + RoleText(role) + " cannot write table '" + std::string(table) +
                "' (access level " + std::string(AccessLevelName(level)) + ")");
}

Status CheckExecuteAs(Role actor, Role target) {
  bool allowed = false;
  switch (actor) {
    case Role::kUser: allowed = false; break;
    case Role::kService: allowed = target == Role::kUser || target == Role::kService; break;
    case Role::kDba: allowed = target != Role::kSystem; break;
    case Role::kSystem: allowed = true; break;
  }
  if (allowed) return Status::Ok();
  return Denied("Access denied: " + RoleText(actor) + " cannot EXECUTE AS a user with role '" +
                std::string(RoleName(target)) + "'");
}

}  // namespace kalam::auth
