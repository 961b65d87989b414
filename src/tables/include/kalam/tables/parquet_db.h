#pragma once

#include <memory>

#include "duckdb.hpp"

namespace kalam::tables {

// The cold tier's own DuckDB instance, the one that may touch files: Parquet segments are
// written and read through it, so the query-facing instance never needs file access. One
// thread per query (cold reads run inside a query that already has its own threads).
class ParquetDb {
 public:
  ParquetDb();
  std::unique_ptr<duckdb::Connection> Connect() { return std::make_unique<duckdb::Connection>(*db_); }

 private:
  std::unique_ptr<duckdb::DuckDB> db_;
};

}  // namespace kalam::tables
