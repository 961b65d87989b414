#pragma once

#include <chrono>
#include <memory>
#include <shared_mutex>

#include "duckdb.hpp"
#include "kalam/auth/auth_service.h"
#include "kalam/auth/user_repository.h"
#include "kalam/commons/engine_config.h"
#include "kalam/commons/job_submitter.h"
#include "kalam/commons/live_query_directory.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/registry/schema_registry.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/store/storage_backend.h"
#include "kalam/system/audit_log.h"
#include "kalam/system/system_tables.h"
#include "kalam/tables/cold_tier.h"
#include "kalam/tables/stream_buffers.h"
#include "kalam/tables/table_store.h"
#include "statement_watchdog.h"

namespace kalam::core {

// Everything the engine owns, shared by its executors and DuckDB callbacks. Members are
// declared in dependency order so destruction runs DuckDB down before the store closes.
struct EngineContext {
  EngineConfig config;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  SeqGenerator seq;
  std::unique_ptr<store::StorageBackend> backend;
  std::unique_ptr<system::AuditLog> audit;  // system.audit_log
  std::unique_ptr<registry::SchemaRegistry> registry;
  std::unique_ptr<registry::StorageRegistry> storages;
  // Ties tables to storages: held shared from CREATE TABLE's storage check until the table is
  // in the catalog and while DROP TABLE / DROP NAMESPACE remove a table's files, and held
  // exclusively by ALTER / DROP STORAGE from counting a storage's tables to changing it. So no
  // table starts using a storage that is being dropped or re-templated, and a dropped table's
  // files are removed through the storage they were written to.
  std::shared_mutex storage_ddl_mu;
  // Held exclusively by ALTER TABLE and shared by each flush, which writes its segment under
  // the schema version current at its start: a flush never reads rows of a version newer
  // than its own definition, so no value of an added column is dropped on the way to Parquet.
  std::shared_mutex schema_ddl_mu;
  std::unique_ptr<auth::UserRepository> users;
  std::unique_ptr<auth::AuthService> auth;
  std::unique_ptr<tables::TableStore> table_store;
  std::unique_ptr<tables::StreamBuffers> streams;  // STREAM tables; shares table_store's commit point
  std::unique_ptr<system::SystemTables> system_tables;
  std::unique_ptr<duckdb::DuckDB> duckdb;
  std::unique_ptr<StatementWatchdog> watchdog;
  std::unique_ptr<tables::ColdTier> cold;
  // Where flush and cleanup jobs go; null when embedded without a job manager (flushes and
  // DROP TABLE's file removal then run inline).
  JobSubmitter* jobs = nullptr;
  // The live-query module (system.live, KILL LIVE QUERY, catalog events); null when none.
  LiveQueryDirectory* live = nullptr;
  // user_management.deletion_grace_period_days: a soft-deleted user is purged this long
  // after DROP USER.
  int64_t user_deletion_grace_days = 30;
};

}  // namespace kalam::core
