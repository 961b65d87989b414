#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kalam/commons/column_definition.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/schema_lineage.h"
#include "kalam/commons/table_options.h"
#include "kalam/commons/table_type.h"

namespace kalam {

// The persisted definition of a table at one schema version. System columns (`_seq`,
// `_deleted`) are not listed in `columns`; every table has them implicitly.
struct TableDefinition {
  TableId id;
  TableNumber number = 0;
  TableType type = TableType::kShared;
  uint32_t schema_version = 1;
  std::vector<ColumnDefinition> columns;
  TableOptions options;
  std::string comment;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  uint32_t next_column_id = 1;
  // The layouts of every version of this table (ALTER TABLE); set by the registry, not
  // persisted. Null for a definition that never came from the registry.
  std::shared_ptr<SchemaLineage> lineage;

  // Index into `columns` of the primary key, if any.
  std::optional<size_t> PrimaryKeyIndex() const;
  // Index into `columns` of the column named `name` (already lowercase), if any.
  std::optional<size_t> FindColumn(std::string_view name) const;
};

}  // namespace kalam
