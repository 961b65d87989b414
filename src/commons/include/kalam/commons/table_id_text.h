#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/ids.h"

namespace kalam {

// Reads the text form of a table id, "<namespace>.<table>" (TableId::ToString). Identifiers
// never hold a '.', so the text has exactly one, with a name on each side; anything else is
// nullopt. The one reader of that form: job parameters, table-function arguments and
// manifests all come through here.
inline std::optional<TableId> ParseTableId(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size() ||
      text.find('.', dot + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return TableId{NamespaceId(std::string(text.substr(0, dot))), TableName(std::string(text.substr(dot + 1)))};
}

}  // namespace kalam
