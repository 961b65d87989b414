#include "lexer.h"

#include <cstring>

#include <cctype>
#include <utility>

namespace kalam::dialect {
namespace {

bool IsWordStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool IsWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

bool Token::IsKeyword(std::string_view upper_keyword) const {
  if (kind != TokenKind::kWord || text.size() != upper_keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != upper_keyword[i]) return false;
  }
  return true;
}

void Lexer::SkipSpaceAndComments(bool* unterminated_comment) {
  *unterminated_comment = false;
  while (pos_ < sql_.size()) {
    const char c = sql_[pos_];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++pos_;
    } else if (c == '-' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '-') {
      const size_t eol = sql_.find('\n', pos_);
      pos_ = eol == std::string_view::npos ? sql_.size() : eol + 1;
    } else if (c == '/' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '*') {
      const size_t close = sql_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        *unterminated_comment = true;
        return;
      }
      pos_ = close + 2;
    } else {
      return;
    }
  }
}

Result<Token> Lexer::ReadQuoted(char quote, TokenKind kind) {
  Token token;
  token.kind = kind;
  token.begin = pos_;
  ++pos_;  // opening quote
  // Copy whole runs up to the next quote: string literals can be long (message bodies).
  while (pos_ < sql_.size()) {
    const void* hit = std::memchr(sql_.data() + pos_, quote, sql_.size() - pos_);
    if (hit == nullptr) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - sql_.data());
    if (keep_text_) token.text.append(sql_.data() + pos_, at - pos_);
    pos_ = at + 1;
    // A doubled quote is an escaped quote character, not the end.
    if (pos_ < sql_.size() && sql_[pos_] == quote) {
      if (keep_text_) token.text.push_back(quote);
      ++pos_;
      continue;
    }
    token.end = pos_;
    return token;
  }
  pos_ = sql_.size();
  return Status::InvalidArgument(kind == TokenKind::kString ? "Unterminated string literal"
                                                            : "Unterminated quoted identifier");
}

Result<Token> Lexer::Next() {
  bool unterminated_comment = false;
  SkipSpaceAndComments(&unterminated_comment);
  if (unterminated_comment) return Status::InvalidArgument("Unterminated block comment");

  Token token;
  token.begin = pos_;
  if (pos_ >= sql_.size()) {
    token.kind = TokenKind::kEnd;
    token.end = pos_;
    return token;
  }
  const char c = sql_[pos_];
  if (c == '\'') return ReadQuoted('\'', TokenKind::kString);
  if (c == '"') return ReadQuoted('"', TokenKind::kQuotedIdent);

  if (IsWordStart(c)) {
    token.kind = TokenKind::kWord;
    while (pos_ < sql_.size() && IsWordChar(sql_[pos_])) ++pos_;
  } else if (IsDigit(c)) {
    token.kind = TokenKind::kNumber;
    while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
    if (pos_ + 1 < sql_.size() && sql_[pos_] == '.' && IsDigit(sql_[pos_ + 1])) {
      ++pos_;
      while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
    }
    if (pos_ < sql_.size() && (sql_[pos_] == 'e' || sql_[pos_] == 'E')) {
      size_t p = pos_ + 1;
      if (p < sql_.size() && (sql_[p] == '+' || sql_[p] == '-')) ++p;
      if (p < sql_.size() && IsDigit(sql_[p])) {
        pos_ = p;
        while (pos_ < sql_.size() && IsDigit(sql_[pos_])) ++pos_;
      }
    }
    // Unit suffixes ("300s") stay part of the number; the parser decides what they mean.
    while (pos_ < sql_.size() && IsWordChar(sql_[pos_])) ++pos_;
  } else {
    token.kind = TokenKind::kSymbol;
    ++pos_;
  }
  token.end = pos_;
  // Symbols keep their one character: the splitter matches ; ( and ) by text.
  if (keep_text_ || token.kind == TokenKind::kSymbol) {
    token.text = std::string(sql_.substr(token.begin, token.end - token.begin));
  }
  return token;
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  Lexer lexer(sql);
  std::vector<Token> tokens;
  while (true) {
    KALAM_ASSIGN_OR_RETURN(Token token, lexer.Next());
    const bool end = token.kind == TokenKind::kEnd;
    tokens.push_back(std::move(token));
    if (end) return tokens;
  }
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view text) {
  size_t b = 0;
  size_t e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return text.substr(b, e - b);
}

}  // namespace kalam::dialect
