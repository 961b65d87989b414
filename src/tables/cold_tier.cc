#include "kalam/tables/cold_tier.h"

namespace kalam::tables {

ColdTier::ColdTier(store::StorageBackend& backend, TableStore& table_store, SeqGenerator& seq,
                   const registry::StorageRegistry& storages, ServerConfig::ObjectStore object_store,
                   uint64_t read_cache_bytes)
    : table_store_(table_store),
      storages_(storages, std::move(object_store)),
      catalog_(storages_, parquet_),
      flush_(backend, table_store, seq, storages_, catalog_, parquet_),
      retention_(backend, table_store, storages_, catalog_, parquet_),
      compaction_(storages_, catalog_, parquet_, retention_),
      trash_(storages_, catalog_),
      segment_cache_(read_cache_bytes) {
  // The built-in storage's directory exists from the start (docs/cold-tier.md data dir layout);
  // when it cannot be created now, the first flush reports why.
  (void)storages_.For(StorageId(std::string(registry::kLocalStorageId)));
}

}  // namespace kalam::tables
