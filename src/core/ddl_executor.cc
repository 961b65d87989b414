#include "ddl_executor.h"

#include <optional>
#include <shared_mutex>

#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "id_functions.h"
#include "overloaded.h"
#include "kalam/commons/json_writer.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

Status ReservedNamespace(const NamespaceId& ns) {
  return Status::InvalidOperation("Namespace name '" + ns.str() + "' is reserved");
}

}  // namespace

bool CanRead(Role role, const TableDefinition& def) {
  if (def.type != TableType::kShared) return true;
  return auth::CheckSharedRead(role, def.options.access_level, def.id.ToString()).ok();
}

Status DdlExecutor::Precheck(Role role, const dialect::KalamStatement& statement) {
  return std::visit(Overloaded{
                        [&](const dialect::CreateNamespaceStmt&) { return auth::CheckAdminStatement(role, "create namespaces"); },
                        [&](const dialect::DropNamespaceStmt&) { return auth::CheckAdminStatement(role, "drop namespaces"); },
                        [&](const dialect::AlterNamespaceStmt&) { return auth::CheckAdminStatement(role, "alter namespaces"); },
                        [&](const dialect::DropTableStmt&) { return auth::CheckDropTable(role); },
                        [&](const dialect::CreateTableStmt& s) {
                          if (s.table.namespace_id && s.table.namespace_id->str() == kSystemNamespace) {
                            return Status::PermissionDenied("Access denied: tables cannot be created in namespace 'system'");
                          }
                          return s.type ? auth::CheckCreateTable(role, *s.type) : Status::Ok();
                        },
                        [&](const dialect::DescribeTableStmt& s) {
                          return s.history ? auth::CheckAdminStatement(role, "read schema history") : Status::Ok();
                        },
                        [&](const auto&) { return Status::Ok(); },
                    },
                    statement);
}

// Admins may end any subscription; a user may end their own.
Result<StatementResult> DdlExecutor::KillLiveQuery(ExecContext& ctx, const dialect::KillLiveQueryStmt& s) {
  const std::string& id = s.live_id.str();
  const Status not_found = Status::NotFound("Live query '" + id + "' not found");
  if (engine_.live == nullptr) return not_found;
  KALAM_RETURN_IF_ERROR(engine_.live->Kill(s.live_id, ctx.acting_user, ctx.acting_role));
  return MessageResult("Live query '" + id + "' killed", 0, ctx.acting_user);
}

