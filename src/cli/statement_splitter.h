#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kalam::cli {

// Where the input of the prompt and of -f ends a statement: at each ';' outside quotes
// ('…' with '' escapes, "…"), parentheses and comments (--, /* */). The server splits a
// request's text the same way; the client needs it to know when a multi-line statement is
// complete and to run a file one statement at a time.
//
// Appends the complete statements of `text` (trimmed, without their ';', empty ones skipped)
// to `statements` and returns the unterminated rest (trimmed; "" when only blanks or
// comments are left).
std::string SplitStatements(std::string_view text, std::vector<std::string>* statements);

// `text` without leading and trailing whitespace.
std::string_view Trim(std::string_view text);

}  // namespace kalam::cli
