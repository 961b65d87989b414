#include "user_data_reader.h"

#include "duckdb/parser/keyword_helper.hpp"
#include "duckdb_errors.h"
#include "kalam/commons/clock.h"
#include "kalam/core/engine.h"
#include "kalam/core/limit_errors.h"
#include "kalam/tables/type_mapping.h"
#include "query_state.h"
#include "result_flags.h"

namespace kalam::core {
namespace {

std::string QuoteIdent(const std::string& name) { return duckdb::KeywordHelper::WriteQuoted(name, '"'); }

// The table's columns in order, oldest version first: the order a user's SELECT * shows.
std::string SelectAll(const TableDefinition& def) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteIdent(def.columns[i].name);
  }
  sql +=
      " FROM " + QuoteIdent(def.id.namespace_id.str()) + "." + QuoteIdent(def.id.table_name.str()) + " ORDER BY _seq";
  return sql;
}

// Reads one table into `out.rows`, adding its bytes to `*used` (limits.max_export_bytes).
Status ReadTable(EngineContext& engine, duckdb::Connection& connection, QueryState& state, const TableDefinition& def,
                 uint64_t* used, ExportedTable& out) {
  state.BeginStatement();
  state.plan_checked = false;
  auto watch = engine.watchdog->Watch(*connection.context);
  std::unique_ptr<duckdb::QueryResult> result;
  try {
    auto pending = connection.PendingQuery(SelectAll(def), /*allow_stream_result=*/true);
    if (pending->HasError()) return StatusFromDuckDB(pending->GetErrorObject(), state);
    // Fail closed, as every client statement does (plan_guard.h).
    if (!state.plan_checked) return Status::PermissionDenied("Access denied: the statement's plan was not checked");
    result = pending->Execute();
    if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), state);
    out.rows.has_rows = true;
    out.rows.as_user = state.acting_user;
    for (size_t i = 0; i < result->ColumnCount(); ++i) {
      out.rows.columns.push_back(ResultColumn{result->names[i], tables::FromLogicalType(result->types[i]), {}});
    }
    out.rows.rows =
        std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), result->types);
    uint64_t before = 0;
    while (auto chunk = result->Fetch()) {
      if (chunk->size() == 0) break;
      out.rows.row_count += chunk->size();
      out.rows.rows->Append(*chunk);
      const uint64_t size = out.rows.rows->SizeInBytes();
      *used += size - before;
      before = size;
      if (*used > engine.config.max_export_bytes) return ExportTooLarge(engine.config.max_export_bytes);
    }
    if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), state);
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), state);
  }
  AssignFlags(out.rows.columns, state);
  return Status::Ok();
}

}  // namespace

Result<UserRecord> ExportSubject(EngineContext& engine, const UserId& user) {
  KALAM_ASSIGN_OR_RETURN(auto record, engine.users->Get(user));
  if (!record || record->deleted()) return Status::NotFound("User '" + user.str() + "' not found");
  return *record;
}

Status ReadUserData(EngineContext& engine, const UserRecord& user, const std::function<Status(ExportedTable&)>& visit) {
  // A connection of its own: the caller's (an admin's session) keeps its identity, and this
  // one never runs anything but the reads below.
  duckdb::Connection connection(*engine.duckdb);
  auto shared_state = duckdb::make_shared_ptr<QueryState>(engine);
  shared_state->acting_user = user.id;
  shared_state->acting_role = user.role;
  QueryState& state = *shared_state;
  connection.context->registered_state->Insert(QueryState::kKey, std::move(shared_state));
  uint64_t used = 0;
  for (const auto& def : engine.registry->ListTables()) {
    if (def->type != TableType::kUser && def->type != TableType::kStream) continue;
    ExportedTable table;
    table.table = def->id;
    table.type = def->type;
    table.schema_version = def->schema_version;
    KALAM_RETURN_IF_ERROR(ReadTable(engine, connection, state, *def, &used, table));
    if (table.rows.row_count == 0) continue;
    KALAM_RETURN_IF_ERROR(visit(table));
  }
  return Status::Ok();
}

Result<UserDataExport> Engine::ReadUserData(const UserId& user) {
  KALAM_ASSIGN_OR_RETURN(UserRecord subject, ExportSubject(*ctx_, user));
  UserDataExport out;
  out.user = subject.id;
  out.exported_at_us = NowMicros();
  auto keep = [&out](ExportedTable& table) -> Status {
    out.tables.push_back(std::move(table));
    return Status::Ok();
  };
  KALAM_RETURN_IF_ERROR(core::ReadUserData(*ctx_, subject, keep));
  return out;
}

}  // namespace kalam::core
