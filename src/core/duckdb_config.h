#pragma once

#include "duckdb.hpp"
#include "kalam/commons/engine_config.h"

namespace kalam::core {

// DuckDB configuration applied before the database is created: the replacement scan that
// maps `ns.t` and `system.x` to our table functions, no file-system access for queries but
// the spill directory, no extension loading, the locked configuration, and the thread and
// memory limits of `engine_config`.
void ConfigureDuckDB(duckdb::DBConfig& config, const EngineConfig& engine_config);

}  // namespace kalam::core
