#include "alter_table_parser.h"

#include <string>

#include "kalam/commons/json_text.h"
#include "kalam/commons/names.h"

#include "create_table_parser.h"
#include "table_options_builder.h"

namespace kalam::dialect {
namespace {

using Change = AlterTableStmt::Change;

// Columns keep their order: a new column goes last, so FIRST/AFTER cannot be honoured.
Status RejectPositioning(const Cursor& cur) {
  for (size_t i = cur.position(); cur.At(i).kind != TokenKind::kEnd; ++i) {
    if (cur.At(i).IsKeyword("FIRST") || cur.At(i).IsKeyword("AFTER")) {
      return Status::InvalidArgument("FIRST/AFTER are not supported: a new column is always added last");
    }
  }
  return Status::Ok();
}

Result<std::string> ParseColumnName(Cursor& cur) {
  KALAM_ASSIGN_OR_RETURN(std::string name, cur.ParseName("column name"));
  return name;
}

// ADD [COLUMN] name TYPE [NOT NULL|NULL] [DEFAULT v]
Status ParseAdd(Cursor& cur, AlterTableStmt* stmt) {
  cur.MatchKeyword("COLUMN");
  KALAM_RETURN_IF_ERROR(RejectPositioning(cur));
  KALAM_ASSIGN_OR_RETURN(stmt->column, ParseColumnDefinition(cur));
  if (stmt->column.primary_key) return Status::InvalidArgument("ALTER TABLE cannot add a PRIMARY KEY column");
  stmt->change = Change::kAddColumn;
  stmt->column_name = stmt->column.name;
  return Status::Ok();
}

// MODIFY [COLUMN] name TYPE [NOT NULL|NULL]
Status ParseModify(Cursor& cur, AlterTableStmt* stmt) {
  KALAM_RETURN_IF_ERROR(RejectPositioning(cur));
  const size_t from = cur.position();
  KALAM_ASSIGN_OR_RETURN(stmt->column, ParseColumnDefinition(cur));
  for (size_t i = from; i < cur.position(); ++i) {
    if (cur.At(i).IsKeyword("NULL")) stmt->nullability_written = true;
  }
  if (stmt->column.primary_key || stmt->column.default_value) {
    return Status::InvalidArgument(
        "MODIFY COLUMN changes only the type and nullability; use ALTER COLUMN ... SET DEFAULT for defaults");
  }
  stmt->change = Change::kModifyColumn;
  stmt->column_name = stmt->column.name;
  return Status::Ok();
}

// ALTER [COLUMN] name SET NOT NULL | DROP NOT NULL | SET DEFAULT v | DROP DEFAULT
Status ParseAlterColumn(Cursor& cur, AlterTableStmt* stmt) {
  cur.MatchKeyword("COLUMN");
  KALAM_ASSIGN_OR_RETURN(stmt->column_name, ParseColumnName(cur));
  if (cur.MatchKeywords({"SET", "NOT", "NULL"})) {
    stmt->change = Change::kSetNotNull;
  } else if (cur.MatchKeywords({"DROP", "NOT", "NULL"})) {
    stmt->change = Change::kDropNotNull;
  } else if (cur.MatchKeywords({"SET", "DEFAULT"})) {
    stmt->change = Change::kSetDefault;
    KALAM_ASSIGN_OR_RETURN(stmt->column.default_value, ParseColumnDefault(cur, stmt->column_name));
  } else if (cur.MatchKeywords({"DROP", "DEFAULT"})) {
    stmt->change = Change::kDropDefault;
  } else if (cur.Peek().IsKeyword("TYPE") || cur.MatchKeywords({"SET", "DATA"})) {
    return Status::InvalidArgument("Use MODIFY COLUMN " + stmt->column_name + " <type> to change a column's type");
  } else {
    return SyntaxError("SET NOT NULL, DROP NOT NULL, SET DEFAULT or DROP DEFAULT", cur.Peek());
  }
  return Status::Ok();
}

// SET TBLPROPERTIES (k = v, ...) | SET ACCESS LEVEL x | SET (k = v, ...)
Status ParseSet(Cursor& cur, AlterTableStmt* stmt) {
  TableOptionsBuilder options;
  if (cur.MatchKeywords({"ACCESS", "LEVEL"})) {
    const Token& level = cur.Peek();
    if (!level.IsNameLike() && level.kind != TokenKind::kString) return SyntaxError("an access level", level);
    cur.Next();
    KALAM_RETURN_IF_ERROR(options.ApplyWithOption("ACCESS_LEVEL", level.text));
  } else {
    cur.MatchKeyword("TBLPROPERTIES");
    KALAM_RETURN_IF_ERROR(ParseTableOptionList(cur, &options));
  }
  stmt->change = Change::kSetOptions;
  return options.FinishAlter(stmt);
}

}  // namespace

Result<AlterTableStmt> ParseAlterTable(Cursor& cur) {
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("ALTER"));
  AlterTableStmt stmt;
  stmt.type = TableTypeKeyword(cur.Peek());
  if (stmt.type) cur.Next();
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("TABLE"));
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur.ParseTableRef());
  if (cur.MatchKeyword("ADD")) {
    if (cur.Peek().IsKeyword("PRIMARY") || cur.Peek().IsKeyword("CONSTRAINT") || cur.Peek().IsKeyword("UNIQUE")) {
      return Status::Unsupported("Not supported yet: adding constraints");
    }
    KALAM_RETURN_IF_ERROR(ParseAdd(cur, &stmt));
  } else if (cur.MatchKeyword("DROP")) {
    cur.MatchKeyword("COLUMN");
    stmt.change = Change::kDropColumn;
    KALAM_ASSIGN_OR_RETURN(stmt.column_name, ParseColumnName(cur));
  } else if (cur.MatchKeyword("MODIFY")) {
    cur.MatchKeyword("COLUMN");
    KALAM_RETURN_IF_ERROR(ParseModify(cur, &stmt));
  } else if (cur.MatchKeyword("ALTER")) {
    KALAM_RETURN_IF_ERROR(ParseAlterColumn(cur, &stmt));
  } else if (cur.MatchKeyword("RENAME")) {
    if (!cur.MatchKeyword("COLUMN")) return Status::Unsupported("Not supported yet: renaming tables");
    stmt.change = Change::kRenameColumn;
    KALAM_ASSIGN_OR_RETURN(stmt.column_name, ParseColumnName(cur));
    KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("TO"));
    KALAM_ASSIGN_OR_RETURN(stmt.new_name, ParseColumnName(cur));
  } else if (cur.MatchKeyword("SET")) {
    KALAM_RETURN_IF_ERROR(ParseSet(cur, &stmt));
  } else {
    return SyntaxError("ADD, DROP, MODIFY, ALTER, RENAME COLUMN or SET", cur.Peek());
  }
  if (cur.Peek().IsSymbol(',')) return Status::InvalidArgument("ALTER TABLE takes one change per statement");
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return stmt;
}

