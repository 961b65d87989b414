#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"

namespace kalam::dialect {

enum class TokenKind {
  kWord,         // unquoted identifier or keyword: [A-Za-z_][A-Za-z0-9_]* (bytes >= 0x80 included)
  kQuotedIdent,  // "double-quoted identifier", "" unescaped
  kString,       // 'string literal', '' unescaped
  kNumber,       // starts with a digit; trailing word characters are kept ("300s", "5m")
  kSymbol,       // one punctuation character
  kEnd,          // end of input
};

// One token of SQL text. `begin`/`end` are byte offsets into the source, so callers can cut
// out the exact text of a span (EXECUTE AS USER keeps its inner statement verbatim).
struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // words and numbers as written; quoted forms unescaped; the symbol
  size_t begin = 0;
  size_t end = 0;

  // Whether this is an unquoted word equal to `upper_keyword` ignoring case. Quoted
  // identifiers are never keywords.
  bool IsKeyword(std::string_view upper_keyword) const;
  bool IsSymbol(char symbol) const {
    return kind == TokenKind::kSymbol && text.size() == 1 && text[0] == symbol;
  }
  // Word, quoted identifier or number: something that may be read as a name.
  bool IsNameLike() const {
    return kind == TokenKind::kWord || kind == TokenKind::kQuotedIdent ||
           kind == TokenKind::kNumber;
  }
};

// Reads tokens one at a time, skipping whitespace and comments (-- to end of line, /* */).
// Never fails on unfamiliar characters (they become symbols), because the same lexer walks
// plain SQL meant for DuckDB; only an unterminated quote or block comment is an error.
// `sql` must outlive the lexer.
class Lexer {
 public:
  // With `keep_text` false, tokens carry only their kind and offsets (the statement splitter
  // needs no text, and copying long string literals is most of its cost).
  explicit Lexer(std::string_view sql, bool keep_text = true) : sql_(sql), keep_text_(keep_text) {}

  // The next token; kEnd at the end of input (and on every later call).
  Result<Token> Next();

 private:
  void SkipSpaceAndComments(bool* unterminated_comment);
  Result<Token> ReadQuoted(char quote, TokenKind kind);

  std::string_view sql_;
  bool keep_text_ = true;
  size_t pos_ = 0;
};

// All tokens of `sql`, the last one kEnd.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// ASCII helpers shared by the parsers.
std::string ToUpperAscii(std::string_view text);
std::string_view TrimSpace(std::string_view text);

}  // namespace kalam::dialect
