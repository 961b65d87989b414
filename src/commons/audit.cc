#include "kalam/commons/audit.h"

namespace kalam {

std::string_view AuditActionName(AuditAction action) {
  switch (action) {
    case AuditAction::kLogin: return "LOGIN";
    case AuditAction::kLoginFailed: return "LOGIN_FAILED";
    case AuditAction::kCreateUser: return "CREATE_USER";
    case AuditAction::kAlterUser: return "ALTER_USER";
    case AuditAction::kDropUser: return "DROP_USER";
    case AuditAction::kCreateNamespace: return "CREATE_NAMESPACE";
    case AuditAction::kDropNamespace: return "DROP_NAMESPACE";
    case AuditAction::kCreateTable: return "CREATE_TABLE";
    case AuditAction::kAlterTable: return "ALTER_TABLE";
    case AuditAction::kDropTable: return "DROP_TABLE";
    case AuditAction::kCreateStorage: return "CREATE_STORAGE";
    case AuditAction::kAlterStorage: return "ALTER_STORAGE";
    case AuditAction::kDropStorage: return "DROP_STORAGE";
    case AuditAction::kBackup: return "BACKUP";
    case AuditAction::kRestore: return "RESTORE";
    case AuditAction::kKillJob: return "KILL_JOB";
    case AuditAction::kKillLiveQuery: return "KILL_LIVE_QUERY";
    case AuditAction::kExecuteAs: return "EXECUTE_AS";
    case AuditAction::kExportUserData: return "EXPORT_USER_DATA";
  }
  return "UNKNOWN";
}

}  // namespace kalam
