#include "statement_runner.h"

#include "audit_recorder.h"
#include "direct_read.h"
#include "dml_executor.h"
#include "duckdb_errors.h"
#include "exec_context.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/core/limit_errors.h"
#include "kalam/tables/type_mapping.h"
#include "kalam_statement_router.h"
#include "request_transaction.h"
#include "result_flags.h"
#include "temporal_comparisons.h"
#include "three_part_names.h"
#include "tombstone_visibility.h"

namespace kalam::core {
namespace {

Result<StatementResult> RunParsed(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                  QueryState& state, ParsedStatement& parsed, const UserId& acting_user,
                                  Role acting_role, const std::vector<duckdb::Value>& params, uint64_t answer_budget);

}  // namespace

Result<StatementResult> RunSelect(EngineContext& engine, ExecContext& ctx,
                                  duckdb::unique_ptr<duckdb::SQLStatement> statement) {
  KALAM_ASSIGN_OR_RETURN(auto result, RunDuckDBStatement(ctx, std::move(statement)));
  StatementResult out;
  out.has_rows = true;
  out.as_user = ctx.acting_user;
  for (size_t i = 0; i < result->ColumnCount(); ++i) {
    out.columns.push_back(ResultColumn{result->names[i], tables::FromLogicalType(result->types[i]), {}});
  }
  out.rows = std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), result->types);
  const uint64_t limit = engine.config.max_result_rows;
  try {
    while (auto chunk = result->Fetch()) {
      if (chunk->size() == 0) break;
      if (out.row_count + chunk->size() > limit) {
        chunk->SetCardinality(limit - out.row_count);
        out.truncated = true;
      }
      out.row_count += chunk->size();
      out.rows->Append(*chunk);
      // limits.max_answer_bytes, checked as rows arrive: the collected bytes (string data
      // included) are a lower bound of what the answer encodes to, so a too large answer
      // stops here, at most one chunk past the limit, and is never built whole.
      if (out.rows->SizeInBytes() > ctx.answer_budget) return AnswerTooLarge(engine.config.max_answer_bytes);
      if (out.truncated) break;
    }
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), ctx.state);
  }
  if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  AssignFlags(out.columns, ctx.state);
  return out;
}

