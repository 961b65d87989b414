#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/ids.h"

namespace kalam {

// The actions system.audit_log records (docs/operations.md). Stored by position: append only.
enum class AuditAction : uint8_t {
  kLogin,
  kLoginFailed,
  kCreateUser,
  kAlterUser,
  kDropUser,
  kCreateNamespace,
  kDropNamespace,
  kCreateTable,
  kAlterTable,
  kDropTable,
  kCreateStorage,
  kAlterStorage,
  kDropStorage,
  kBackup,
  kRestore,
  kKillJob,
  kKillLiveQuery,
  kExecuteAs,
  kExportUserData,
};
inline constexpr uint8_t kMaxAuditAction = static_cast<uint8_t>(AuditAction::kExportUserData);

// "LOGIN", "LOGIN_FAILED", "CREATE_USER", ...
std::string_view AuditActionName(AuditAction action);

// One row of system.audit_log. Who did what to which object, from where. Never holds a
// password, token or credential: `details` is a small JSON object of non-secret facts.
struct AuditEntry {
  std::string audit_id;  // assigned by the audit log: time-ordered, unique
  int64_t timestamp_us = 0;
  UserId actor;  // the authenticated user (empty for a failed login)
  AuditAction action = AuditAction::kLogin;
  std::string target;             // "app", "app.messages", "alice", a storage, job or live-query id
  std::string details_json;       // JSON object text; empty = NULL
  std::string ip_address;         // the client address; empty when not known (embedded use)
  std::optional<UserId> subject;  // the user the action concerns, when it is about one
};

}  // namespace kalam