// SUBSCRIBE TO over HTTP (docs/sql-reference.md): validated as the WebSocket would, nothing
// subscribed; the answer says what to send to the WebSocket.
Result<StatementResult> DdlExecutor::Subscribe(ExecContext& ctx, const dialect::SubscribeStmt& s) {
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  const TableId id{ns, s.table.table_name};
  std::string select = "SELECT * FROM " + id.ToString();
  if (!s.where_text.empty()) select += " WHERE " + s.where_text;
  std::string options = "{";
  std::string options_sql;
  for (const auto& [name, value] : s.options) {
    if (options.size() > 1) options += ",";
    AppendJsonString(name, &options);
    options += ":";
    // Numbers stay numbers; `from` is a _seq (BIGINT), so it is a string (docs/value-encoding.md).
    const bool numeric = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
    if (numeric && name != "from" && name != "from_seq_id") {
      options += value;
    } else {
      AppendJsonString(value, &options);
    }
    options_sql += (options_sql.empty() ? "" : ", ") + name + "=";
    if (numeric) {
      options_sql += value;
    } else {
      options_sql += "'";
      for (char c : value) options_sql += c == '\'' ? std::string("''") : std::string(1, c);
      options_sql += "'";
    }
  }
  options += "}";
  if (engine_.live == nullptr) return Status::Unsupported("Not supported yet: live queries are not enabled");
  std::string check = "SUBSCRIBE TO " + id.ToString();
  if (!s.where_text.empty()) check += " WHERE " + s.where_text;
  if (s.options_given) check += " OPTIONS (" + options_sql + ")";
  KALAM_RETURN_IF_ERROR(engine_.live->ValidateSubscription(check, ctx.acting_user, ctx.acting_role));
  system::RowSet rows;
  const DataType text{TypeKind::kText};
  rows.columns = {{"subscription_id", text}, {"sql", text}, {"options", DataType{TypeKind::kJson}}, {"ws_url", text},
                  {"message", text}};
  rows.rows.push_back({"sub-" + ns.str() + "-" + id.table_name.str() + "-" + NewUuidV7(), select, options,
                       ctx.session.live_url(),
                       std::string("Subscription validated; open ws_url and send a subscribe message with this sql")});
  return RowSetToResult(rows, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::CreateNamespace(ExecContext& ctx, const dialect::CreateNamespaceStmt& s) {
  // A reserved name answers as reserved even when it is also a reserved word (`default`).
  if (IsReservedNamespace(s.name.str())) return ReservedNamespace(s.name);
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(s.name.str(), "Namespace"));
  if (engine_.registry->NamespaceExists(s.name)) {
    if (s.if_not_exists) return MessageResult("Namespace '" + s.name.str() + "' already exists", 0, ctx.acting_user);
    return Status::AlreadyExists("Namespace '" + s.name.str() + "' already exists");
  }
  KALAM_RETURN_IF_ERROR(engine_.registry->CreateNamespace(NamespaceDefinition{s.name, NowMicros(), "{}"}));
  return MessageResult("Namespace '" + s.name.str() + "' created successfully", 0, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::DropNamespace(ExecContext& ctx, const dialect::DropNamespaceStmt& s) {
  if (IsReservedNamespace(s.name.str())) return ReservedNamespace(s.name);
  if (!engine_.registry->NamespaceExists(s.name)) {
    if (s.if_exists) return MessageResult("Namespace '" + s.name.str() + "' does not exist", 0, ctx.acting_user);
    return NamespaceNotFound(s.name.str());
  }
  // Tables go first so that a crash in between leaves a namespace without tables, never
  // tables without a namespace. Their storages stay put until their files are gone.
  std::shared_lock storage_lock(engine_.storage_ddl_mu);
  for (const auto& def : engine_.registry->ListTables(s.name)) {
    std::optional<tables::CleanupTarget> target;
    if (def->type != TableType::kStream && engine_.jobs != nullptr) {
      KALAM_ASSIGN_OR_RETURN(target, engine_.cold->ResolveCleanupTarget(*def));
    }
    KALAM_RETURN_IF_ERROR(engine_.table_store->DropTableData(*def));
    KALAM_RETURN_IF_ERROR(engine_.registry->DropTable(def->id));
    if (def->type == TableType::kStream) engine_.streams->DropTable(def->number);
    if (engine_.live != nullptr) engine_.live->OnTableDropped(def->id);
    if (def->type != TableType::kStream) KALAM_RETURN_IF_ERROR(RemoveColdFiles(*def, target).status());
  }
  KALAM_RETURN_IF_ERROR(engine_.registry->DropNamespace(s.name));
  return MessageResult("Namespace '" + s.name.str() + "' dropped successfully", 0, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::Use(ExecContext& ctx, const dialect::UseNamespaceStmt& s) {
  if (!engine_.registry->NamespaceExists(s.name)) {
    return NamespaceNotFound(s.name.str());
  }
  ctx.session.set_current_namespace(s.name);
  ctx.state.current_namespace = s.name;
  return MessageResult("Namespace switched to '" + s.name.str() + "'", 0, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::CreateTable(ExecContext& ctx, const dialect::CreateTableStmt& s) {
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  if (ns.str() == kSystemNamespace) {
    return Status::PermissionDenied("Access denied: tables cannot be created in namespace 'system'");
  }
  TableType type = s.type.value_or(TableType::kShared);
  if (!s.type && ctx.acting_role == Role::kUser) {
    // Downgrade rule: a user's default-typed table in its own namespace is a USER table.
    if (ns.str() != ctx.acting_user.str()) {
      return Status::PermissionDenied("Access denied: Role 'user' cannot create SHARED tables");
    }
    type = TableType::kUser;
  }
  KALAM_RETURN_IF_ERROR(auth::CheckCreateTable(ctx.acting_role, type));
  if (!engine_.registry->NamespaceExists(ns)) {
    return NamespaceNotFound(ns.str(), ". Create it first with CREATE NAMESPACE " + ns.str());
  }
  const TableId id{ns, s.table.table_name};
  if (engine_.registry->FindTable(id)) {
    if (s.if_not_exists) return MessageResult("Table " + id.ToString() + " already exists", 0, ctx.acting_user);
    return Status::AlreadyExists("Table " + id.ToString() + " already exists");
  }
  TableDefinition def;
  def.id = id;
  def.type = type;
  def.columns = s.columns;
  def.options = s.options;
  // Held until the table is in the catalog, so that its storage cannot be dropped or
  // re-templated in between.
  std::shared_lock storage_lock(engine_.storage_ddl_mu);
  if (type != TableType::kStream) {
    if (!engine_.storages->Exists(s.options.storage_id)) {
      return Status::NotFound("Storage '" + s.options.storage_id.str() + "' does not exist");
    }
    KALAM_RETURN_IF_ERROR(engine_.cold->CheckStorage(s.options.storage_id));
  }
  if (type != TableType::kStream && !s.options_set.flush) {
    def.options.flush_row_limit = engine_.config.default_flush_row_limit;
    def.options.flush_interval_seconds = engine_.config.default_flush_interval_seconds;
  }
  if (!s.options_set.deleted_retention) def.options.deleted_retention_hours = engine_.config.default_deleted_retention_hours;
  if (!s.options_set.ttl) def.options.ttl_seconds = engine_.config.stream_default_ttl_seconds;
  if (!s.options_set.max_buffer) def.options.max_buffer = engine_.config.stream_default_max_buffer;
  if (type == TableType::kStream) {
    def.options.flush_row_limit.reset();
    def.options.flush_interval_seconds.reset();
  }
  auto created = engine_.registry->CreateTable(std::move(def));
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists && s.if_not_exists) {
      return MessageResult("Table " + id.ToString() + " already exists", 0, ctx.acting_user);
    }
    return created.status();
  }
  return MessageResult("Table " + id.ToString() + " created successfully", 0, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::DropTable(ExecContext& ctx, const dialect::DropTableStmt& s) {
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  const TableId id{ns, s.table.table_name};
  auto def = engine_.registry->FindTable(id);
  if (!def) {
    if (s.if_exists) return MessageResult("Table " + id.ToString() + " does not exist", 0, ctx.acting_user);
    return Status::NotFound("Table " + id.ToString() + " does not exist");
  }
  if (s.type && *s.type != def->type) {
    return Status::InvalidOperation("Table " + id.ToString() + " is a " + ToLower(TableTypeName(def->type)) +
                                    " table, not " + std::string(TableTypeName(*s.type)));
  }
  // Catalog first: once the definition is gone no statement can reach the rows, so a crash
  // before the data delete leaves only unreachable keys, never a table missing its rows.
  // The storage stays put until the files are gone.
  std::shared_lock storage_lock(engine_.storage_ddl_mu);
  // Resolved while the definition exists: the cleanup job runs after it is gone.
  std::optional<tables::CleanupTarget> target;
  if (def->type != TableType::kStream && engine_.jobs != nullptr) {
    KALAM_ASSIGN_OR_RETURN(target, engine_.cold->ResolveCleanupTarget(*def));
  }
  KALAM_RETURN_IF_ERROR(engine_.registry->DropTable(id));
  if (engine_.live != nullptr) engine_.live->OnTableDropped(id);
  // Hot rows go now: unreachable without the definition, and cheap (two range deletes).
  KALAM_RETURN_IF_ERROR(engine_.table_store->DropTableData(*def));
  if (def->type == TableType::kStream) engine_.streams->DropTable(def->number);
  std::string message = "Table " + id.ToString() + " dropped successfully";
  if (def->type != TableType::kStream) {
    KALAM_ASSIGN_OR_RETURN(std::optional<JobId> job, RemoveColdFiles(*def, target));
    if (job) message += ". Cleanup job: " + job->str();
  }
  return MessageResult(std::move(message), 0, ctx.acting_user);
}

Result<std::optional<JobId>> DdlExecutor::RemoveColdFiles(const TableDefinition& def,
                                                          const std::optional<tables::CleanupTarget>& target) {
  if (!target) {
    // Embedded without a job manager: delete inline, as the statement's own work.
    KALAM_RETURN_IF_ERROR(engine_.cold->DropTableFiles(def));
    return std::optional<JobId>();
  }
  KALAM_RETURN_IF_ERROR(engine_.cold->DetachTableFiles(*target));
  // One key per dropped table (numbers are never reused), so two drops of tables with the
  // same name never share a job.
  auto job = engine_.jobs->Submit(JobType::kCleanup, "cleanup:" + target->table_id + "#" + std::to_string(target->number),
                                  target->ToJson());
  if (job.ok()) return std::optional<JobId>(job->id);
  // No job system to take it (shutting down): the files must not stay behind unowned.
  KALAM_RETURN_IF_ERROR(engine_.cold->RunCleanup(*target).status());
  return std::optional<JobId>();
}

Result<StatementResult> DdlExecutor::ShowNamespaces(ExecContext& ctx) {
  return RowSetToResult(engine_.system_tables->Namespaces(), ctx.acting_user);
}

Result<StatementResult> DdlExecutor::ShowTables(ExecContext& ctx, const dialect::ShowTablesStmt& s) {
  std::vector<std::shared_ptr<const TableDefinition>> visible;
  if (s.in_namespace && !engine_.registry->NamespaceExists(*s.in_namespace)) {
    return NamespaceNotFound(s.in_namespace->str());
  }
  auto all = s.in_namespace ? engine_.registry->ListTables(*s.in_namespace) : engine_.registry->ListTables();
  for (auto& def : all) {
    if (CanRead(ctx.acting_role, *def)) visible.push_back(std::move(def));
  }
  return RowSetToResult(engine_.system_tables->Tables(visible), ctx.acting_user);
}

Result<std::shared_ptr<const TableDefinition>> DdlExecutor::ResolveTable(ExecContext& ctx, const dialect::TableRef& ref) {
  const NamespaceId ns = ref.namespace_id.value_or(ctx.session.current_namespace());
  const TableId id{ns, ref.table_name};
  auto def = engine_.registry->FindTable(id);
  if (!def || !CanRead(ctx.acting_role, *def)) {
    if (!engine_.registry->NamespaceExists(ns)) return NamespaceNotFound(ns.str());
    return Status::NotFound("Table " + id.ToString() + " does not exist");
  }
  return def;
}

Result<StatementResult> DdlExecutor::Describe(ExecContext& ctx, const dialect::DescribeTableStmt& s) {
  KALAM_ASSIGN_OR_RETURN(auto def, ResolveTable(ctx, s.table));
  if (!s.history) return RowSetToResult(engine_.system_tables->Describe(*def), ctx.acting_user);
  KALAM_ASSIGN_OR_RETURN(system::RowSet all, engine_.system_tables->Schemas());
  system::RowSet mine{all.columns, {}};
  for (auto& row : all.rows) {
    if (std::get<std::string>(row[0]) == def->id.ToString()) mine.rows.push_back(std::move(row));
  }
  return RowSetToResult(mine, ctx.acting_user);
}

Result<StatementResult> DdlExecutor::ShowStats(ExecContext& ctx, const dialect::ShowStatsStmt& s) {
  KALAM_ASSIGN_OR_RETURN(auto def, ResolveTable(ctx, s.table));
  const DataType text{TypeKind::kText, 0, 0};
  const DataType bigint{TypeKind::kBigInt, 0, 0};
  const DataType integer{TypeKind::kInt, 0, 0};
  system::RowSet rs{{{"namespace_id", text},
                     {"table_name", text},
                     {"table_type", text},
                     {"schema_version", integer},
                     {"hot_rows", bigint},
                     {"cold_rows", bigint},
                     {"flushed_segments", bigint},
                     {"cold_bytes", bigint},
                     {"active_subscriptions", bigint}},
                    {}};
  // USER tables: admins see every user's rows counted, others only their own scope.
  const bool per_user = def->type != TableType::kShared;
  const std::string scope = per_user ? ctx.acting_user.str() : "";
  const bool all_scopes = !per_user || IsAdmin(ctx.acting_role);
  uint64_t hot = 0;
  tables::ColdTier::Stats cold;
  if (def->type == TableType::kStream) {
    // No tiers: the rows the buffers hold, and the memory they take in place of cold_bytes.
    const tables::StreamBufferStats buffered = engine_.streams->Stats(&def->number, all_scopes ? nullptr : &scope);
    hot = buffered.rows;
    cold.bytes = buffered.bytes;
  } else {
    KALAM_ASSIGN_OR_RETURN(hot, engine_.table_store->CountHotRows(*def, all_scopes ? nullptr : &scope));
    KALAM_ASSIGN_OR_RETURN(cold, engine_.cold->TableStats(*def, all_scopes ? nullptr : &scope));
  }
  // Counted in the same scope as the rows: a user sees their own subscriptions to a USER table.
  const size_t subscriptions =
      engine_.live == nullptr ? 0 : engine_.live->ActiveCount(def->id, all_scopes ? nullptr : &ctx.acting_user);
  rs.rows.push_back({def->id.namespace_id.str(), def->id.table_name.str(), std::string(TableTypeName(def->type)),
                     int64_t{def->schema_version}, static_cast<int64_t>(hot), static_cast<int64_t>(cold.rows),
                     static_cast<int64_t>(cold.segments), static_cast<int64_t>(cold.bytes),
                     static_cast<int64_t>(subscriptions)});
  return RowSetToResult(rs, ctx.acting_user);
}

}  // namespace kalam::core
