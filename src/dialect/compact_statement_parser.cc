#include "compact_statement_parser.h"

namespace kalam::dialect {

Result<KalamStatement> ParseCompactStatement(Cursor& cur) {
  cur.Seek(cur.position() + 2);  // STORAGE COMPACT, checked by the caller
  if (cur.MatchKeyword("TABLE")) {
    CompactTableStmt stmt;
    KALAM_ASSIGN_OR_RETURN(stmt.table, cur.ParseTableRef());
    KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
    return KalamStatement(std::move(stmt));
  }
  KALAM_RETURN_IF_ERROR(cur.ExpectKeyword("ALL"));
  CompactAllStmt stmt;
  if (cur.MatchKeyword("IN")) {
    // A lone "IN namespace" names a namespace called `namespace`.
    if (cur.Peek().IsKeyword("NAMESPACE") && cur.Peek(1).kind != TokenKind::kEnd) cur.Next();
    KALAM_ASSIGN_OR_RETURN(NamespaceId ns, cur.ParseNamespaceName());
    stmt.in_namespace = std::move(ns);
  }
  KALAM_RETURN_IF_ERROR(cur.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

}  // namespace kalam::dialect
