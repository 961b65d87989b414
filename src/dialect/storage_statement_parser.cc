#include "storage_statement_parser.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/names.h"

namespace kalam::dialect {
namespace {

// A storage id: a name (word, "quoted", or digit-led so validation can explain it) or a
// 'string', folded to lowercase like the STORAGE clause of CREATE TABLE, so that both name
// the same storage however it is written.
Result<StorageId> ParseStorageId(Cursor& cur) {
  const Token& t = cur.Peek();
  if (!t.IsNameLike() && t.kind != TokenKind::kString) return SyntaxError("a storage name", t);
  std::string id = ToLower(t.text);
  cur.Next();
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(id, "Storage"));
  return StorageId(std::move(id));
}

// The value of a clause: a 'quoted string', optionally after '='.
Result<std::string> ParseClauseString(Cursor& cur, std::string_view clause) {
  cur.MatchSymbol('=');
  const Token& t = cur.Peek();
  if (t.kind != TokenKind::kString) return SyntaxError("a quoted string after " + std::string(clause), t);
  std::string text = t.text;
  cur.Next();
  return text;
}

// TYPE filesystem | 'local' | s3 | gcs | azure (quoted or bare, any case).
Result<StorageType> ParseTypeValue(Cursor& cur) {
  cur.MatchSymbol('=');
  const Token& t = cur.Peek();
  if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedIdent && t.kind != TokenKind::kString) {
    return SyntaxError("a storage type", t);
  }
  std::optional<StorageType> type = ParseStorageType(t.text);
  if (!type) {
    return Status::InvalidArgument("Unknown storage type '" + t.text +
                                   "': expected filesystem, local, s3, gcs or azure");
  }
  cur.Next();
  return *type;
}

Status Duplicate(std::string_view clause) {
  return Status::InvalidArgument(std::string(clause) + " given more than once");
}

// Sets `*slot` from the clause value, refusing a second occurrence.
Status SetOnce(Cursor& cur, std::string_view clause, std::optional<std::string>* slot) {
  if (slot->has_value()) return Duplicate(clause);
  KALAM_ASSIGN_OR_RETURN(std::string value, ParseClauseString(cur, clause));
  *slot = std::move(value);
  return Status::Ok();
}

// A clause whose value is one quoted string, and where the statement keeps it.
struct StringClause {
  std::string_view keyword;
  std::optional<std::string>* slot;
};

// Consumes the next clause if it is one of `clauses`; false when none matches.
Result<bool> MatchStringClause(Cursor& cur, std::initializer_list<StringClause> clauses) {
  for (const StringClause& clause : clauses) {
    if (cur.MatchKeyword(clause.keyword)) {
      KALAM_RETURN_IF_ERROR(SetOnce(cur, clause.keyword, clause.slot));
      return true;
    }
  }
  return false;
}

