#include "backup_statement_parser.h"

#include <optional>
#include <string>

namespace kalam::dialect {
namespace {

// [ns] TO|FROM '<dir>' after BACKUP|RESTORE DATABASE.
Status ParseTarget(Cursor& cur, std::string_view preposition, std::optional<NamespaceId>* ns, std::string* path) {
  if (!cur.Peek().IsKeyword(preposition) || cur.Peek(1).kind != TokenKind::kString) {
    KALAM_ASSIGN_OR_RETURN(NamespaceId name, cur.ParseNamespaceName());
    *ns = std::move(name);
  }
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword(preposition));
  const Token& dir = cur.Peek();
  if (dir.kind != TokenKind::kString) return SyntaxError("a quoted directory path", dir);
  *path = cur.Next().text;
  return cur.ExpectEnd();
}

}  // namespace

Result<KalamStatement> ParseBackupStatement(Cursor& cur) {
  const bool backup = cur.Next().IsKeyword("BACKUP");
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("DATABASE"));
  if (backup) {
    BackupDatabaseStmt stmt;
    KALAM_RETURN_IF_ERROR(ParseTarget(cur, "TO", &stmt.namespace_id, &stmt.path));
    return KalamStatement(std::move(stmt));
  }
  RestoreDatabaseStmt stmt;
  KALAM_RETURN_IF_ERROR(ParseTarget(cur, "FROM", &stmt.namespace_id, &stmt.path));
  return KalamStatement(std::move(stmt));
}

}  // namespace kalam::dialect
