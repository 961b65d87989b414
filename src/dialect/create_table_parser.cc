#include "create_table_parser.h"

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kalam/commons/column_definition.h"
#include "kalam/commons/data_type.h"
#include "kalam/commons/default_value.h"
#include "kalam/commons/names.h"

#include "table_options_builder.h"

namespace kalam::dialect {
namespace {

constexpr std::string_view kCompositeKey = "Composite PRIMARY KEYs are not supported yet";

// Words that end a column's type spelling and may follow a DEFAULT expression.
bool IsColumnConstraintKeyword(const Token& token) {
  static constexpr std::array kWords = {
      "NOT",           "NULL",      "DEFAULT", "PRIMARY", "AUTO_INCREMENT",
      "AUTOINCREMENT", "GENERATED", "UNIQUE",  "COMMENT", "CONSTRAINT",
      "REFERENCES",    "CHECK",     "COLLATE"};
  for (const char* word : kWords) {
    if (token.IsKeyword(word)) return true;
  }
  return false;
}

bool IsSerialType(const std::string& lowercase) {
  return lowercase == "serial" || lowercase == "smallserial" || lowercase == "bigserial" ||
         lowercase == "serial2" || lowercase == "serial4" || lowercase == "serial8";
}

// digits[.digits][e[+-]digits]: the number literals a DEFAULT may hold.
bool IsNumericLiteral(std::string_view text) {
  size_t i = 0;
  auto digits = [&]() {
    const size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

class CreateTableParser {
 public:
  explicit CreateTableParser(Cursor& cursor) : cur_(cursor) {}

  Result<CreateTableStmt> Parse();
  Result<ColumnDefinition> ParseColumn();
  Result<DefaultValue> ParseDefault(const std::string& column);
  Status ParseWithOptions(TableOptionsBuilder* options);

 private:
  Status ParseColumnList(CreateTableStmt* stmt);
  Status ApplyPrimaryKey(const std::vector<std::string>& table_pk, CreateTableStmt* stmt);
  Status ParseTablePrimaryKey(std::vector<std::string>* pk_columns);
  Status ParseColumnType(ColumnDefinition* column, bool* identity);
  Status ParseIdentity();
  Status ParseTableClauses(TableOptionsBuilder* options);
  Status ParseFlushClause(TableOptionsBuilder* options);
  Result<std::string> ParseOptionValue(std::string_view option);

  Cursor& cur_;
};

Result<CreateTableStmt> CreateTableParser::Parse() {
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("CREATE"));
  const std::optional<TableType> prefix_type = TableTypeKeyword(cur_.Peek());
  if (prefix_type) cur_.Next();
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("TABLE"));
  CreateTableStmt stmt;
  stmt.if_not_exists = cur_.MatchKeywords({"IF", "NOT", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
  KALAM_RETURN_IF_ERROR(ParseColumnList(&stmt));
  TableOptionsBuilder options;
  KALAM_RETURN_IF_ERROR(ParseTableClauses(&options));
  KALAM_RETURN_IF_ERROR(options.Finish(prefix_type, &stmt));
  return stmt;
}

// ( element [, element]... [,] ) where an element is a column or a table constraint.
Status CreateTableParser::ParseColumnList(CreateTableStmt* stmt) {
  KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol('('));
  std::vector<std::string> table_pk;  // from a PRIMARY KEY (...) element
  bool table_pk_given = false;
  while (!cur_.MatchSymbol(')')) {  // an immediate ')' also ends the list after a trailing comma
    const Token& head = cur_.Peek();
    if (head.IsKeyword("PRIMARY") || head.IsKeyword("CONSTRAINT")) {
      if (table_pk_given) return Status::InvalidArgument(std::string(kCompositeKey));
      table_pk_given = true;
      KALAM_RETURN_IF_ERROR(ParseTablePrimaryKey(&table_pk));
    } else if (head.IsKeyword("UNIQUE")) {
      return Status::Unsupported("Not supported yet: UNIQUE constraints");
    } else if (head.IsKeyword("FOREIGN") || head.IsKeyword("CHECK")) {
      return Status::InvalidArgument(ToUpperAscii(head.text) + " constraints are not supported");
    } else {
      KALAM_ASSIGN_OR_RETURN(ColumnDefinition column, ParseColumn());
      for (const ColumnDefinition& existing : stmt->columns) {
        if (existing.name == column.name) {
          return Status::InvalidArgument("Duplicate column name '" + column.name + "'");
        }
      }
      stmt->columns.push_back(std::move(column));
    }
    if (cur_.MatchSymbol(',')) continue;
    KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol(')'));
    break;
  }
  if (stmt->columns.empty()) return Status::InvalidArgument("A table needs at least one column");
  return ApplyPrimaryKey(table_pk, stmt);
}

// At most one key column in total, inline or table-level; it must have a key type and is
// never nullable.
Status CreateTableParser::ApplyPrimaryKey(const std::vector<std::string>& table_pk,
                                          CreateTableStmt* stmt) {
  size_t pk_count = table_pk.size();
  for (const ColumnDefinition& column : stmt->columns) pk_count += column.primary_key ? 1 : 0;
  if (pk_count > 1) return Status::InvalidArgument(std::string(kCompositeKey));
  for (const std::string& name : table_pk) {
    bool found = false;
    for (ColumnDefinition& column : stmt->columns) {
      if (column.name == name) {
        column.primary_key = true;
        found = true;
      }
    }
    if (!found) return Status::InvalidArgument("PRIMARY KEY column '" + name + "' does not exist");
  }
  for (ColumnDefinition& column : stmt->columns) {
    if (!column.primary_key) continue;
    if (!column.type.CanBePrimaryKey()) {
      return Status::InvalidArgument("Column '" + column.name + "' of type " +
                                     column.type.SqlName() + " cannot be a PRIMARY KEY");
    }
    column.nullable = false;
  }
  return Status::Ok();
}

// [CONSTRAINT name] PRIMARY KEY (col, ...)
Status CreateTableParser::ParseTablePrimaryKey(std::vector<std::string>* pk_columns) {
  if (cur_.MatchKeyword("CONSTRAINT")) {
    KALAM_RETURN_IF_ERROR(cur_.ParseName("constraint name").status());  // the name is not kept
    if (cur_.Peek().IsKeyword("UNIQUE")) {
      return Status::Unsupported("Not supported yet: UNIQUE constraints");
    }
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("PRIMARY"));
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("KEY"));
  KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol('('));
  do {
    KALAM_ASSIGN_OR_RETURN(std::string name, cur_.ParseName("column name"));
    pk_columns->push_back(std::move(name));
  } while (cur_.MatchSymbol(','));
  KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol(')'));
  if (pk_columns->size() > 1) return Status::InvalidArgument(std::string(kCompositeKey));
  return Status::Ok();
}

