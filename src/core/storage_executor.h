#pragma once

#include "engine_context.h"
#include "exec_context.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// CREATE / ALTER / DROP STORAGE and SHOW STORAGES (docs/sql-reference.md), all admin-only.
// Turns the statements into checked StorageDefinitions:
//  - PATH / BASE_DIRECTORY is split into a base directory (made absolute) and a template
//    from which the USER and SHARED templates are derived; explicit template clauses win.
//  - Templates must keep every table in a directory of its own, inside the base: besides
//    filestore's rules (no '..', no absolute path, {tableName} in both, {userId} in the USER
//    one only), both must hold {namespace}, the USER template's {userId} must be a segment of
//    its own after {namespace} and {tableName}, and the SHARED template must name a table's
//    directory the way the USER template does up to its {userId} (segment by segment, the
//    same placeholder or a literal in both), so that no table's directory can equal or hold
//    another's.
//  - A base directory may not be, hold or lie inside another storage's base or the hot
//    tier's RocksDB directory, for the same reason across storages.
//  - CREATE probes the base directory (create, write, read, list, delete) before saving.
//  - Templates of a storage cannot change while tables use it (their cold files would be
//    left behind at the old paths); those of the built-in `local` never change by SQL (they
//    follow the server configuration), and `local` cannot be dropped.
// s3 storages (s3_storage_setup.h) keep their s3:// base and are probed over the S3 API;
// gcs and azure parse but answer "Not supported yet: <type> storages".
// `engine` must outlive the executor. Thread-safe (see EngineContext::storage_ddl_mu).
class StorageExecutor {
 public:
  explicit StorageExecutor(EngineContext& engine) : engine_(engine) {}

  Result<StatementResult> Create(ExecContext& ctx, const dialect::CreateStorageStmt& s);
  Result<StatementResult> Alter(ExecContext& ctx, const dialect::AlterStorageStmt& s);
  Result<StatementResult> Drop(ExecContext& ctx, const dialect::DropStorageStmt& s);
  Result<StatementResult> Show(ExecContext& ctx);

  // Role checks that need no stored state: every storage statement is admin-only (docs/http-api.md).
  static Status Precheck(Role role, const dialect::KalamStatement& statement);

 private:
  // USER and SHARED tables whose files live in storage `id`.
  size_t TablesUsing(const StorageId& id) const;
  // Refuses a base directory that overlaps another storage's or the hot tier's directory.
  Status CheckBaseIsSeparate(const StorageId& id, const std::string& base) const;

  EngineContext& engine_;
};

}  // namespace kalam::core
