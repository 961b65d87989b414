#include "cold_tier.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "duckdb/main/appender.hpp"
#include "engine_context.h"
#include "kalam/commons/clock.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/path_template.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::core {
namespace {

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

std::string CacheKey(const TableDefinition& def, const std::string& scope) {
  return std::to_string(def.number) + '\0' + scope;
}

// A primary-key statistic in the value encoding of PROTOCOL.md §4.
std::string StatJson(const duckdb::Value& v) {
  if (v.IsNull()) return "null";
  switch (v.type().id()) {
    case duckdb::LogicalTypeId::SMALLINT:
    case duckdb::LogicalTypeId::INTEGER: return std::to_string(v.GetValue<int64_t>());
    case duckdb::LogicalTypeId::DATE: return std::to_string(v.GetValueUnsafe<int32_t>());
    case duckdb::LogicalTypeId::TIMESTAMP:
    case duckdb::LogicalTypeId::TIMESTAMP_TZ: return std::to_string(v.GetValueUnsafe<int64_t>());
    default: {
      std::string out = "\"";
      for (char c : v.ToString()) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
      }
      return out + "\"";
    }
  }
}

Status FromDuckDB(duckdb::QueryResult& result) {
  return Status::IoError(result.GetError());
}

}  // namespace

ColdTier::ColdTier(EngineContext& engine) : engine_(engine) {
  // The built-in storage's directory exists from the start (PROTOCOL.md §8 data dir layout);
  // when it cannot be created now, the first flush reports why.
  (void)StorageFor(StorageId(std::string(registry::kLocalStorageId)));
  duckdb::DBConfig config;
  config.options.maximum_threads = 1;
  config.options.autoload_known_extensions = false;
  config.options.autoinstall_known_extensions = false;
  file_db_ = std::make_unique<duckdb::DuckDB>(nullptr, &config);
}

ColdTier::~ColdTier() = default;

std::unique_ptr<duckdb::Connection> ColdTier::Connect() { return std::make_unique<duckdb::Connection>(*file_db_); }

Result<std::shared_ptr<const ColdTier::OpenStorage>> ColdTier::StorageFor(const StorageId& id) {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = storages_.find(id); it != storages_.end()) return it->second;
    generation = storage_generation_;
  }
  std::optional<StorageDefinition> def = engine_.storages->Find(id);
  if (!def) return Status::NotFound("Storage '" + id.str() + "' does not exist");
  if (def->type != StorageType::kFilesystem) {
    return Status::Unsupported("Not supported yet: " + std::string(StorageTypeName(def->type)) + " storages");
  }
  // Opened outside the lock: it touches the filesystem. A failure is not cached, so a
  // directory that becomes usable later is picked up by the next call.
  KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::LocalFileBackend> files,
                         filestore::LocalFileBackend::Open(def->base_directory));
  auto opened = std::make_shared<OpenStorage>();
  opened->def = std::move(*def);
  opened->files = std::move(files);
  std::lock_guard lock(mu_);
  // An invalidation since the definition was read may have replaced it: use what was read
  // for this call only, and let the next call read the definition again.
  if (generation != storage_generation_) return std::shared_ptr<const OpenStorage>(std::move(opened));
  // Another caller may have opened it meanwhile; keep one backend per storage.
  return storages_.emplace(id, std::move(opened)).first->second;
}

void ColdTier::InvalidateStorage(const StorageId& id) {
  std::lock_guard lock(mu_);
  storages_.erase(id);
  ++storage_generation_;
}

Result<std::string> ColdTier::ScopeDirectory(const OpenStorage& storage, const TableDefinition& def,
                                             const std::string& scope) {
  if (def.type == TableType::kShared) {
    return filestore::ResolveTemplate(storage.def.shared_tables_template, def.id.namespace_id, def.id.table_name,
                                      nullptr);
  }
  const UserId user(scope);
  return filestore::ResolveTemplate(storage.def.user_tables_template, def.id.namespace_id, def.id.table_name, &user);
}