Result<ColumnDefinition> CreateTableParser::ParseColumn() {
  ColumnDefinition column;
  KALAM_ASSIGN_OR_RETURN(column.name, cur_.ParseName("column name"));
  // Reserved names start with '_', which ValidateIdentifier also refuses; checking them first
  // gives the more telling message.
  if (IsReservedColumnName(column.name)) {
    return Status::InvalidArgument("Column name '" + column.name + "' is reserved");
  }
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(column.name, "Column"));

  bool identity = false;
  KALAM_RETURN_IF_ERROR(ParseColumnType(&column, &identity));

  bool null_written = false;
  auto set_nullable = [&](bool nullable) {
    if (null_written && column.nullable != nullable) {
      return Status::InvalidArgument("Conflicting NULL/NOT NULL declarations for column '" +
                                     column.name + "'");
    }
    null_written = true;
    column.nullable = nullable;
    return Status::Ok();
  };
  while (!cur_.AtEnd() && !cur_.Peek().IsSymbol(',') && !cur_.Peek().IsSymbol(')')) {
    if (cur_.MatchKeywords({"NOT", "NULL"})) {
      KALAM_RETURN_IF_ERROR(set_nullable(false));
    } else if (cur_.MatchKeyword("NULL")) {
      KALAM_RETURN_IF_ERROR(set_nullable(true));
    } else if (cur_.MatchKeyword("DEFAULT")) {
      if (column.default_value) {
        return Status::InvalidArgument("Multiple DEFAULT values for column '" + column.name + "'");
      }
      KALAM_ASSIGN_OR_RETURN(column.default_value, ParseDefault(column.name));
    } else if (cur_.MatchKeywords({"PRIMARY", "KEY"})) {
      column.primary_key = true;
    } else if (cur_.MatchKeyword("AUTO_INCREMENT") || cur_.MatchKeyword("AUTOINCREMENT")) {
      identity = true;
    } else if (cur_.Peek().IsKeyword("GENERATED")) {
      KALAM_RETURN_IF_ERROR(ParseIdentity());
      identity = true;
    } else if (cur_.Peek().IsKeyword("UNIQUE")) {
      return Status::Unsupported("Not supported yet: UNIQUE constraints");
    } else if (cur_.MatchKeyword("COMMENT")) {
      const Token& comment = cur_.Peek();
      if (comment.kind != TokenKind::kString) return SyntaxError("a comment string", comment);
      column.comment = comment.text;
      cur_.Next();
    } else {
      return Status::InvalidArgument("Syntax error: unexpected " + DescribeToken(cur_.Peek()) +
                                     " in definition of column '" + column.name + "'");
    }
  }

  // SERIAL, AUTO_INCREMENT and identity columns all mean a server-generated snowflake id
  // (docs/sql-reference.md), which needs 64 bits whatever integer type was written.
  if (identity) {
    if (column.default_value && column.default_value->kind != DefaultValue::Kind::kSnowflakeId) {
      return Status::InvalidArgument("Column '" + column.name +
                                     "' cannot have a DEFAULT together with SERIAL, AUTO_INCREMENT "
                                     "or GENERATED AS IDENTITY");
    }
    column.type = DataType{TypeKind::kBigInt, 0, 0};
    column.default_value = DefaultValue{DefaultValue::Kind::kSnowflakeId, "", false};
  }
  return column;
}

