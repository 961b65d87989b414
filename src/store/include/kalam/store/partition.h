#pragma once

#include <cstdint>
#include <string_view>

namespace kalam::store {

// The named key ranges of the one RocksDB instance (one column family each). Partitions are
// few and fixed: per-table and per-user separation comes from key prefixes, never from
// column families, so the number of users does not affect RocksDB's structure.
enum class Partition : uint8_t {
  kMeta = 0,   // catalog: namespaces, tables, schema versions, users, counters
  kRows = 1,   // hot-tier row versions of USER and SHARED tables
  kIndex = 2,  // primary-key index: (table, scope, pk) -> newest version
};

inline constexpr int kPartitionCount = 3;
std::string_view PartitionName(Partition p);

}  // namespace kalam::store