std::mutex& ColdTier::ScopeMutex(const TableDefinition& def, const std::string& scope) {
  std::lock_guard lock(mu_);
  auto& slot = flush_locks_[CacheKey(def, scope)];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

Result<std::shared_ptr<const std::vector<ColdSegment>>> ColdTier::Segments(const TableDefinition& def,
                                                                           const std::string& scope) {
  const std::string key = CacheKey(def, scope);
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, scope));
  auto segments = std::make_shared<std::vector<ColdSegment>>();
  auto manifest = filestore::LoadManifest(files, dir);
  if (manifest.ok()) {
    for (const auto& segment : manifest->segments) {
      if (segment.status != filestore::SegmentStatus::kCommitted) continue;
      segments->push_back(ColdSegment{files.AbsolutePath(filestore::JoinPath(dir, segment.path)), segment.min_seq,
                                      segment.max_seq, segment.row_count});
    }
  } else if (manifest.status().code() != StatusCode::kNotFound) {
    return manifest.status();
  }
  std::shared_ptr<const std::vector<ColdSegment>> shared = std::move(segments);
  std::lock_guard lock(mu_);
  cache_[key] = shared;
  return shared;
}

Result<std::vector<std::string>> ColdTier::ScopesWithHotRows(const TableDefinition& def) const {
  std::vector<std::string> scopes;
  const std::string table_prefix = tables::TablePrefix(def.number);
  auto it = engine_.backend->ScanPrefix(store::Partition::kRows, table_prefix);
  it->SeekToFirst();
  while (it->Valid()) {
    // key = table(4) | scope | 0x00 | seq(8): jump over the whole scope at once.
    const std::string_view key = it->key();
    const std::string scope(key.substr(4, key.size() - 4 - 1 - 8));
    scopes.push_back(scope);
    it->Seek(store::PrefixSuccessor(tables::ScopePrefix(def.number, scope)));
  }
  KALAM_RETURN_IF_ERROR(it->status());
  return scopes;
}

Result<bool> ColdTier::DueForFlush(const TableDefinition& def, int64_t now_us) const {
  if (def.type == TableType::kStream) return false;
  const auto row_limit = def.options.flush_row_limit;
  const auto interval = def.options.flush_interval_seconds;
  if (!row_limit && !interval) return false;
  uint64_t pending = 0;
  SeqId oldest = INT64_MAX;
  auto it = engine_.backend->ScanPrefix(store::Partition::kRows, tables::TablePrefix(def.number));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++pending;
    oldest = std::min(oldest, tables::SeqFromRowKey(it->key()));
    if (row_limit && pending >= *row_limit) return true;
  }
  KALAM_RETURN_IF_ERROR(it->status());
  if (pending == 0 || !interval) return false;
  const int64_t oldest_ms = SeqGenerator::MillisOf(oldest);
  return now_us / 1000 - oldest_ms >= static_cast<int64_t>(*interval) * 1000;
}

Result<FlushOutcome> ColdTier::FlushTable(const std::shared_ptr<const TableDefinition>& def) {
  KALAM_ASSIGN_OR_RETURN(auto scopes, ScopesWithHotRows(*def));
  FlushOutcome total;
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(FlushOutcome one, FlushScope(def, scope));
    total.rows += one.rows;
    total.files += one.files;
  }
  return total;
}

