#include "kalam/tables/parquet_db.h"

namespace kalam::tables {

ParquetDb::ParquetDb() {
  duckdb::DBConfig config;
  config.options.maximum_threads = 1;
  config.options.autoload_known_extensions = false;
  config.options.autoinstall_known_extensions = false;
  db_ = std::make_unique<duckdb::DuckDB>(nullptr, &config);
}

}  // namespace kalam::tables
