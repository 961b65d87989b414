#include "kalam/dialect/transaction_control.h"

#include <vector>

#include "lexer.h"

namespace kalam::dialect {

std::optional<TransactionControl> ParseTransactionControl(std::string_view sql) {
  auto tokens = Tokenize(sql);
  if (!tokens.ok() || tokens->empty()) return std::nullopt;
  const std::vector<Token>& t = *tokens;
  size_t next = 1;
  std::optional<TransactionControl> control;
  if (t[0].IsKeyword("BEGIN")) {
    control = TransactionControl::kBegin;
  } else if (t[0].IsKeyword("START")) {
    if (t.size() < 2 || !t[1].IsKeyword("TRANSACTION")) return std::nullopt;
    control = TransactionControl::kBegin;
    next = 2;
  } else if (t[0].IsKeyword("COMMIT") || t[0].IsKeyword("END")) {
    control = TransactionControl::kCommit;
  } else if (t[0].IsKeyword("ROLLBACK")) {
    control = TransactionControl::kRollback;
  } else {
    return std::nullopt;
  }
  if (next == 1 && next < t.size() && (t[next].IsKeyword("TRANSACTION") || t[next].IsKeyword("WORK"))) ++next;
  if (next < t.size() && t[next].IsSymbol(';')) ++next;
  if (next >= t.size() || t[next].kind != TokenKind::kEnd) return std::nullopt;
  return control;
}

std::string_view TransactionControlName(TransactionControl control) {
  switch (control) {
    case TransactionControl::kBegin: return "BEGIN";
    case TransactionControl::kCommit: return "COMMIT";
    case TransactionControl::kRollback: return "ROLLBACK";
  }
  return "BEGIN";
}

}  // namespace kalam::dialect
