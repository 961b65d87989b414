// libFuzzer target: SQL text as a client sends it, through the statement splitter, the lexer
// and every KalamDB statement parser (src/dialect). Inputs are any bytes; nothing may crash,
// read out of bounds or hit undefined behaviour, whatever the parsers answer.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kalam/dialect/parser.h"
#include "kalam/dialect/simple_insert.h"
#include "kalam/dialect/statement_splitter.h"
#include "lexer.h"

namespace {

void ParseOne(std::string_view sql) {
  if (kalam::dialect::ClassifyStatement(sql) == kalam::dialect::StatementClass::kKalam) {
    (void)kalam::dialect::ParseKalamStatement(sql);
  } else {
    (void)kalam::dialect::ParseSimpleInsert(sql);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  (void)kalam::dialect::Tokenize(sql);
  auto statements = kalam::dialect::SplitStatements(sql);
  if (!statements.ok()) return 0;
  for (const auto& statement : statements.value()) ParseOne(statement);
  // The parsers also see text the splitter would have cut (a client's single statement).
  if (statements.value().size() != 1) ParseOne(sql);
  return 0;
}