Result<KalamStatement> ParseCreateStorage(Cursor& cur) {
  CreateStorageStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.id, ParseStorageId(cur));
  bool type_seen = false;
  // Which of the two spellings set `path`, for the error when the other one follows.
  std::string_view path_clause;
  while (!cur.AtEnd()) {
    if (cur.MatchKeyword("TYPE")) {
      if (type_seen) return Duplicate("TYPE");
      type_seen = true;
      KALAM_ASSIGN_OR_RETURN(stmt.type, ParseTypeValue(cur));
    } else if (cur.Peek().IsKeyword("PATH") || cur.Peek().IsKeyword("BASE_DIRECTORY")) {
      const std::string_view clause = cur.Peek().IsKeyword("PATH") ? "PATH" : "BASE_DIRECTORY";
      cur.Next();
      if (stmt.path) {
        if (path_clause == clause) return Duplicate(clause);
        return Status::InvalidArgument("PATH and BASE_DIRECTORY are alternatives; give one of them");
      }
      path_clause = clause;
      KALAM_RETURN_IF_ERROR(SetOnce(cur, clause, &stmt.path));
    } else {
      KALAM_ASSIGN_OR_RETURN(
          bool matched,
          MatchStringClause(cur, {{"NAME", &stmt.name},
                                  {"DESCRIPTION", &stmt.description},
                                  {"SHARED_TABLES_TEMPLATE", &stmt.shared_tables_template},
                                  {"USER_TABLES_TEMPLATE", &stmt.user_tables_template},
                                  {"CREDENTIALS", &stmt.credentials_json},
                                  {"CONFIG", &stmt.config_json},
                                  {"BUCKET", &stmt.bucket},
                                  {"REGION", &stmt.region}}));
      if (matched) continue;
      return SyntaxError(
          "TYPE, NAME, DESCRIPTION, PATH, BASE_DIRECTORY, SHARED_TABLES_TEMPLATE, USER_TABLES_TEMPLATE, "
          "CREDENTIALS, CONFIG, BUCKET, REGION or the end of the statement",
          cur.Peek());
    }
  }
  if (!type_seen) return Status::InvalidArgument("CREATE STORAGE requires TYPE (filesystem, s3, gcs or azure)");
  if (stmt.type != StorageType::kS3) {
    if (stmt.bucket) return Status::InvalidArgument("BUCKET is only valid for s3 storages");
    if (stmt.region) return Status::InvalidArgument("REGION is only valid for s3 storages");
  }
  // An s3 storage may name its bucket instead of a PATH; every other type needs a location.
  if (!stmt.path && !(stmt.type == StorageType::kS3 && stmt.bucket)) {
    return Status::InvalidArgument("CREATE STORAGE requires PATH or BASE_DIRECTORY");
  }
  return KalamStatement(std::move(stmt));
}

Result<KalamStatement> ParseAlterStorage(Cursor& cur) {
  AlterStorageStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.id, ParseStorageId(cur));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("SET"));
  while (true) {
    KALAM_ASSIGN_OR_RETURN(
        bool matched,
        MatchStringClause(cur, {{"NAME", &stmt.name},
                                {"DESCRIPTION", &stmt.description},
                                {"SHARED_TABLES_TEMPLATE", &stmt.shared_tables_template},
                                {"USER_TABLES_TEMPLATE", &stmt.user_tables_template},
                                {"CONFIG", &stmt.config_json}}));
    if (!matched) {
      const Token& t = cur.Peek();
      if (t.IsKeyword("TYPE") || t.IsKeyword("PATH") || t.IsKeyword("BASE_DIRECTORY") ||
          t.IsKeyword("CREDENTIALS")) {
        return Status::InvalidArgument("ALTER STORAGE cannot change " + ToUpperAscii(t.text) +
                                       "; drop the storage and create it again");
      }
      return SyntaxError("NAME, DESCRIPTION, SHARED_TABLES_TEMPLATE, USER_TABLES_TEMPLATE or CONFIG", t);
    }
    if (cur.AtEnd()) break;
    // Further changes: "SET x '..'" again, or a comma-separated list after one SET.
    if (!cur.MatchSymbol(',')) KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("SET"));
  }
  return KalamStatement(std::move(stmt));
}

Result<KalamStatement> ParseDropStorage(Cursor& cur) {
  DropStorageStmt stmt;
  stmt.if_exists = cur.MatchKeywords({"IF", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(stmt.id, ParseStorageId(cur));
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

}  // namespace

Result<KalamStatement> ParseStorageStatement(Cursor& cur) {
  const Token& verb = cur.Next();
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("STORAGE"));
  if (verb.IsKeyword("CREATE")) return ParseCreateStorage(cur);
  if (verb.IsKeyword("ALTER")) return ParseAlterStorage(cur);
  return ParseDropStorage(cur);
}

Result<KalamStatement> ParseStorageCheck(Cursor& cur) {
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("STORAGE"));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("CHECK"));
  StorageCheckStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.id, ParseStorageId(cur));
  stmt.extended = cur.MatchKeyword("EXTENDED");
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

}  // namespace kalam::dialect
