#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// CREATE USER, ALTER USER and DROP USER (docs/sql-reference.md): password hashing, role
// rules (a dba cannot grant or touch `system`), soft delete and reactivation, and dropping
// cached Basic verifications whenever credentials change. `engine` must outlive it.
class UserExecutor {
 public:
  explicit UserExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> Create(ExecContext& ctx, const dialect::CreateUserStmt& s);
  Result<StatementResult> Alter(ExecContext& ctx, const dialect::AlterUserStmt& s);
  Result<StatementResult> Drop(ExecContext& ctx, const dialect::DropUserStmt& s);

  // Role checks that need no stored state (run before any statement of a request).
  static Status Precheck(const UserId& actor, Role role, const dialect::KalamStatement& statement);

 private:
  Status CheckPassword(std::string_view password) const;

  EngineContext& engine_;
};

}  // namespace kalam::core
