#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"

namespace kalam::dialect {

// Splits a request's SQL text on ';' outside quotes ('..', "..", with '' and "" escapes),
// parentheses and comments (-- to end of line, /* */). Statements are trimmed; empty ones
// (only whitespace, comments or ';') are dropped. An unterminated quote or block comment is
// InvalidArgument. An empty result means the text held no statement.
Result<std::vector<std::string>> SplitStatements(std::string_view sql);

}  // namespace kalam::dialect