Status CreateTableParser::ParseColumnType(ColumnDefinition* column, bool* identity) {
  const Token& first = cur_.Peek();
  if (first.kind != TokenKind::kWord) {
    return SyntaxError("a data type for column '" + column->name + "'", first);
  }
  // A type is one or more words ("DOUBLE PRECISION", "TIMESTAMP WITH TIME ZONE") with at most
  // one parenthesised argument list ("VARCHAR(20)", "DECIMAL(10, 2)"); ParseDataType decides
  // what the spelling means.
  std::string spelling;
  size_t words = 0;
  bool has_args = false;
  while (true) {
    const Token& token = cur_.Peek();
    if (token.kind == TokenKind::kWord && !IsColumnConstraintKeyword(token)) {
      if (!spelling.empty()) spelling += ' ';
      spelling += token.text;
      ++words;
      cur_.Next();
    } else if (token.IsSymbol('(') && !has_args) {
      const std::optional<size_t> close = cur_.MatchingParen(cur_.position());
      if (!close) return SyntaxError("')'", cur_.At(cur_.position() + 1));
      spelling += "(" + std::string(cur_.TextBetween(cur_.position(), *close)) + ")";
      has_args = true;
      cur_.Seek(*close + 1);
    } else {
      break;
    }
  }

  const std::string base = ToLower(first.text);
  if (words == 1 && !has_args && IsSerialType(base)) {
    *identity = true;
    column->type = DataType{TypeKind::kBigInt, 0, 0};
    return Status::Ok();
  }
  if (base == "file" || base == "embedding") {
    return Status::Unsupported("Not supported yet: FILE/EMBEDDING column types");
  }
  const std::optional<DataType> type = ParseDataType(spelling);
  if (!type) return Status::InvalidArgument("Unknown data type '" + spelling + "'");
  column->type = *type;
  return Status::Ok();
}

// GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY [ ( sequence options ) ]
Status CreateTableParser::ParseIdentity() {
  cur_.Next();  // GENERATED
  if (!cur_.MatchKeyword("ALWAYS")) {
    KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("BY"));
    KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("DEFAULT"));
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("AS"));
  if (cur_.Peek().IsSymbol('(')) {
    return Status::Unsupported("Not supported yet: generated (computed) columns");
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("IDENTITY"));
  // Sequence options (START WITH, INCREMENT BY) have no meaning for snowflake ids.
  if (cur_.Peek().IsSymbol('(')) {
    const std::optional<size_t> close = cur_.MatchingParen(cur_.position());
    if (!close) return SyntaxError("')'", cur_.At(cur_.position() + 1));
    cur_.Seek(*close + 1);
  }
  return Status::Ok();
}

