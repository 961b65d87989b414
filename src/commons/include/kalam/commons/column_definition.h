#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kalam/commons/data_type.h"
#include "kalam/commons/default_value.h"

namespace kalam {

// One user column of a table schema. Column ids are stable across renames; ordinal is the
// position in SELECT *.
struct ColumnDefinition {
  uint32_t column_id = 0;
  std::string name;
  DataType type;
  bool nullable = true;
  bool primary_key = false;
  std::optional<DefaultValue> default_value;
  std::string comment;
};

}  // namespace kalam