namespace {

Result<StatementResult> RunExecuteAs(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                     QueryState& state, const dialect::ExecuteAsStmt& as, Role actor_role,
                                     const std::vector<duckdb::Value>& params, uint64_t answer_budget) {
  KALAM_ASSIGN_OR_RETURN(auto target, engine.users->Get(as.user));
  if (!target || target->deleted()) return Status::NotFound("User '" + as.user.str() + "' not found");
  KALAM_RETURN_IF_ERROR(auth::CheckExecuteAs(actor_role, target->role));
  ParsedStatement inner;
  KALAM_RETURN_IF_ERROR(ParseOne(as.inner_sql, target->id, target->role, &inner, /*nested=*/true));
  // Acting as someone is for their data, never their account: otherwise "change your own
  // password" would let a service account take over any user it may act as.
  if (inner.kalam && (std::holds_alternative<dialect::CreateUserStmt>(*inner.kalam) ||
                      std::holds_alternative<dialect::AlterUserStmt>(*inner.kalam) ||
                      std::holds_alternative<dialect::DropUserStmt>(*inner.kalam))) {
    return Status::PermissionDenied("Access denied: EXECUTE AS USER cannot run user statements");
  }
  if (state.transaction) KALAM_RETURN_IF_ERROR(RequestTransaction::CheckAllowed(inner));
  return RunParsed(engine, session, connection, state, inner, target->id, target->role, params, answer_budget);
}

Result<StatementResult> RunParsed(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                  QueryState& state, ParsedStatement& parsed, const UserId& acting_user,
                                  Role acting_role, const std::vector<duckdb::Value>& params, uint64_t answer_budget) {
  state.BeginStatement();
  state.acting_user = acting_user;
  state.acting_role = acting_role;
  state.impersonating = acting_user != session.user_id();
  state.current_namespace = session.current_namespace();
  ExecContext ctx{session, acting_user, acting_role, connection, state, params};
  // limits.statement_timeout_secs: the watchdog interrupts DuckDB work running past it; the
  // write phase checks ctx.deadline itself.
  auto watch = engine.watchdog->Watch(*connection.context);
  ctx.deadline = watch.deadline();
  ctx.answer_budget = answer_budget;
  if (parsed.kalam) {
    if (const auto* as = std::get_if<dialect::ExecuteAsStmt>(&*parsed.kalam)) {
      auto result = RunExecuteAs(engine, session, connection, state, *as, acting_role, params, answer_budget);
      RecordExecuteAs(engine, session, as->user, result.ok());
      state.acting_user = session.user_id();
      state.acting_role = session.role();
      state.impersonating = false;
      return result;
    }
    if (!params.empty()) return InvalidParameter(ctx, 1, "the statement takes no parameters");
    return RunKalamStatement(engine, ctx, *parsed.kalam);
  }
  if (parsed.transaction) {
    return Status::InvalidOperation("BEGIN, COMMIT and ROLLBACK work only among the statements of one request");
  }
  DmlExecutor dml(engine);
  if (parsed.simple_insert) return dml.InsertSimple(ctx, *parsed.simple_insert);
  auto& statement = parsed.standard;
  ShortenThreePartColumnNames(*statement);
  CastTemporalComparisons(*statement, *engine.registry, state.current_namespace);
  switch (statement->type) {
    case duckdb::StatementType::INSERT_STATEMENT: return dml.Insert(ctx, statement->Cast<duckdb::InsertStatement>());
    case duckdb::StatementType::UPDATE_STATEMENT: return dml.Update(ctx, statement->Cast<duckdb::UpdateStatement>());
    case duckdb::StatementType::DELETE_STATEMENT: return dml.Delete(ctx, statement->Cast<duckdb::DeleteStatement>());
    case duckdb::StatementType::EXPLAIN_STATEMENT: {
      // docs/sql-reference.md: the two columns are named `plan_type` and `plan`; a read the
      // direct path takes explains itself (KALAMDB DIRECT READ).
      state.include_tombstones = WhereMentionsDeleted(*statement);
      std::optional<Result<StatementResult>> direct;
      if (!state.include_tombstones) direct = TryDirectRead(engine, ctx, *statement);
      KALAM_ASSIGN_OR_RETURN(auto explained, direct ? std::move(*direct) : RunSelect(engine, ctx, statement->Copy()));
      if (explained.columns.size() == 2) {
        explained.columns[0].name = "plan_type";
        explained.columns[1].name = "plan";
      }
      return explained;
    }
    default:
      state.include_tombstones = WhereMentionsDeleted(*statement);
      if (!state.include_tombstones) {
        if (auto direct = TryDirectRead(engine, ctx, *statement)) return std::move(*direct);
      }
      return RunSelect(engine, ctx, statement->Copy());
  }
}

}  // namespace

Result<std::unique_ptr<duckdb::QueryResult>> RunDuckDBStatement(ExecContext& ctx,
                                                                duckdb::unique_ptr<duckdb::SQLStatement> statement) {
  KALAM_RETURN_IF_ERROR(CheckParameterCount(ctx, statement->named_param_map.size()));
  duckdb::vector<duckdb::Value> values(ctx.params.begin(), ctx.params.end());
  std::unique_ptr<duckdb::QueryResult> result;
  ctx.state.plan_checked = false;
  try {
    auto pending = ctx.connection.PendingQuery(std::move(statement), values, /*allow_stream_result=*/true);
    if (pending->HasError()) return StatusFromDuckDB(pending->GetErrorObject(), ctx.state);
    // Fail closed: a plan the guard never saw (DuckDB skipped its optimizer) does not run.
    if (!ctx.state.plan_checked) return Status::PermissionDenied("Access denied: the statement's plan was not checked");
    result = pending->Execute();
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), ctx.state);
  }
  if (result->HasError()) return StatusFromDuckDB(result->GetErrorObject(), ctx.state);
  return result;
}

Result<StatementResult> RunStatement(EngineContext& engine, Session& session, duckdb::Connection& connection,
                                     QueryState& state, ParsedStatement& parsed,
                                     const std::vector<duckdb::Value>& params, uint64_t answer_budget) {
  try {
    return RunParsed(engine, session, connection, state, parsed, session.user_id(), session.role(), params,
                     answer_budget);
  } catch (const std::exception& e) {
    return StatusFromDuckDB(duckdb::ErrorData(e), state);
  }
}

}  // namespace kalam::core
