#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/mutex.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/cold_segment.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/scan_projection.h"

namespace kalam::tables {

// One Parquet segment decoded into memory: every column of the table's current definition
// (older schema versions projected as ColdQuery does), then `_seq`, `_deleted` and `_row_id`,
// in `_seq` order, as flat vectors. Immutable once built, so any number of reads share it.
struct DecodedSegment {
  std::vector<std::unique_ptr<duckdb::DataChunk>> chunks;
  uint64_t bytes = 0;  // what the cache charges for it

  // Where `column` is in each chunk.
  static size_t Position(const TableDefinition& def, const ScanColumn& column);
};

// Decoded segments kept for the next reads (storage.cold_read_cache_bytes), least recently
// used dropped first. A chat client reads the newest messages of a conversation again and
// again, and each Parquet read costs a DuckDB query (plan, open, decode); a hit costs a
// slice of vectors already in memory. Segment files never change once committed, and the key
// names the file, its `_seq` range and the definition's schema version, so an entry never
// goes stale: a rewritten scope gets new files, and dropped files are simply never asked for
// again. Thread-safe.
class SegmentCache {
 public:
  explicit SegmentCache(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  bool enabled() const { return max_bytes_ > 0; }
  // `segment` decoded for `def`: from the cache, or read through `parquet` and kept unless it
  // alone would take more than a quarter of the cache (one huge segment must not push out
  // everything else; it is still returned for this read).
  Result<std::shared_ptr<const DecodedSegment>> Get(ParquetDb& parquet, const TableDefinition& def,
                                                    const ColdSegment& segment);
  uint64_t bytes() const;

 private:
  static std::string KeyOf(const TableDefinition& def, const ColdSegment& segment);
  std::shared_ptr<const DecodedSegment> Find(const std::string& key);
  void Insert(const std::string& key, std::shared_ptr<const DecodedSegment> segment);

  struct Entry {
    std::shared_ptr<const DecodedSegment> segment;
    std::list<std::string>::iterator lru;  // position in lru_
  };
  const uint64_t max_bytes_;
  mutable Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);
  std::list<std::string> lru_ GUARDED_BY(mu_);  // most recently used first
  uint64_t bytes_ GUARDED_BY(mu_) = 0;
};

}  // namespace kalam::tables