Result<FlushOutcome> ColdTier::FlushScope(const std::shared_ptr<const TableDefinition>& def_ptr,
                                          const std::string& scope) {
  const TableDefinition& def = *def_ptr;
  std::lock_guard flush_lock(ScopeMutex(def, scope));
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, scope));
  filestore::Manifest manifest;
  auto loaded = filestore::LoadManifest(files, dir);
  if (loaded.ok()) {
    manifest = std::move(loaded).value();
  } else if (loaded.status().code() == StatusCode::kNotFound) {
    manifest.table_id = def.id.ToString();
    if (def.type != TableType::kShared) manifest.user_id = scope;
    manifest.created_at_ms = NowMicros() / 1000;
  } else {
    return loaded.status();
  }
  KALAM_RETURN_IF_ERROR(files.CreateDirectories(dir));
  // Leftovers of a crashed flush: temp files and files the manifest never committed.
  KALAM_RETURN_IF_ERROR(filestore::CleanupUncommitted(files, dir, manifest));
  SeqId committed_upto = 0;
  for (const auto& segment : manifest.segments) committed_upto = std::max(committed_upto, segment.flushed_upto_seq);

  // Snapshot the versions to move; later writes get higher `_seq` and stay hot.
  auto snapshot = engine_.backend->GetSnapshot();
  const SeqId upto = engine_.seq.Last();
  const bool has_pk = def.PrimaryKeyIndex().has_value();
  tables::ScanProjection projection;
  duckdb::vector<duckdb::LogicalType> types;
  std::string create = "CREATE TEMP TABLE flush_rows (";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    projection.push_back({tables::ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(i)});
    types.push_back(tables::ToLogicalType(def.columns[i].type));
    create += QuoteIdent(def.columns[i].name) + " " + types.back().ToString() + ", ";
  }
  projection.push_back({tables::ScanColumn::Kind::kSeq, 0});
  projection.push_back({tables::ScanColumn::Kind::kDeleted, 0});
  projection.push_back({tables::ScanColumn::Kind::kRowId, 0});
  types.push_back(duckdb::LogicalType::BIGINT);
  types.push_back(duckdb::LogicalType::BOOLEAN);
  types.push_back(duckdb::LogicalType::BIGINT);
  create += "_seq BIGINT, _deleted BOOLEAN, _row_id BIGINT)";

  tables::HotScanOptions options;
  options.include_tombstones = true;
  options.max_seq_inclusive = upto;
  tables::HotScanner scanner(*engine_.backend, def_ptr, scope, snapshot, projection, options);

  auto con = Connect();
  auto created = con->Query(create);
  if (created->HasError()) return FromDuckDB(*created);
  std::vector<SeqId> moved;  // every hot version read: written now or already in Parquet
  uint64_t rows = 0;
  SeqId min_seq = INT64_MAX, max_seq = 0;
  {
    duckdb::Appender appender(*con, "flush_rows");
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
    while (true) {
      chunk.Reset();
      if (scanner.Fill(chunk) == 0) break;
      const auto* seqs = duckdb::FlatVector::GetData<int64_t>(chunk.data[def.columns.size()]);
      duckdb::SelectionVector keep(chunk.size());
      duckdb::idx_t kept = 0;
      for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
        moved.push_back(seqs[r]);
        // Already covered by a committed segment (a crash hit between commit and cleanup).
        if (seqs[r] <= committed_upto) continue;
        keep.set_index(kept++, r);
        min_seq = std::min(min_seq, seqs[r]);
        max_seq = std::max(max_seq, seqs[r]);
      }
      if (kept == 0) continue;
      if (kept < chunk.size()) chunk.Slice(keep, kept);
      appender.AppendDataChunk(chunk);
      rows += kept;
    }
    KALAM_RETURN_IF_ERROR(scanner.status());
    appender.Close();
  }
  if (rows == 0) {
    if (!moved.empty()) KALAM_RETURN_IF_ERROR(engine_.table_store->DeleteFlushedVersions(def, scope, moved));
    return FlushOutcome{};
  }

  const int64_t batch = filestore::NextBatchNumber(manifest);
  const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(batch));
  const std::string final_name = filestore::SegmentFileName(batch);
  std::string select = "SELECT ";
  for (const auto& c : def.columns) select += QuoteIdent(c.name) + ", ";
  select += has_pk ? "_seq, _deleted" : "_seq, _deleted, _row_id";
  auto copied = con->Query("COPY (" + select + " FROM flush_rows ORDER BY _seq) TO " +
                           QuoteLiteral(files.AbsolutePath(tmp_rel)) + " (FORMAT parquet, COMPRESSION zstd)");
  if (copied->HasError()) return FromDuckDB(*copied);
  KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
  KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, filestore::JoinPath(dir, final_name)));

  filestore::Segment segment;
  segment.id = filestore::SegmentId(batch);
  segment.path = final_name;
  segment.min_seq = min_seq;
  segment.max_seq = max_seq;
  // Not `upto`: a write holding a `_seq` below it may commit after the snapshot and stay hot.
  // Only versions this flush actually read are covered (commits happen in `_seq` order, so
  // every committed version below the largest one read was visible to the snapshot).
  segment.flushed_upto_seq = *std::max_element(moved.begin(), moved.end());
  segment.row_count = static_cast<int64_t>(rows);
  KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(filestore::JoinPath(dir, final_name)));
  segment.size_bytes = static_cast<int64_t>(size);
  segment.created_at_ms = NowMicros() / 1000;
  segment.schema_version = def.schema_version;
  segment.status = filestore::SegmentStatus::kCommitted;
  segment.column_stats[filestore::ColumnStatsKey(0)] = filestore::ColumnStats{std::to_string(min_seq), std::to_string(max_seq), 0};
  if (auto pk = def.PrimaryKeyIndex()) {
    auto stats = con->Query("SELECT min(" + QuoteIdent(def.columns[*pk].name) + "), max(" +
                            QuoteIdent(def.columns[*pk].name) + ") FROM flush_rows");
    if (!stats->HasError()) {
      auto chunk = stats->Fetch();
      if (chunk && chunk->size() == 1) {
        segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] =
            filestore::ColumnStats{StatJson(chunk->GetValue(0, 0)), StatJson(chunk->GetValue(1, 0)), 0};
      }
    }
  }
  manifest.segments.push_back(std::move(segment));
  manifest.last_sequence_number = batch;
  // The commit point: once the manifest names the file, the rows live in the cold tier.
  KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
  {
    std::lock_guard lock(mu_);
    cache_.erase(CacheKey(def, scope));
  }
  KALAM_RETURN_IF_ERROR(engine_.table_store->DeleteFlushedVersions(def, scope, moved));
  return FlushOutcome{rows, 1};
}

