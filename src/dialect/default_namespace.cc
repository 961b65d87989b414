#include "kalam/dialect/default_namespace.h"

#include <vector>

#include "kalam/commons/names.h"
#include "lexer.h"

namespace kalam::dialect {

std::optional<std::string> QuoteDefaultNamespace(std::string_view sql) {
  auto tokens = Tokenize(sql);
  if (!tokens.ok()) return std::nullopt;
  std::string out;
  size_t copied = 0;
  const std::vector<Token>& t = *tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!t[i].IsKeyword("DEFAULT") || !t[i + 1].IsSymbol('.')) continue;
    out.append(sql.substr(copied, t[i].begin - copied));
    out += "\"" + std::string(kDefaultNamespace) + "\"";
    copied = t[i].end;
  }
  if (copied == 0) return std::nullopt;
  out.append(sql.substr(copied));
  return out;
}

}  // namespace kalam::dialect