Result<DefaultValue> CreateTableParser::ParseDefault(const std::string& column) {
  const Status unsupported = Status::InvalidArgument(
      "Unsupported DEFAULT expression for column '" + column +
      "': only literals, NOW(), CURRENT_TIMESTAMP, SNOWFLAKE_ID(), UUID_V7(), ULID() and "
      "CURRENT_USER() are allowed");
  // A function default with an empty argument list; `optional_parens` admits the bare SQL
  // keyword form (CURRENT_TIMESTAMP, CURRENT_USER).
  auto call = [&](DefaultValue::Kind kind, bool optional_parens) -> Result<DefaultValue> {
    cur_.Next();
    if (cur_.Peek().IsSymbol('(') && cur_.Peek(1).IsSymbol(')')) {
      cur_.Seek(cur_.position() + 2);
    } else if (!optional_parens) {
      return unsupported;
    }
    return DefaultValue{kind, "", false};
  };

  const bool parenthesised = cur_.MatchSymbol('(');  // DEFAULT (0), as pg_dump writes it
  DefaultValue value;
  const Token& token = cur_.Peek();
  if ((token.IsSymbol('-') || token.IsSymbol('+')) && cur_.Peek(1).kind == TokenKind::kNumber) {
    const Token& number = cur_.Peek(1);
    if (!IsNumericLiteral(number.text)) return unsupported;
    value = DefaultValue{DefaultValue::Kind::kLiteral,
                         (token.IsSymbol('-') ? "-" : "") + number.text, false};
    cur_.Seek(cur_.position() + 2);
  } else if (token.kind == TokenKind::kNumber) {
    if (!IsNumericLiteral(token.text)) return unsupported;
    value = DefaultValue{DefaultValue::Kind::kLiteral, token.text, false};
    cur_.Next();
  } else if (token.kind == TokenKind::kString) {
    value = DefaultValue{DefaultValue::Kind::kLiteral, token.text, true};
    cur_.Next();
  } else if (token.IsKeyword("TRUE") || token.IsKeyword("FALSE")) {
    value = DefaultValue{DefaultValue::Kind::kLiteral, ToLower(token.text), false};
    cur_.Next();
  } else if (token.IsKeyword("NULL")) {
    value = DefaultValue{DefaultValue::Kind::kNull, "", false};
    cur_.Next();
  } else if (token.IsKeyword("NOW")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kNow, false));
  } else if (token.IsKeyword("CURRENT_TIMESTAMP")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kNow, true));
  } else if (token.IsKeyword("SNOWFLAKE_ID")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kSnowflakeId, false));
  } else if (token.IsKeyword("UUID_V7")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kUuidV7, false));
  } else if (token.IsKeyword("ULID")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kUlid, false));
  } else if (token.IsKeyword("CURRENT_USER")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kCurrentUser, true));
  } else if (token.IsKeyword("CURRENT_USER_ID")) {
    KALAM_ASSIGN_OR_RETURN(value, call(DefaultValue::Kind::kCurrentUser, false));
  } else {
    return unsupported;
  }
  if (parenthesised && !cur_.MatchSymbol(')')) return unsupported;

  // Anything but the end of the column definition means a larger expression ("1 + 2",
  // "NOW() - INTERVAL ..."), which a default may not hold.
  const Token& after = cur_.Peek();
  if (!after.IsSymbol(',') && !after.IsSymbol(')') && after.kind != TokenKind::kEnd &&
      !IsColumnConstraintKeyword(after)) {
    return unsupported;
  }
  return value;
}

Status CreateTableParser::ParseTableClauses(TableOptionsBuilder* options) {
  while (!cur_.AtEnd()) {
    if (cur_.MatchKeyword("USING")) {
      KALAM_RETURN_IF_ERROR(options->MarkGiven("USING"));
      KALAM_ASSIGN_OR_RETURN(std::string engine, cur_.ParseName("table engine"));
      if (engine != "kalamdb") {
        return Status::InvalidArgument("Unsupported table engine '" + engine + "'");
      }
    } else if (cur_.Peek().IsKeyword("FLUSH")) {
      KALAM_RETURN_IF_ERROR(ParseFlushClause(options));
    } else if (cur_.MatchKeyword("TTL") || cur_.MatchKeyword("RETENTION")) {
      KALAM_RETURN_IF_ERROR(options->MarkGiven("TTL_SECONDS"));
      KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue("TTL_SECONDS"));
      KALAM_RETURN_IF_ERROR(options->SetTtl(value));
    } else if (cur_.MatchKeyword("EPHEMERAL")) {
      KALAM_RETURN_IF_ERROR(options->MarkGiven("EPHEMERAL"));
    } else if (cur_.MatchKeyword("MAX_BUFFER")) {
      KALAM_RETURN_IF_ERROR(options->MarkGiven("MAX_BUFFER"));
      KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue("MAX_BUFFER"));
      KALAM_RETURN_IF_ERROR(options->SetMaxBuffer(value));
    } else if (cur_.MatchKeyword("STORAGE")) {
      KALAM_RETURN_IF_ERROR(options->MarkGiven("STORAGE_ID"));
      KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue("STORAGE_ID"));
      KALAM_RETURN_IF_ERROR(options->SetStorage(value));
    } else if (cur_.MatchKeyword("WITH")) {
      KALAM_RETURN_IF_ERROR(ParseWithOptions(options));
    } else {
      return Status::InvalidArgument("Syntax error: unexpected " + DescribeToken(cur_.Peek()) +
                                     " after the column list");
    }
  }
  return Status::Ok();
}

