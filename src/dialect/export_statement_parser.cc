#include "export_statement_parser.h"

#include "kalam/commons/target_path.h"
#include "user_statement_parser.h"

namespace kalam::dialect {

Result<KalamStatement> ParseExportUserData(Cursor& cur) {
  cur.Next();  // EXPORT
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("USER"));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("DATA"));
  ExportUserDataStmt stmt;
  KALAM_ASSIGN_OR_RETURN(std::string user, ParseUserName(cur));
  stmt.user = UserId(std::move(user));
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("TO"));
  const Token& dir = cur.Peek();
  if (dir.kind != TokenKind::kString) return SyntaxError("a directory in quotes", dir);
  stmt.directory = dir.text;
  cur.Next();
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  KALAM_RETURN_IF_ERROR(CheckTargetPath(stmt.directory));
  return KalamStatement(std::move(stmt));
}

}  // namespace kalam::dialect