Result<ColdTier::Stats> ColdTier::TableStats(const TableDefinition& def, const std::string* scope) {
  Stats stats;
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  filestore::FileBackend& files = *storage->files;
  auto add = [&](const std::string& one) -> Status {
    KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, one));
    auto manifest = filestore::LoadManifest(files, dir);
    if (!manifest.ok()) return manifest.status().code() == StatusCode::kNotFound ? Status::Ok() : manifest.status();
    for (const auto& s : manifest->segments) {
      if (s.status != filestore::SegmentStatus::kCommitted) continue;
      stats.rows += static_cast<uint64_t>(s.row_count);
      stats.bytes += static_cast<uint64_t>(s.size_bytes);
      ++stats.segments;
    }
    return Status::Ok();
  };
  if (scope != nullptr || def.type == TableType::kShared) {
    KALAM_RETURN_IF_ERROR(add(scope ? *scope : std::string()));
    return stats;
  }
  // Every user directory under the table's root.
  KALAM_ASSIGN_OR_RETURN(std::string root, filestore::ResolveUserTableRoot(storage->def.user_tables_template,
                                                                           def.id.namespace_id, def.id.table_name));
  auto users = files.ListDirectories(root);
  if (!users.ok()) return stats;
  for (const std::string& user : *users) KALAM_RETURN_IF_ERROR(add(user));
  return stats;
}

Status ColdTier::DropTableFiles(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  std::string table_dir;
  if (def.type == TableType::kShared) {
    KALAM_ASSIGN_OR_RETURN(table_dir, ScopeDirectory(*storage, def, std::string()));
  } else {
    KALAM_ASSIGN_OR_RETURN(table_dir, filestore::ResolveUserTableRoot(storage->def.user_tables_template,
                                                                      def.id.namespace_id, def.id.table_name));
  }
  {
    std::lock_guard lock(mu_);
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->first.rfind(std::to_string(def.number) + '\0', 0) == 0 ? cache_.erase(it) : std::next(it);
    }
  }
  return storage->files->DeleteRecursive(table_dir);
}

std::string ColdTier::ColdQuery(const TableDefinition& def, const tables::ScanProjection& projection,
                                const std::vector<ColdSegment>& segments) {
  const auto pk = def.PrimaryKeyIndex();
  const std::string identity = pk ? QuoteIdent(def.columns[*pk].name) : std::string("_row_id");
  std::string sql = "SELECT ";
  for (const tables::ScanColumn& c : projection) {
    switch (c.kind) {
      case tables::ScanColumn::Kind::kUserColumn: {
        const ColumnDefinition& col = def.columns[c.column_index];
        sql += "CAST(" + QuoteIdent(col.name) + " AS " + tables::ToLogicalType(col.type).ToString() + ")";
        break;
      }
      case tables::ScanColumn::Kind::kSeq: sql += "_seq"; break;
      case tables::ScanColumn::Kind::kDeleted: sql += "_deleted"; break;
      case tables::ScanColumn::Kind::kRowId: sql += pk ? "CAST(0 AS BIGINT)" : "_row_id"; break;
    }
    sql += ", ";
  }
  sql += "CAST(" + identity + " AS VARCHAR), _deleted FROM read_parquet([";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteLiteral(segments[i].absolute_path);
  }
  sql += "])";
  // Several segments may hold versions of one row: keep the newest.
  if (segments.size() > 1) sql += " QUALIFY row_number() OVER (PARTITION BY " + identity + " ORDER BY _seq DESC) = 1";
  return sql;
}

}  // namespace kalam::core
