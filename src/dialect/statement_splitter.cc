#include "kalam/dialect/statement_splitter.h"

#include <utility>

#include "lexer.h"

namespace kalam::dialect {

// Splitting walks the same tokens the parser reads, so quotes, escapes and comments are
// understood identically in both places. A statement's text runs from its first token to
// its last, which trims whitespace and edge comments and keeps everything between verbatim.
Result<std::vector<std::string>> SplitStatements(std::string_view sql) {
  Lexer lexer(sql, /*keep_text=*/false);
  std::vector<std::string> statements;
  int depth = 0;
  bool in_statement = false;
  size_t begin = 0;
  size_t end = 0;
  auto finish = [&]() {
    if (in_statement) statements.emplace_back(sql.substr(begin, end - begin));
    in_statement = false;
  };
  while (true) {
    KALAM_ASSIGN_OR_RETURN(Token token, lexer.Next());
    if (token.kind == TokenKind::kEnd) break;
    if (depth == 0 && token.IsSymbol(';')) {
      finish();
      continue;
    }
    if (token.IsSymbol('(')) {
      ++depth;
    } else if (token.IsSymbol(')') && depth > 0) {
      // An unbalanced ')' is left for the parser to reject; depth never goes negative, so
      // the ';' after it still splits.
      --depth;
    }
    if (!in_statement) {
      in_statement = true;
      begin = token.begin;
    }
    end = token.end;
  }
  finish();
  return statements;
}

}  // namespace kalam::dialect
