#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_type.h"
#include "kalam/dialect/statements.h"

#include "lexer.h"

namespace kalam::dialect {

// How a token is shown in a syntax error: 'word', "quoted", or "end of statement".
std::string DescribeToken(const Token& token);

// InvalidArgument "Syntax error: expected <expected>, found <token>".
Status SyntaxError(std::string_view expected, const Token& found);

// Reads the tokens of one statement for the recursive-descent parsers. Trailing ';' tokens
// are dropped up front, so every statement form may end with or without one. Reading past
// the end keeps returning the kEnd token. `sql` must outlive the cursor; tokens keep
// offsets into it so spans can be cut out verbatim.
class Cursor {
 public:
  Cursor(std::string_view sql, std::vector<Token> tokens);

  std::string_view sql() const { return sql_; }
  size_t position() const { return pos_; }
  void Seek(size_t position);
  const Token& At(size_t index) const;
  const Token& Peek(size_t ahead = 0) const { return At(pos_ + ahead); }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  // Returns the current token and moves past it.
  const Token& Next();

  bool MatchKeyword(std::string_view keyword);
  // Consumes the whole keyword sequence only if all of it is present.
  bool MatchKeywords(std::initializer_list<std::string_view> keywords);
  bool MatchSymbol(char symbol);
  Status ExpectKeyword(std::string_view keyword);
  Status ExpectSymbol(char symbol);
  // Anything left over is an error: a statement must be complete and alone.
  Status ExpectEnd() const;

  // Index of the ')' matching the '(' at `open`, if the parentheses balance.
  std::optional<size_t> MatchingParen(size_t open) const;
  // Source text strictly between the tokens at `open` and `close`, trimmed.
  std::string_view TextBetween(size_t open, size_t close) const;

  // A name (word, "quoted" or digit-led so validation can explain it), folded to lowercase.
  // `what` names the expected thing in the syntax error.
  Result<std::string> ParseName(std::string_view what);
  // A namespace name: an identifier, or exactly `default`.
  Result<NamespaceId> ParseNamespaceName();
  // [namespace.]table, both validated.
  Result<TableRef> ParseTableRef();

 private:
  std::string_view sql_;
  std::vector<Token> tokens_;  // never empty: the last one is kEnd
  size_t pos_ = 0;
};

// USER / SHARED / STREAM as a prefix keyword.
std::optional<TableType> TableTypeKeyword(const Token& token);

}  // namespace kalam::dialect
