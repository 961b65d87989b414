#include "statement_parser.h"

#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "duckdb_errors.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/sql_text.h"
#include "kalam/dialect/default_namespace.h"
#include "kalam/dialect/parser.h"
#include "kalam_statement_router.h"

namespace kalam::core {
namespace {

std::string_view StatementTypeName(duckdb::StatementType type) {
  switch (type) {
    case duckdb::StatementType::CREATE_STATEMENT: return "CREATE";
    case duckdb::StatementType::DROP_STATEMENT: return "DROP";
    case duckdb::StatementType::ALTER_STATEMENT: return "ALTER";
    case duckdb::StatementType::COPY_STATEMENT: return "COPY";
    case duckdb::StatementType::PRAGMA_STATEMENT: return "PRAGMA";
    case duckdb::StatementType::ATTACH_STATEMENT: return "ATTACH";
    case duckdb::StatementType::SET_STATEMENT: return "SET";
    default: return "statement";
  }
}

Status ParseStandard(std::string_view sql, duckdb::unique_ptr<duckdb::SQLStatement>* out) {
  try {
    duckdb::Parser parser;
    try {
      parser.ParseQuery(std::string(sql));
    } catch (const std::exception&) {
      // `default.t`: the built-in namespace's name is a reserved word DuckDB wants quoted.
      auto quoted = dialect::QuoteDefaultNamespace(sql);
      if (!quoted) throw;
      duckdb::Parser retry;
      retry.ParseQuery(*quoted);
      parser.statements = std::move(retry.statements);
    }
    if (parser.statements.size() != 1) return Status::InvalidArgument("Expected exactly one statement");
    *out = std::move(parser.statements[0]);
  } catch (const std::exception& e) {
    return StatusFromParseError(e);
  }
  // What the statement may reach inside DuckDB is decided when it binds (function_guard.h,
  // plan_guard.h); here only its kind.
  switch ((*out)->type) {
    case duckdb::StatementType::SELECT_STATEMENT:
    case duckdb::StatementType::INSERT_STATEMENT:
    case duckdb::StatementType::UPDATE_STATEMENT:
    case duckdb::StatementType::DELETE_STATEMENT: return Status::Ok();
    case duckdb::StatementType::EXPLAIN_STATEMENT: {
      // docs/sql-reference.md: EXPLAIN [ANALYZE] of a SELECT only; ANALYZE runs what it explains.
      const auto& inner = *(*out)->Cast<duckdb::ExplainStatement>().stmt;
      if (inner.type == duckdb::StatementType::SELECT_STATEMENT) return Status::Ok();
      return Status::InvalidArgument("Unsupported statement type: EXPLAIN " +
                                     duckdb::StatementTypeToString(inner.type) + " (EXPLAIN takes a SELECT)");
    }
    default:
      return Status::InvalidArgument("Unsupported statement type: " + std::string(StatementTypeName((*out)->type)));
  }
}

}  // namespace

Status ParseOne(std::string_view sql, const UserId& actor, Role role, ParsedStatement* out, bool nested) {
  // Again here, for callers that did not come through the API's request parser.
  KALAM_RETURN_IF_ERROR(CheckSqlText(sql));
  if (dialect::ClassifyStatement(sql) == dialect::StatementClass::kStandard) {
    out->simple_insert = dialect::ParseSimpleInsert(sql);
    if (out->simple_insert) return Status::Ok();
    KALAM_RETURN_IF_ERROR(ParseStandard(sql, &out->standard));
    if (out->standard->type == duckdb::StatementType::EXPLAIN_STATEMENT) {
      KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(role, "run EXPLAIN"));
    }
    return Status::Ok();
  }
  if (auto control = dialect::ParseTransactionControl(sql)) {
    if (nested) return Status::InvalidArgument("EXECUTE AS USER cannot wrap BEGIN, COMMIT or ROLLBACK");
    out->transaction = control;
    return Status::Ok();
  }
  KALAM_ASSIGN_OR_RETURN(dialect::KalamStatement statement, dialect::ParseKalamStatement(sql));
  if (const auto* as = std::get_if<dialect::ExecuteAsStmt>(&statement)) {
    if (nested) return Status::InvalidArgument("EXECUTE AS USER cannot be nested");
    if (role == Role::kUser) {
      return Status::PermissionDenied("Access denied: Role 'user' cannot use EXECUTE AS USER");
    }
    ParsedStatement inner;
    KALAM_RETURN_IF_ERROR(ParseOne(as->inner_sql, as->user, role, &inner, /*nested=*/true));
  } else {
    KALAM_RETURN_IF_ERROR(PrecheckKalamStatement(actor, role, statement));
  }
  out->kalam = std::move(statement);
  return Status::Ok();
}

}  // namespace kalam::core