// FLUSH ROW_THRESHOLD n [INTERVAL d] | FLUSH INTERVAL d [ROW_THRESHOLD n]
// FLUSH POLICY ROW_LIMIT n [TIME_INTERVAL s] | FLUSH POLICY TIME_INTERVAL s [ROW_LIMIT n]
Status CreateTableParser::ParseFlushClause(TableOptionsBuilder* options) {
  cur_.Next();  // FLUSH
  KALAM_RETURN_IF_ERROR(options->MarkGiven("FLUSH_POLICY"));
  const bool policy = cur_.MatchKeyword("POLICY");
  const std::string_view rows_keyword = policy ? "ROW_LIMIT" : "ROW_THRESHOLD";
  const std::string_view interval_keyword = policy ? "TIME_INTERVAL" : "INTERVAL";
  bool rows_seen = false;
  bool interval_seen = false;
  while (true) {
    if (!rows_seen && cur_.MatchKeyword(rows_keyword)) {
      rows_seen = true;
      KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue("FLUSH_POLICY"));
      KALAM_RETURN_IF_ERROR(options->SetFlushRows(value));
    } else if (!interval_seen && cur_.MatchKeyword(interval_keyword)) {
      interval_seen = true;
      KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue("FLUSH_POLICY"));
      KALAM_RETURN_IF_ERROR(options->SetFlushInterval(value));
    } else {
      break;
    }
  }
  // A trigger written twice within one clause is the same setting given twice.
  if (cur_.Peek().IsKeyword(rows_keyword) || cur_.Peek().IsKeyword(interval_keyword)) {
    return Status::InvalidArgument("Duplicate table option 'FLUSH_POLICY'");
  }
  if (rows_seen || interval_seen) return Status::Ok();
  return SyntaxError(std::string(rows_keyword) + " or " + std::string(interval_keyword),
                     cur_.Peek());
}

// WITH ( key = value [, ...] [,] ); a second WITH list is fine, repeated keys are not.
Status CreateTableParser::ParseWithOptions(TableOptionsBuilder* options) {
  KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol('('));
  while (!cur_.MatchSymbol(')')) {
    const Token& key_token = cur_.Peek();
    if (!key_token.IsNameLike()) return SyntaxError("a table option name", key_token);
    const std::string key = ToUpperAscii(key_token.text);
    cur_.Next();
    KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol('='));
    KALAM_ASSIGN_OR_RETURN(std::string value, ParseOptionValue(key));
    KALAM_RETURN_IF_ERROR(options->ApplyWithOption(key, value));
    if (cur_.MatchSymbol(',')) continue;
    KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol(')'));
    break;
  }
  return Status::Ok();
}

// An option value: 'quoted', bare word or number. A leading '-' is kept so the range check
// can quote the bad value back.
Result<std::string> CreateTableParser::ParseOptionValue(std::string_view option) {
  const Token& token = cur_.Peek();
  if (token.IsSymbol('-') && cur_.Peek(1).kind == TokenKind::kNumber) {
    std::string value = "-" + cur_.Peek(1).text;
    cur_.Seek(cur_.position() + 2);
    return value;
  }
  if (token.kind == TokenKind::kString || token.IsNameLike()) {
    cur_.Next();
    return token.text;
  }
  return SyntaxError("a value for " + std::string(option), token);
}

}  // namespace

Result<CreateTableStmt> ParseCreateTable(Cursor& cursor) {
  CreateTableParser parser(cursor);
  KALAM_ASSIGN_OR_RETURN(CreateTableStmt stmt, parser.Parse());
  KALAM_RETURN_IF_ERROR(cursor.ExpectEnd());
  return stmt;
}

Result<ColumnDefinition> ParseColumnDefinition(Cursor& cursor) { return CreateTableParser(cursor).ParseColumn(); }

Result<DefaultValue> ParseColumnDefault(Cursor& cursor, const std::string& column) {
  return CreateTableParser(cursor).ParseDefault(column);
}

Status ParseTableOptionList(Cursor& cursor, TableOptionsBuilder* options) {
  return CreateTableParser(cursor).ParseWithOptions(options);
}

}  // namespace kalam::dialect
