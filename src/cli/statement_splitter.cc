#include "statement_splitter.h"

namespace kalam::cli {
namespace {

// True when `text` holds something besides whitespace and comments.
bool HasContent(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (text.substr(i, 2) == "--") {
      i = text.find('\n', i);
      if (i == std::string_view::npos) return false;
    } else if (text.substr(i, 2) == "/*") {
      i = text.find("*/", i + 2);
      if (i == std::string_view::npos) return false;
      i += 2;
    } else {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string SplitStatements(std::string_view text, std::vector<std::string>* statements) {
  enum class State { kCode, kSingle, kDouble, kLineComment, kBlockComment };
  State state = State::kCode;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state) {
      case State::kCode:
        if (c == '\'') state = State::kSingle;
        else if (c == '"') state = State::kDouble;
        else if (c == '-' && next == '-') state = State::kLineComment, ++i;
        else if (c == '/' && next == '*') state = State::kBlockComment, ++i;
        else if (c == '(') ++depth;
        else if (c == ')' && depth > 0) --depth;
        else if (c == ';' && depth == 0) {
          const std::string_view statement = text.substr(start, i - start);
          if (HasContent(statement)) statements->emplace_back(Trim(statement));
          start = i + 1;
        }
        break;
      case State::kSingle:
        // '' inside a string is an escaped quote: leaving and re-entering reads the same.
        if (c == '\'') state = State::kCode;
        break;
      case State::kDouble:
        if (c == '"') state = State::kCode;
        break;
      case State::kLineComment:
        if (c == '\n') state = State::kCode;
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') state = State::kCode, ++i;
        break;
    }
  }
  const std::string_view rest = text.substr(start);
  // An open quote or comment is unfinished input, not blank.
  if (state == State::kSingle || state == State::kDouble || state == State::kBlockComment || depth > 0) {
    return std::string(Trim(rest));
  }
  return HasContent(rest) ? std::string(Trim(rest)) : std::string();
}

}  // namespace kalam::cli
