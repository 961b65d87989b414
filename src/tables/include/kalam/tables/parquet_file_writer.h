#pragma once

#include <string>
#include <vector>

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "kalam/commons/status.h"
#include "kalam/tables/parquet_db.h"

namespace kalam::tables {

// Writes `rows` as one Parquet file (zstd) at `absolute_path`, its columns named `names` in
// order, through the cold tier's own DuckDB instance `db` (the query-facing one has no file
// access). For copies handed out of the server, such as a user's data export; cold-tier
// segments have their own writer (cold_flush.h). IoError when DuckDB cannot write the file.
Status WriteParquetFile(ParquetDb& db, const duckdb::ColumnDataCollection& rows, const std::vector<std::string>& names,
                        const std::string& absolute_path);

}  // namespace kalam::tables
