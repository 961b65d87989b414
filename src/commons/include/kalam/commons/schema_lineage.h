#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "kalam/commons/data_type.h"
#include "kalam/commons/default_value.h"
#include "kalam/commons/mutex.h"

namespace kalam {

struct TableDefinition;

// How rows of one schema version are laid out: the user columns' ids and stored types, in
// stored order. Rows and Parquet segments name the version they were written under, so this
// is all a reader needs to project them onto another version by column id.
struct RowLayout {
  struct Column {
    uint32_t column_id = 0;
    std::string name;  // the column's name at that version (Parquet columns are named)
    DataType type;
  };
  uint32_t schema_version = 0;
  std::vector<Column> columns;

  // Index into `columns` of `column_id`, if that version had it.
  std::optional<size_t> Find(uint32_t column_id) const;
};

// Every schema version's layout of one table, shared by all its definitions (ALTER TABLE
// appends before it publishes the new definition). Shared rather than copied per version
// because a reader holding an older definition may meet rows written under a newer one.
// Kept in memory only: the registry rebuilds it from the stored schema history. Thread-safe.
class SchemaLineage {
 public:
  // Adds `def`'s version (no-op when already known); also records, for each column seen
  // first in this version, the DEFAULT it was added with.
  void Add(const TableDefinition& def);

  // The layout of `version`; null when unknown.
  std::shared_ptr<const RowLayout> Find(uint32_t version) const;

  // What a row written under `row_version`, which lacks column `column_id`, reads there: the
  // literal DEFAULT the column was added with when it was added after `row_version`, else
  // NULL (dropped before that version, or added with no or a non-literal default).
  std::optional<DefaultValue> FillFor(uint32_t column_id, uint32_t row_version) const;

 private:
  struct Added {
    uint32_t version = 0;
    std::optional<DefaultValue> default_value;
  };
  mutable Mutex mu_;
  std::map<uint32_t, std::shared_ptr<const RowLayout>> layouts_ GUARDED_BY(mu_);
  std::map<uint32_t, Added> added_ GUARDED_BY(mu_);  // by column id
};

}  // namespace kalam
