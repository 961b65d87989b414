#pragma once

#include <cstdint>
#include <string>

#include "kalam/commons/engine_config.h"

namespace kalam::core {

// The memory that statements use: its bound in DuckDB and giving it back to the system.

// DuckDB's memory limit (limits.query_memory_limit_mb): the configured figure, or a quarter of
// the memory available to the process (physical memory, or the cgroup limit when lower).
// DuckDB's own default, 80 %, assumes it owns the machine; here it shares it with RocksDB's
// caches and memtables, answers being encoded and WebSocket queues.
uint64_t QueryMemoryLimit(const EngineConfig& config);

// Where DuckDB spills operators that outgrow the limit (sorts, joins, aggregates): a folder of
// the data directory (absolute), so spilling uses the disk the operator gave the server.
std::string QuerySpillDirectory(const EngineConfig& config);

// Hands memory that freed allocations left cached back to the system: DuckDB's allocator
// (jemalloc) purges its arenas, glibc trims its own. Costs milliseconds: call it after a
// statement that used much memory, not after every one.
void ReleaseFreeMemory();

}  // namespace kalam::core
