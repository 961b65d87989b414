#pragma once

#include <memory>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/schema_lineage.h"
#include "kalam/commons/table_definition.h"

namespace kalam::tables {

// Reads values stored under one schema version as the columns of another (ALTER TABLE),
// matching columns by id: a column the stored version lacks reads as the literal DEFAULT it
// was added with, else NULL; a stored column the target lacks (dropped) is skipped; a
// renamed column keeps its id; a changed type is converted (widening, see
// docs/sql-reference.md). Immutable once built; cheap to apply per row.
class RowProjector {
 public:
  // Fails with Corruption when `stored_version` is not one of the table's versions.
  static Result<RowProjector> Make(const TableDefinition& target, uint32_t stored_version);

  // The stored version's layout (types of the values Apply takes, in order).
  const RowLayout& stored() const { return *stored_; }
  // `stored_values` (one per stored column) as one value per target column.
  Result<std::vector<duckdb::Value>> Apply(std::vector<duckdb::Value> stored_values) const;

 private:
  struct Source {
    int stored_index = -1;  // -1: the stored version lacks the column
    bool convert = false;
    duckdb::Value fill;  // when stored_index < 0
  };
  std::shared_ptr<const RowLayout> stored_;
  std::vector<Source> sources_;
  std::vector<duckdb::LogicalType> target_types_;
};

}  // namespace kalam::tables
