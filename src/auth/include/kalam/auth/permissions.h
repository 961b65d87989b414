#pragma once

#include <string>

#include "kalam/commons/access_level.h"
#include "kalam/commons/role.h"
#include "kalam/commons/status.h"
#include "kalam/commons/table_type.h"

namespace kalam::auth {

// The role matrix of docs/http-api.md. Each check returns PermissionDenied with the
// message a client sees, or Ok.

// Namespace, storage and user DDL; KILL JOB; BACKUP/RESTORE.
Status CheckAdminStatement(Role role, std::string_view what);
// Reading (or subscribing to) a table of the `system` namespace.
Status CheckSystemTableRead(Role role, std::string_view table_name);
Status CheckCreateTable(Role role, TableType type);
Status CheckDropTable(Role role);
// ALTER TABLE on a table of `type`: role `user` may alter USER and STREAM tables only.
Status CheckAlterTable(Role role, TableType type);
Status CheckSharedRead(Role role, AccessLevel level, std::string_view table);
Status CheckSharedWrite(Role role, AccessLevel level, std::string_view table);
// EXECUTE AS USER: may `actor` act as a user whose role is `target`?
Status CheckExecuteAs(Role actor, Role target);

}  // namespace kalam::auth
