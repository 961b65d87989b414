#include "kalam/dialect/simple_insert.h"

#include <charconv>
#include <set>

#include "kalam/commons/names.h"
#include "lexer.h"

namespace kalam::dialect {
namespace {

// A tiny forward reader over the lexer; any surprise ends the fast path.
class Reader {
 public:
  explicit Reader(std::string_view sql) : lexer_(sql) { Advance(); }

  const Token& Peek() const { return token_; }
  bool ok() const { return ok_; }
  void Advance() {
    auto next = lexer_.Next();
    if (!next.ok()) {
      ok_ = false;
      token_ = Token{};
      return;
    }
    token_ = std::move(next).value();
  }
  bool Keyword(std::string_view kw) {
    if (!token_.IsKeyword(kw)) return false;
    Advance();
    return true;
  }
  bool Symbol(char c) {
    if (!token_.IsSymbol(c)) return false;
    Advance();
    return true;
  }
  std::optional<std::string> Name() {
    if (token_.kind != TokenKind::kWord && token_.kind != TokenKind::kQuotedIdent) return std::nullopt;
    std::string name = ToLower(token_.text);
    Advance();
    return name;
  }

 private:
  Lexer lexer_;
  Token token_;
  bool ok_ = true;
};

bool ParseInteger(std::string_view text, bool negative, int64_t* out) {
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (ec != std::errc() || ptr != text.data() + text.size()) return false;
  if (!negative && magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
  if (negative && magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool IsPlainDecimal(std::string_view text) {
  bool dot = false, digit = false;
  for (char c : text) {
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return digit;
}

std::optional<InsertLiteral> ParseLiteral(Reader& r, std::set<size_t>& parameters) {
  InsertLiteral lit;
  const Token& t = r.Peek();
  if (t.kind == TokenKind::kString) {
    lit.kind = InsertLiteral::Kind::kString;
    lit.text = t.text;
    r.Advance();
    return lit;
  }
  // X'6869': a bytes literal written in hex.
  if (t.IsKeyword("X")) {
    r.Advance();
    const Token& hex = r.Peek();
    if (hex.kind != TokenKind::kString || hex.text.size() % 2 != 0) return std::nullopt;
    lit.kind = InsertLiteral::Kind::kBytes;
    for (size_t i = 0; i < hex.text.size(); i += 2) {
      int byte = 0;
      auto [ptr, ec] = std::from_chars(hex.text.data() + i, hex.text.data() + i + 2, byte, 16);
      if (ec != std::errc() || ptr != hex.text.data() + i + 2) return std::nullopt;
      lit.text.push_back(static_cast<char>(byte));
    }
    r.Advance();
    return lit;
  }
  if (t.IsKeyword("NULL")) {
    r.Advance();
    return lit;
  }
  if (t.IsKeyword("DEFAULT")) {
    lit.kind = InsertLiteral::Kind::kDefault;
    r.Advance();
    return lit;
  }
  if (t.IsKeyword("TRUE") || t.IsKeyword("FALSE")) {
    lit.kind = InsertLiteral::Kind::kBool;
    lit.boolean = t.IsKeyword("TRUE");
    r.Advance();
    return lit;
  }
  if (t.IsSymbol('$')) {
    r.Advance();
    if (r.Peek().kind != TokenKind::kNumber) return std::nullopt;
    int64_t n = 0;
    if (!ParseInteger(r.Peek().text, false, &n) || n < 1) return std::nullopt;
    lit.kind = InsertLiteral::Kind::kParameter;
    lit.parameter = static_cast<size_t>(n);
    parameters.insert(lit.parameter);
    r.Advance();
    return lit;
  }
  bool negative = false;
  if (t.IsSymbol('-')) {
    negative = true;
    r.Advance();
  }
  const Token& number = r.Peek();
  if (number.kind == TokenKind::kNumber) {
    std::string text = number.text;
    r.Advance();
    // "1.5" arrives as "1", ".", "5" from the lexer.
    if (r.Peek().IsSymbol('.')) {
      r.Advance();
      if (r.Peek().kind != TokenKind::kNumber) return std::nullopt;
      text += "." + r.Peek().text;
      r.Advance();
    }
    if (text.find('.') == std::string::npos && ParseInteger(text, negative, &lit.integer)) {
      lit.kind = InsertLiteral::Kind::kInteger;
      return lit;
    }
    if (!IsPlainDecimal(text)) return std::nullopt;
    lit.kind = InsertLiteral::Kind::kDecimal;
    lit.text = (negative ? "-" : "") + text;
    return lit;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SimpleInsertStmt> ParseSimpleInsert(std::string_view sql) {
  Reader r(sql);
  if (!r.Keyword("INSERT") || !r.Keyword("INTO")) return std::nullopt;
  SimpleInsertStmt stmt;
  auto first = r.Name();
  if (!first) return std::nullopt;
  if (r.Symbol('.')) {
    auto second = r.Name();
    if (!second || r.Peek().IsSymbol('.')) return std::nullopt;
    stmt.table.namespace_id = NamespaceId(*first);
    stmt.table.table_name = TableName(*second);
  } else {
    stmt.table.table_name = TableName(*first);
  }
  if (r.Symbol('(')) {
    while (true) {
      auto column = r.Name();
      if (!column) return std::nullopt;
      stmt.columns.push_back(std::move(*column));
      if (r.Symbol(')')) break;
      if (!r.Symbol(',')) return std::nullopt;
    }
  }
  if (!r.Keyword("VALUES")) return std::nullopt;
  std::set<size_t> parameters;
  while (true) {
    if (!r.Symbol('(')) return std::nullopt;
    std::vector<InsertLiteral> row;
    while (true) {
      auto lit = ParseLiteral(r, parameters);
      if (!lit) return std::nullopt;
      row.push_back(std::move(*lit));
      if (r.Symbol(')')) break;
      if (!r.Symbol(',')) return std::nullopt;
    }
    stmt.rows.push_back(std::move(row));
    if (!r.Symbol(',')) break;
  }
  while (r.Symbol(';')) {
  }
  if (!r.ok() || r.Peek().kind != TokenKind::kEnd) return std::nullopt;
  stmt.distinct_parameters = parameters.size();
  return stmt;
}

}  // namespace kalam::dialect
