#pragma once

#include <string>
#include <vector>

#include "duckdb/main/connection.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/write_batch.h"

namespace kalam::tables {

// The hot tier's index (primary key, or hidden row id, -> newest `_seq` and whether it is a
// tombstone) covers flushed rows too. Rows that arrive only as Parquet files (RESTORE,
// docs/backup.md) need their entries written: this stages into `batch`, for every identity in
// the scope's segment files `local_paths` (of any schema versions of `def`), the entry naming
// its newest version. Returns how many identities were staged. `def` must carry the table
// number the entries are for.
Result<uint64_t> StageIndexFromSegments(duckdb::Connection& con, const TableDefinition& def, const std::string& scope,
                                        const std::vector<std::string>& local_paths, store::WriteBatch& batch);

}  // namespace kalam::tables