Result<AlterNamespaceStmt> ParseAlterNamespace(Cursor& cur) {
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("ALTER"));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("NAMESPACE"));
  AlterNamespaceStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.name, cur.ParseNamespaceName());
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("SET"));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("OPTIONS"));
  KALAM_RETURN_IF_ERROR(cur.ExpectSymbol('('));
  while (!cur.MatchSymbol(')')) {
    const Token& key = cur.Peek();
    if (!key.IsNameLike()) return SyntaxError("an option name", key);
    std::string name = ToLower(key.text);
    cur.Next();
    for (const auto& [seen, value] : stmt.options) {
      if (seen == name) return Status::InvalidArgument("Duplicate namespace option '" + name + "'");
    }
    KALAM_RETURN_IF_ERROR(cur.ExpectSymbol('='));
    const bool negative = cur.MatchSymbol('-');
    const Token& value = cur.Peek();
    std::string json;
    if (value.kind == TokenKind::kNumber) {
      json = (negative ? "-" : "") + value.text;
    } else if (negative) {
      return SyntaxError("a number", value);
    } else if (value.kind == TokenKind::kString) {
      AppendJsonString(value.text, &json);
    } else if (value.IsKeyword("TRUE") || value.IsKeyword("FALSE") || value.IsKeyword("NULL")) {
      json = ToLower(value.text);
    } else {
      return SyntaxError("a string, number, TRUE, FALSE or NULL", value);
    }
    cur.Next();
    stmt.options.emplace_back(std::move(name), std::move(json));
    if (cur.MatchSymbol(',')) continue;
    KALAM_RETURN_IF_ERROR(cur.ExpectSymbol(')'));
    break;
  }
  if (stmt.options.empty()) return Status::InvalidArgument("SET OPTIONS needs at least one option");
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return stmt;
}

}  // namespace kalam::dialect
