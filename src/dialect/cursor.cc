#include "cursor.h"

#include <algorithm>
#include <utility>

#include "kalam/commons/names.h"

namespace kalam::dialect {
namespace {

Status ValidateNamespaceName(const std::string& name) {
  // `default` is a reserved word but also the built-in namespace (docs/sql-reference.md); whether a
  // statement may touch it, and which namespace names are reserved, is the engine's call.
  if (name == kDefaultNamespace) return Status::Ok();
  return ValidateIdentifier(name, "Namespace");
}

}  // namespace

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of statement";
    case TokenKind::kQuotedIdent:
      return "\"" + token.text + "\"";
    default:
      return "'" + token.text + "'";
  }
}

Status SyntaxError(std::string_view expected, const Token& found) {
  return Status::InvalidArgument("Syntax error: expected " + std::string(expected) + ", found " +
                                 DescribeToken(found));
}

Cursor::Cursor(std::string_view sql, std::vector<Token> tokens)
    : sql_(sql), tokens_(std::move(tokens)) {
  if (tokens_.empty() || tokens_.back().kind != TokenKind::kEnd) {
    Token end;
    end.begin = end.end = sql_.size();
    tokens_.push_back(end);
  }
  while (tokens_.size() >= 2 && tokens_[tokens_.size() - 2].IsSymbol(';')) {
    tokens_.erase(tokens_.end() - 2);
  }
}

void Cursor::Seek(size_t position) { pos_ = std::min(position, tokens_.size() - 1); }

const Token& Cursor::At(size_t index) const { return tokens_[std::min(index, tokens_.size() - 1)]; }

const Token& Cursor::Next() {
  const Token& token = Peek();
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return token;
}

bool Cursor::MatchKeyword(std::string_view keyword) {
  if (!Peek().IsKeyword(keyword)) return false;
  Next();
  return true;
}

bool Cursor::MatchKeywords(std::initializer_list<std::string_view> keywords) {
  size_t i = 0;
  for (std::string_view keyword : keywords) {
    if (!Peek(i++).IsKeyword(keyword)) return false;
  }
  Seek(pos_ + keywords.size());
  return true;
}

bool Cursor::MatchSymbol(char symbol) {
  if (!Peek().IsSymbol(symbol)) return false;
  Next();
  return true;
}

Status Cursor::ExpectKeyword(std::string_view keyword) {
  if (MatchKeyword(keyword)) return Status::Ok();
  return SyntaxError(keyword, Peek());
}

Status Cursor::ExpectSymbol(char symbol) {
  if (MatchSymbol(symbol)) return Status::Ok();
  return SyntaxError("'" + std::string(1, symbol) + "'", Peek());
}

Status Cursor::ExpectEnd() const {
  if (AtEnd()) return Status::Ok();
  return Status::InvalidArgument("Syntax error: unexpected " + DescribeToken(Peek()) +
                                 " after end of statement");
}

std::optional<size_t> Cursor::MatchingParen(size_t open) const {
  int depth = 0;
  for (size_t i = open; i < tokens_.size(); ++i) {
    if (tokens_[i].IsSymbol('(')) ++depth;
    if (tokens_[i].IsSymbol(')') && --depth == 0) return i;
  }
  return std::nullopt;
}

std::string_view Cursor::TextBetween(size_t open, size_t close) const {
  const size_t begin = At(open).end;
  const size_t end = At(close).begin;
  return TrimSpace(end > begin ? sql_.substr(begin, end - begin) : std::string_view());
}

Result<std::string> Cursor::ParseName(std::string_view what) {
  const Token& token = Peek();
  if (!token.IsNameLike()) return SyntaxError(what, token);
  Next();
  return ToLower(token.text);
}

Result<NamespaceId> Cursor::ParseNamespaceName() {
  KALAM_ASSIGN_OR_RETURN(std::string name, ParseName("namespace name"));
  KALAM_RETURN_IF_ERROR(ValidateNamespaceName(name));
  return NamespaceId(std::move(name));
}

Result<TableRef> Cursor::ParseTableRef() {
  TableRef ref;
  KALAM_ASSIGN_OR_RETURN(std::string table, ParseName("table name"));
  if (MatchSymbol('.')) {
    KALAM_RETURN_IF_ERROR(ValidateNamespaceName(table));
    ref.namespace_id = NamespaceId(std::move(table));
    KALAM_ASSIGN_OR_RETURN(table, ParseName("table name"));
  }
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(table, "Table"));
  ref.table_name = TableName(std::move(table));
  return ref;
}

std::optional<TableType> TableTypeKeyword(const Token& token) {
  if (token.IsKeyword("USER")) return TableType::kUser;
  if (token.IsKeyword("SHARED")) return TableType::kShared;
  if (token.IsKeyword("STREAM")) return TableType::kStream;
  return std::nullopt;
}

}  // namespace kalam::dialect
