#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/namespace_definition.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"

namespace kalam::registry {

// Binary encodings of catalog records (format documented in docs/key-encoding.md).
struct TableDefinitionCodec {
  static std::string Encode(const TableDefinition& def);
  static Result<TableDefinition> Decode(std::string_view bytes);
};

struct NamespaceDefinitionCodec {
  static std::string Encode(const NamespaceDefinition& def);
  static Result<NamespaceDefinition> Decode(std::string_view bytes);
};

}  // namespace kalam::registry
