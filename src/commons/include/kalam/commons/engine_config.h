#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kalam/commons/setting.h"

#include "kalam/commons/server_config.h"

namespace kalam {

// Settings the engine needs; the server fills it from server.toml, env and flags.
struct EngineConfig {
  std::string data_path = "./data";
  // Base directory of the built-in `local` storage; empty = <data_path>/storage.
  std::string storage_base;
  std::string shared_tables_template = "{namespace}/{tableName}";
  std::string user_tables_template = "{namespace}/{tableName}/{userId}";
  // s3 storages: client tuning and the local segment cache (cache_dir empty =
  // <data_path>/object-cache).
  ServerConfig::ObjectStore object_store;
  uint32_t default_flush_row_limit = 10000;
  uint32_t default_flush_interval_seconds = 300;
  uint32_t default_deleted_retention_hours = 168;
  // The maintenance scheduler queues a `compact` job for a table once one of its scopes has
  // more committed segments than this (compaction.max_segments_per_scope); 0 = never.
  uint32_t compaction_max_segments_per_scope = 16;
  // Bytes per second a BACKUP job writes at most (backup.max_bytes_per_sec); 0 = unlimited.
  uint64_t backup_max_bytes_per_sec = 0;
  // Memory for decoded Parquet segments kept for the next ordered reads
  // (storage.cold_read_cache_bytes); 0 = none.
  uint64_t cold_read_cache_bytes = 64ull << 20;
  uint32_t stream_default_ttl_seconds = 10;
  uint32_t stream_default_max_buffer = 10000;
  // Memory all STREAM buffers together may hold (stream.max_total_bytes); a write past it fails.
  uint64_t stream_max_total_bytes = 256ull << 20;
  uint64_t max_result_rows = 100000;
  // Bytes the row results of one request may encode to (limits.max_answer_bytes): a larger
  // answer fails while its rows are collected, before it is built.
  uint64_t max_answer_bytes = 64ull << 20;
  // Rows one INSERT, UPDATE or DELETE may write (limits.max_write_rows); more fail the
  // statement before anything is written.
  uint64_t max_write_rows = 500000;
  // Bytes of rows one user data export may read (limits.max_export_bytes): EXPORT USER DATA
  // and POST /v1/api/export fail past it, before anything is handed out.
  uint64_t max_export_bytes = 256ull << 20;
  // DuckDB's memory limit in bytes (limits.query_memory_limit_mb); 0 = a quarter of the
  // memory available to the process.
  uint64_t query_memory_limit_bytes = 0;
  // The write-ahead log is fsynced before a write is acknowledged (storage.durability =
  // "fsync") instead of left in the OS's buffers ("async").
  bool sync_writes = false;
  // A statement running longer is interrupted (limits.statement_timeout_secs).
  uint32_t statement_timeout_ms = 30000;
  // DuckDB worker threads for SELECT (0 = number of CPUs).
  uint32_t query_threads = 0;
  // system.audit_log keeps entries this many days (retention.audit_log_days); 0 = forever.
  int64_t audit_log_retention_days = 90;
  // The rows of system.settings: the server's effective configuration, secrets masked.
  std::vector<Setting> settings;
};

}  // namespace kalam
