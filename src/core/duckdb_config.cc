#include "duckdb_config.h"

#include "query_memory.h"
#include "replacement_scan.h"

namespace kalam::core {

void ConfigureDuckDB(duckdb::DBConfig& config, const EngineConfig& engine_config) {
  config.replacement_scans.emplace_back(ReplaceTable);
  config.options.enable_external_access = false;
  config.options.autoload_known_extensions = false;
  config.options.autoinstall_known_extensions = false;
  // No SET, RESET or PRAGMA from anywhere changes DuckDB's settings once it runs (this one
  // included).
  config.options.lock_configuration = true;
  if (engine_config.query_threads > 0) config.options.maximum_threads = engine_config.query_threads;
  // limits.query_memory_limit_mb; operators that outgrow it spill under the data directory.
  config.options.maximum_memory = QueryMemoryLimit(engine_config);
  config.options.temporary_directory = QuerySpillDirectory(engine_config);
  // The one directory DuckDB may touch despite enable_external_access = false: without it a
  // spill fails with "file system operations are disabled". Client SQL still reaches no file
  // (no COPY, ATTACH or file-reading table function gets past the statement checks).
  config.options.allowed_directories.insert(config.options.temporary_directory + "/");
}

}  // namespace kalam::core
