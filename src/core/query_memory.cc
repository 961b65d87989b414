#include "query_memory.h"

#include <malloc.h>

#include <algorithm>
#include <filesystem>

#include "duckdb/common/allocator.hpp"
#include "duckdb/common/file_system.hpp"

namespace kalam::core {

uint64_t QueryMemoryLimit(const EngineConfig& config) {
  if (config.query_memory_limit_bytes > 0) return config.query_memory_limit_bytes;
  constexpr uint64_t kFloor = 256ull << 20;
  const duckdb::optional_idx available = duckdb::FileSystem::GetAvailableMemory();
  if (!available.IsValid()) return 1ull << 30;
  return std::max<uint64_t>(available.GetIndex() / 4, kFloor);
}

std::string QuerySpillDirectory(const EngineConfig& config) {
  return std::filesystem::absolute(std::filesystem::path(config.data_path) / "duckdb_tmp").lexically_normal().string();
}

void ReleaseFreeMemory() {
  if (duckdb::Allocator::SupportsFlush()) duckdb::Allocator::FlushAll();
  malloc_trim(0);
}

}  // namespace kalam::core
