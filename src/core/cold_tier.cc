#include "cold_tier.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <unordered_set>

#include <simdjson.h>

#include "duckdb/main/appender.hpp"
#include "engine_context.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/path_template.h"
#include "kalam/filestore/table_files.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

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
        if (static_cast<unsigned char>(c) >= 0x20) {
          out.push_back(c);
        } else {
          // Escaped rather than dropped, so that the statistic is the exact value.
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        }
      }
      return out + "\"";
    }
  }
}

Status FromDuckDB(duckdb::QueryResult& result) {
  return Status::IoError(result.GetError());
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out.push_back(kHex[(c >> 4) & 0xf]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

// A primary-key statistic of the manifest (StatJson's encoding) as a value of the key
// column's type; nullopt when absent or unusable. TEXT keys are not used for pruning:
// manifests written before StatJson escaped control characters hold such keys altered, and
// a wrong bound would hide rows. DuckDB's own row-group statistics still prune them.
std::optional<duckdb::Value> ParsePrimaryKeyStat(const ColumnDefinition& column, const std::string& json) {
  if (json == "null") return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element e;
  if (parser.parse(padded).get(e) != simdjson::SUCCESS) return std::nullopt;
  int64_t number = 0;
  std::string_view text;
  const bool is_number = e.get_int64().get(number) == simdjson::SUCCESS;
  const bool is_text = !is_number && e.get_string().get(text) == simdjson::SUCCESS;
  try {
    switch (column.type.kind) {
      case TypeKind::kSmallInt:
        if (!is_number) return std::nullopt;
        return duckdb::Value::SMALLINT(static_cast<int16_t>(number));
      case TypeKind::kInt:
        if (!is_number) return std::nullopt;
        return duckdb::Value::INTEGER(static_cast<int32_t>(number));
      case TypeKind::kBigInt:
        if (is_number) return duckdb::Value::BIGINT(number);
        if (!is_text) return std::nullopt;
        return duckdb::Value(std::string(text)).DefaultCastAs(duckdb::LogicalType::BIGINT, /*strict=*/true);
      case TypeKind::kDate:
        if (!is_number) return std::nullopt;
        return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(number)));
      case TypeKind::kTimestamp:
        if (!is_number) return std::nullopt;
        return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(number));
      case TypeKind::kUuid:
        if (!is_text) return std::nullopt;
        return duckdb::Value(std::string(text)).DefaultCastAs(duckdb::LogicalType::UUID, /*strict=*/true);
      default: return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Whether a row record (docs/key-encoding.md) is a tombstone, reading only its header.
bool IsTombstoneRecord(std::string_view value) {
  size_t i = 1;  // format
  while (i < value.size() && (static_cast<unsigned char>(value[i]) & 0x80)) ++i;  // schema_version
  ++i;
  return i < value.size() && (static_cast<unsigned char>(value[i]) & 1) != 0;
}

}  // namespace

SeqId SeqBeforeMillis(int64_t cutoff_ms) {
  if (cutoff_ms <= SeqGenerator::kEpochMs) return 0;
  return static_cast<SeqId>((cutoff_ms - SeqGenerator::kEpochMs) << 22);
}

bool ColdSegment::MayContainKey(const duckdb::Value& pk) const {
  try {
    if (pk_min && pk < *pk_min) return false;
    if (pk_max && *pk_max < pk) return false;
  } catch (const std::exception&) {
    return true;  // not comparable: no proof, read the segment
  }
  return true;
}

std::string CleanupTarget::ToJson() const {
  return "{\"table_id\":" + JsonString(table_id) + ",\"table_type\":" + JsonString(TableTypeName(type)) +
         ",\"table_number\":" + std::to_string(number) + ",\"storage_id\":" + JsonString(storage_id.str()) +
         ",\"table_dir\":" + JsonString(table_dir) + ",\"trash_dir\":" + JsonString(trash_dir) + "}";
}

Result<CleanupTarget> CleanupTarget::FromJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  std::string_view table_id, type, storage, table_dir, trash_dir;
  uint64_t number = 0;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || doc["table_id"].get(table_id) != simdjson::SUCCESS ||
      doc["table_type"].get(type) != simdjson::SUCCESS || doc["table_number"].get(number) != simdjson::SUCCESS ||
      doc["storage_id"].get(storage) != simdjson::SUCCESS || doc["table_dir"].get(table_dir) != simdjson::SUCCESS ||
      doc["trash_dir"].get(trash_dir) != simdjson::SUCCESS) {
    return Status::InvalidArgument(
        "cleanup job parameters need table_id, table_type, table_number, storage_id, table_dir and trash_dir");
  }
  auto parsed_type = ParseTableType(type);
  if (!parsed_type) return Status::InvalidArgument("bad table_type in cleanup job parameters");
  CleanupTarget target;
  target.table_id = std::string(table_id);
  target.type = *parsed_type;
  target.number = static_cast<TableNumber>(number);
  target.storage_id = StorageId(std::string(storage));
  target.table_dir = std::string(table_dir);
  target.trash_dir = std::string(trash_dir);
  // The job deletes this path recursively: it must be a trash name DROP TABLE made.
  if (target.trash_dir != target.table_dir + "~dropped-" + std::to_string(target.number)) {
    return Status::InvalidArgument("cleanup job parameters: trash_dir does not match table_dir");
  }
  return target;
}

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

Result<filestore::Manifest> ColdTier::LoadOrRebuildManifest(const TableDefinition& def, const std::string& scope,
                                                            filestore::FileBackend& files, const std::string& dir) {
  auto loaded = filestore::LoadManifest(files, dir);
  if (loaded.ok() || loaded.status().code() != StatusCode::kNotFound) return loaded;
  auto names = files.List(dir);
  if (!names.ok()) return loaded.status();  // no directory: no cold data
  std::vector<int64_t> batches;
  for (const std::string& name : *names) {
    if (auto n = filestore::ParseSegmentFileName(name)) batches.push_back(*n);
  }
  if (batches.empty()) return loaded.status();
  std::sort(batches.begin(), batches.end());
  filestore::Manifest manifest;
  manifest.table_id = def.id.ToString();
  if (def.type != TableType::kShared) manifest.user_id = scope;
  manifest.created_at_ms = NowMicros() / 1000;
  const auto pk = def.PrimaryKeyIndex();
  auto con = Connect();
  for (int64_t n : batches) {
    const std::string rel = filestore::JoinPath(dir, filestore::SegmentFileName(n));
    std::string sql = "SELECT count(*), min(_seq), max(_seq)";
    if (pk) {
      const std::string key = QuoteIdent(def.columns[*pk].name);
      sql += ", min(" + key + "), max(" + key + ")";
    }
    auto result = con->Query(sql + " FROM read_parquet(" + QuoteLiteral(files.AbsolutePath(rel)) + ")");
    if (result->HasError()) return Status::Corruption("cannot rebuild the manifest of " + dir + ": " + result->GetError());
    auto chunk = result->Fetch();
    if (!chunk || chunk->size() != 1) return Status::Corruption("cannot rebuild the manifest of " + dir);
    filestore::Segment segment;
    segment.id = filestore::SegmentId(n);
    segment.path = filestore::SegmentFileName(n);
    segment.row_count = chunk->GetValue(0, 0).GetValue<int64_t>();
    segment.min_seq = chunk->GetValue(1, 0).IsNull() ? 0 : chunk->GetValue(1, 0).GetValue<int64_t>();
    segment.max_seq = chunk->GetValue(2, 0).IsNull() ? 0 : chunk->GetValue(2, 0).GetValue<int64_t>();
    // Every version the file holds was flushed; newer hot versions are above its max.
    segment.flushed_upto_seq = segment.max_seq;
    KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(rel));
    segment.size_bytes = static_cast<int64_t>(size);
    segment.created_at_ms = manifest.created_at_ms;
    segment.schema_version = def.schema_version;
    segment.status = filestore::SegmentStatus::kCommitted;
    segment.column_stats[filestore::ColumnStatsKey(0)] =
        filestore::ColumnStats{std::to_string(segment.min_seq), std::to_string(segment.max_seq), 0};
    if (pk) {
      segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] =
          filestore::ColumnStats{StatJson(chunk->GetValue(3, 0)), StatJson(chunk->GetValue(4, 0)), 0};
    }
    manifest.segments.push_back(std::move(segment));
    manifest.last_sequence_number = n;
  }
  KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
  return manifest;
}

Result<std::shared_ptr<const std::vector<ColdSegment>>> ColdTier::Segments(const TableDefinition& def,
                                                                           const std::string& scope) {
  const std::string key = CacheKey(def, scope);
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    generation = cache_generation_;
  }
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, scope));
  auto segments = std::make_shared<std::vector<ColdSegment>>();
  auto manifest = LoadOrRebuildManifest(def, scope, files, dir);
  const auto pk = def.PrimaryKeyIndex();
  if (manifest.ok()) {
    for (const auto& segment : manifest->segments) {
      if (segment.status != filestore::SegmentStatus::kCommitted) continue;
      ColdSegment cold{files.AbsolutePath(filestore::JoinPath(dir, segment.path)), segment.min_seq, segment.max_seq,
                       segment.row_count, segment.flushed_upto_seq};
      if (pk) {
        const ColumnDefinition& column = def.columns[*pk];
        auto stats = segment.column_stats.find(filestore::ColumnStatsKey(column.column_id));
        if (stats != segment.column_stats.end()) {
          cold.pk_min = ParsePrimaryKeyStat(column, stats->second.min_json);
          cold.pk_max = ParsePrimaryKeyStat(column, stats->second.max_json);
        }
      }
      segments->push_back(std::move(cold));
    }
  } else if (manifest.status().code() != StatusCode::kNotFound) {
    return manifest.status();
  }
  std::shared_ptr<const std::vector<ColdSegment>> shared = std::move(segments);
  std::lock_guard lock(mu_);
  if (cache_generation_ == generation) cache_[key] = shared;
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
  auto loaded = LoadOrRebuildManifest(def, scope, files, dir);
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
  KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
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
    ++cache_generation_;
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
    auto manifest = LoadOrRebuildManifest(def, one, files, dir);
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

Result<std::string> ColdTier::TableRoot(const OpenStorage& storage, const TableDefinition& def) {
  if (def.type == TableType::kShared) return ScopeDirectory(storage, def, std::string());
  return filestore::ResolveUserTableRoot(storage.def.user_tables_template, def.id.namespace_id, def.id.table_name);
}

void ColdTier::ForgetTable(TableNumber number) {
  const std::string prefix = std::to_string(number) + '\0';
  std::lock_guard lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->first.rfind(prefix, 0) == 0 ? cache_.erase(it) : std::next(it);
    ++cache_generation_;
  }
}

void ColdTier::ForgetScope(const TableDefinition& def, const std::string& scope) {
  std::lock_guard lock(mu_);
  cache_.erase(CacheKey(def, scope));
  ++cache_generation_;
}

Status ColdTier::DropTableFiles(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  KALAM_ASSIGN_OR_RETURN(std::string table_dir, TableRoot(*storage, def));
  ForgetTable(def.number);
  // Only what KalamDB wrote: the base may be an operator's directory that held files before.
  return filestore::DeleteTableFiles(*storage->files, table_dir);
}

Result<CleanupTarget> ColdTier::ResolveCleanupTarget(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  CleanupTarget target;
  target.table_id = def.id.ToString();
  target.type = def.type;
  target.number = def.number;
  target.storage_id = def.options.storage_id;
  KALAM_ASSIGN_OR_RETURN(target.table_dir, TableRoot(*storage, def));
  target.trash_dir = target.table_dir + "~dropped-" + std::to_string(def.number);
  return target;
}

Status ColdTier::DetachTableFiles(const CleanupTarget& target) {
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(target.storage_id));
  ForgetTable(target.number);
  Status moved = storage->files->Rename(target.table_dir, target.trash_dir);
  if (!moved.ok() && moved.code() != StatusCode::kNotFound) return moved;
  return Status::Ok();
}

Result<JobOutcome> ColdTier::RunCleanup(const CleanupTarget& target) {
  ForgetTable(target.number);
  auto storage = StorageFor(target.storage_id);
  if (!storage.ok()) {
    if (storage.status().code() == StatusCode::kNotFound) {
      return JobOutcome::Skipped("storage '" + target.storage_id.str() + "' no longer exists");
    }
    return storage.status();
  }
  filestore::FileBackend& files = *(*storage)->files;
  KALAM_ASSIGN_OR_RETURN(bool exists, files.Exists(target.trash_dir));
  if (!exists) return JobOutcome::Completed("No files left for table " + target.table_id);
  std::vector<std::string> kept;
  KALAM_RETURN_IF_ERROR(filestore::DeleteTableFiles(files, target.trash_dir, &kept));
  if (kept.empty()) return JobOutcome::Completed("Removed files of table " + target.table_id);
  // Files KalamDB did not write go back where they were, unless a new table took the place.
  KALAM_ASSIGN_OR_RETURN(bool taken, files.Exists(target.table_dir));
  std::string where = target.trash_dir;
  if (!taken && files.Rename(target.trash_dir, target.table_dir).ok()) where = target.table_dir;
  return JobOutcome::Completed("Removed files of table " + target.table_id + "; kept " +
                               std::to_string(kept.size()) + " file(s) KalamDB did not write in '" + where + "'");
}

Status ColdTier::DropScopeFiles(const TableDefinition& def, const std::string& scope) {
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, scope));
  std::lock_guard flush_lock(ScopeMutex(def, scope));
  ForgetScope(def, scope);
  return filestore::DeleteTableFiles(*storage->files, dir);
}

Result<std::vector<std::string>> ColdTier::AllScopes(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(std::vector<std::string> scopes, ScopesWithHotRows(def));
  std::unordered_set<std::string> seen(scopes.begin(), scopes.end());
  if (def.type == TableType::kShared) {
    if (seen.insert("").second) scopes.emplace_back();
    return scopes;
  }
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  KALAM_ASSIGN_OR_RETURN(std::string root, TableRoot(*storage, def));
  auto users = storage->files->ListDirectories(root);
  if (!users.ok()) {
    if (users.status().code() == StatusCode::kNotFound) return scopes;
    return users.status();
  }
  for (const std::string& user : *users) {
    if (seen.insert(user).second) scopes.push_back(user);
  }
  return scopes;
}

Result<bool> ColdTier::MayHaveTombstonesBefore(const TableDefinition& def, SeqId cutoff_seq) {
  if (def.type == TableType::kStream || cutoff_seq <= 0) return false;
  auto it = engine_.backend->ScanPrefix(store::Partition::kRows, tables::TablePrefix(def.number));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (tables::SeqFromRowKey(it->key()) < cutoff_seq && IsTombstoneRecord(it->value())) return true;
  }
  KALAM_RETURN_IF_ERROR(it->status());
  KALAM_ASSIGN_OR_RETURN(auto scopes, AllScopes(def));
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(auto segments, Segments(def, scope));
    for (const ColdSegment& segment : *segments) {
      if (segment.min_seq < cutoff_seq) return true;
    }
  }
  return false;
}

Result<RetentionOutcome> ColdTier::PurgeTombstones(const std::shared_ptr<const TableDefinition>& def_ptr,
                                                   const std::string& scope, SeqId cutoff_seq) {
  const TableDefinition& def = *def_ptr;
  RetentionOutcome outcome;
  if (def.type == TableType::kStream || cutoff_seq <= 0) return outcome;
  // Serialised with flushes of the scope: both rewrite its manifest.
  std::lock_guard flush_lock(ScopeMutex(def, scope));
  KALAM_ASSIGN_OR_RETURN(auto storage, StorageFor(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, ScopeDirectory(*storage, def, scope));
  const auto pk = def.PrimaryKeyIndex();
  const std::string identity = pk ? QuoteIdent(def.columns[*pk].name) : std::string("_row_id");
  const std::string identity_typed =
      pk ? "CAST(" + identity + " AS " + tables::ToLogicalType(def.columns[*pk].type).ToString() + ")" : identity;

  // ---- Parquet ----
  auto loaded = LoadOrRebuildManifest(def, scope, files, dir);
  if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) return loaded.status();
  std::vector<tables::TableStore::PurgeCandidate> cold_purged;
  if (loaded.ok()) {
    filestore::Manifest manifest = std::move(loaded).value();
    // Leftovers of an interrupted flush or rewrite: files no committed manifest lists.
    KALAM_RETURN_IF_ERROR(filestore::CleanupUncommitted(files, dir, manifest));
    std::vector<size_t> committed;
    for (size_t i = 0; i < manifest.segments.size(); ++i) {
      if (manifest.segments[i].status == filestore::SegmentStatus::kCommitted) committed.push_back(i);
    }
    auto con = Connect();
    if (!committed.empty()) {
      std::string paths;
      for (size_t i : committed) {
        if (!paths.empty()) paths += ", ";
        paths += QuoteLiteral(files.AbsolutePath(filestore::JoinPath(dir, manifest.segments[i].path)));
      }
      // Identities whose newest version in Parquet is a tombstone older than the cutoff.
      auto found = con->Query("SELECT " + identity_typed + ", CAST(" + identity + " AS VARCHAR), _seq FROM (SELECT " +
                              identity + ", _seq, _deleted, row_number() OVER (PARTITION BY " + identity +
                              " ORDER BY _seq DESC) AS kalam_rn FROM read_parquet([" + paths +
                              "])) WHERE kalam_rn = 1 AND _deleted AND _seq < " + std::to_string(cutoff_seq));
      if (found->HasError()) return FromDuckDB(*found);
      std::vector<std::string> purge_ids;
      while (auto chunk = found->Fetch()) {
        if (chunk->size() == 0) break;
        for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
          const duckdb::Value key = chunk->GetValue(0, r);
          const SeqId seq = chunk->GetValue(2, r).GetValue<int64_t>();
          std::string index_key = pk ? tables::TableStore::PrimaryKeyIndexKey(def, scope, key)
                                     : tables::TableStore::RowIdIndexKey(def, scope, key.GetValue<int64_t>());
          // Only when that tombstone is the identity's newest version anywhere: a newer hot
          // version (a key inserted again) keeps it out of the purge.
          KALAM_ASSIGN_OR_RETURN(auto entry, engine_.backend->Get(store::Partition::kIndex, index_key));
          if (!entry || entry->size() != 9 || entry->back() != 1) continue;
          SeqId entry_seq = 0;
          for (int b = 0; b < 8; ++b) entry_seq = (entry_seq << 8) | static_cast<unsigned char>((*entry)[b]);
          if (entry_seq != seq) continue;
          purge_ids.push_back(chunk->GetValue(1, r).ToString());
          cold_purged.push_back({seq, std::move(index_key)});
        }
      }
      if (found->HasError()) return FromDuckDB(*found);
      if (!purge_ids.empty()) {
        auto created = con->Query("CREATE TEMP TABLE purge_ids (id VARCHAR)");
        if (created->HasError()) return FromDuckDB(*created);
        {
          duckdb::Appender appender(*con, "purge_ids");
          for (const std::string& id : purge_ids) {
            appender.BeginRow();
            appender.Append(duckdb::Value(id));
            appender.EndRow();
          }
          appender.Close();
        }
        const std::string keep = "CAST(" + identity + " AS VARCHAR) NOT IN (SELECT id FROM purge_ids)";
        int64_t batch = filestore::NextBatchNumber(manifest);
        std::vector<filestore::Segment> rewritten;  // parallel to `committed`; empty id = dropped
        bool changed = false;
        for (size_t i : committed) {
          filestore::Segment old = manifest.segments[i];
          const std::string old_abs = QuoteLiteral(files.AbsolutePath(filestore::JoinPath(dir, old.path)));
          // How many of the segment's versions go.
          auto stats = con->Query("SELECT count(*), count(*) FILTER (WHERE NOT (" + keep + ")) FROM read_parquet(" +
                                  old_abs + ")");
          if (stats->HasError()) return FromDuckDB(*stats);
          auto row = stats->Fetch();
          if (!row || row->size() != 1) return Status::Internal("retention: no statistics for " + old.path);
          const int64_t removed = row->GetValue(1, 0).GetValue<int64_t>();
          if (removed == 0) {
            rewritten.push_back(old);
            continue;
          }
          changed = true;
          const int64_t total = row->GetValue(0, 0).GetValue<int64_t>();
          if (total == removed) {
            rewritten.emplace_back();  // nothing stays: the segment leaves the manifest
            continue;
          }
          // Min/max of what stays, from the kept rows only.
          std::string kept_sql = "SELECT count(*), min(_seq), max(_seq)";
          if (pk) kept_sql += ", min(" + identity + "), max(" + identity + ")";
          kept_sql += " FROM read_parquet(" + old_abs + ") WHERE " + keep;
          auto kept_stats = con->Query(kept_sql);
          if (kept_stats->HasError()) return FromDuckDB(*kept_stats);
          auto kept_row = kept_stats->Fetch();
          if (!kept_row || kept_row->size() != 1) return Status::Internal("retention: no statistics for " + old.path);
          const int64_t n = batch++;
          const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(n));
          const std::string final_name = filestore::SegmentFileName(n);
          KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
          auto copied = con->Query("COPY (SELECT * FROM read_parquet(" + old_abs + ") WHERE " + keep +
                                   " ORDER BY _seq) TO " + QuoteLiteral(files.AbsolutePath(tmp_rel)) +
                                   " (FORMAT parquet, COMPRESSION zstd)");
          if (copied->HasError()) return FromDuckDB(*copied);
          KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
          KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, filestore::JoinPath(dir, final_name)));
          filestore::Segment segment = old;
          segment.id = filestore::SegmentId(n);
          segment.path = final_name;
          segment.row_count = kept_row->GetValue(0, 0).GetValue<int64_t>();
          segment.min_seq = kept_row->GetValue(1, 0).GetValue<int64_t>();
          segment.max_seq = kept_row->GetValue(2, 0).GetValue<int64_t>();
          // flushed_upto_seq stays: the hot versions it covers are still covered (purged
          // identities' hot copies go with their index entries below).
          KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(filestore::JoinPath(dir, final_name)));
          segment.size_bytes = static_cast<int64_t>(size);
          segment.column_stats[filestore::ColumnStatsKey(0)] =
              filestore::ColumnStats{std::to_string(segment.min_seq), std::to_string(segment.max_seq), 0};
          if (pk) {
            segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] =
                filestore::ColumnStats{StatJson(kept_row->GetValue(3, 0)), StatJson(kept_row->GetValue(4, 0)), 0};
          }
          rewritten.push_back(std::move(segment));
          ++outcome.segments_rewritten;
        }
        if (changed) {
          std::vector<filestore::Segment> next;
          size_t k = 0;
          for (size_t i = 0; i < manifest.segments.size(); ++i) {
            if (k < committed.size() && committed[k] == i) {
              if (!rewritten[k].id.empty()) next.push_back(std::move(rewritten[k]));
              ++k;
            } else {
              next.push_back(manifest.segments[i]);
            }
          }
          manifest.segments = std::move(next);
          // The commit point: one atomic manifest write swaps the old segments for the new.
          // A crash before it leaves the old state (the new files are uncommitted leftovers);
          // after it, the old files are leftovers. CleanupUncommitted removes either.
          KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
          ForgetScope(def, scope);
          // The replaced files are not deleted here: a scan that read the old segment list may
          // still be reading them. Unlisted now, they are removed as leftovers by the scope's
          // next flush or retention run (CleanupUncommitted), long after such scans ended.
        }
      }
    }
  }
  if (!cold_purged.empty()) {
    KALAM_ASSIGN_OR_RETURN(size_t n, engine_.table_store->PurgeTombstones(def, scope, cold_purged));
    outcome.cold_purged = n;
  }

  // ---- hot tier ----
  KALAM_ASSIGN_OR_RETURN(auto segments, Segments(def, scope));
  tables::ScanProjection projection;
  duckdb::vector<duckdb::LogicalType> types;
  if (pk) {
    projection.push_back({tables::ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(*pk)});
    types.push_back(tables::ToLogicalType(def.columns[*pk].type));
  }
  projection.push_back({tables::ScanColumn::Kind::kSeq, 0});
  projection.push_back({tables::ScanColumn::Kind::kDeleted, 0});
  projection.push_back({tables::ScanColumn::Kind::kRowId, 0});
  types.push_back(duckdb::LogicalType::BIGINT);
  types.push_back(duckdb::LogicalType::BOOLEAN);
  types.push_back(duckdb::LogicalType::BIGINT);
  tables::HotScanOptions options;
  options.include_tombstones = true;
  options.max_seq_inclusive = cutoff_seq - 1;
  tables::HotScanner scanner(*engine_.backend, def_ptr, scope, engine_.backend->GetSnapshot(), projection, options);
  std::vector<tables::TableStore::PurgeCandidate> hot;
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
  const size_t base = pk ? 1 : 0;
  while (true) {
    chunk.Reset();
    if (scanner.Fill(chunk) == 0) break;
    for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
      if (!chunk.GetValue(base + 1, r).GetValue<bool>()) continue;
      const SeqId seq = chunk.GetValue(base, r).GetValue<int64_t>();
      const int64_t row_id = chunk.GetValue(base + 2, r).GetValue<int64_t>();
      // Older versions of this identity may still be in Parquet: purging the tombstone would
      // bring them back. It stays until a flush moves it to Parquet, where the next run
      // purges it together with them.
      bool maybe_cold = false;
      const duckdb::Value key = pk ? chunk.GetValue(0, r) : duckdb::Value();
      for (const ColdSegment& segment : *segments) {
        maybe_cold = pk ? segment.MayContainKey(key) : segment.max_seq >= row_id;
        if (maybe_cold) break;
      }
      if (maybe_cold) continue;
      hot.push_back({seq, pk ? tables::TableStore::PrimaryKeyIndexKey(def, scope, key)
                             : tables::TableStore::RowIdIndexKey(def, scope, static_cast<uint64_t>(row_id))});
    }
  }
  KALAM_RETURN_IF_ERROR(scanner.status());
  if (!hot.empty()) {
    KALAM_ASSIGN_OR_RETURN(size_t n, engine_.table_store->PurgeTombstones(def, scope, hot));
    outcome.hot_purged = n;
  }
  return outcome;
}

namespace {

// Whether no identity can have versions in two segments: every segment's primary-key range
// is known and the ranges do not overlap (the usual shape of append-mostly chat tables).
bool KeyRangesAreDisjoint(std::vector<ColdSegment> segments) {
  for (const ColdSegment& s : segments) {
    if (!s.pk_min || !s.pk_max) return false;
  }
  std::sort(segments.begin(), segments.end(),
            [](const ColdSegment& a, const ColdSegment& b) { return *a.pk_min < *b.pk_min; });
  for (size_t i = 1; i < segments.size(); ++i) {
    if (!(*segments[i - 1].pk_max < *segments[i].pk_min)) return false;
  }
  return true;
}

}  // namespace

bool ColdComparison::Supported(duckdb::ExpressionType op) {
  switch (op) {
    case duckdb::ExpressionType::COMPARE_EQUAL:
    case duckdb::ExpressionType::COMPARE_NOTEQUAL:
    case duckdb::ExpressionType::COMPARE_LESSTHAN:
    case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
    case duckdb::ExpressionType::COMPARE_GREATERTHAN:
    case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO: return true;
    default: return false;
  }
}

std::string ColdTier::ColdQuery(const TableDefinition& def, const tables::ScanProjection& projection,
                                const std::vector<ColdSegment>& segments, const ColdFilter& filter,
                                bool with_identity) {
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
  // The identity text is only needed when the hot tier holds versions to skip.
  sql += with_identity ? "CAST(" + identity + " AS VARCHAR)" : std::string("CAST(NULL AS VARCHAR)");
  sql += ", _deleted FROM read_parquet([";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteLiteral(segments[i].absolute_path);
  }
  sql += "])";
  // These conditions run before the newest-version-per-identity step below, which is only
  // exact if they never drop a version while keeping an older version of the same identity:
  // - the primary key is the identity, so `pk = v` keeps all versions of one identity or
  //   none;
  // - `_seq > X` drops the older versions of an identity first: when its newest version
  //   passes, the newest is still chosen; when it does not, the query's own `_seq > X`
  //   filter would have dropped that newest version anyway, so hiding the identity is right.
  // Written as literals (not parameters) so that DuckDB's Parquet reader can compare them
  // with row-group statistics and skip row groups.
  std::vector<std::string> where;
  if (filter.min_seq_exclusive > 0) where.push_back("_seq > " + std::to_string(filter.min_seq_exclusive));
  if (filter.max_seq_inclusive < INT64_MAX) where.push_back("_seq <= " + std::to_string(filter.max_seq_inclusive));
  if (filter.primary_key && pk && !filter.primary_key->IsNull()) {
    const std::string text = filter.primary_key->ToString();
    if (text.find('\0') == std::string::npos) {
      where.push_back(identity + " = CAST(" + QuoteLiteral(text) + " AS " +
                      tables::ToLogicalType(def.columns[*pk].type).ToString() + ")");
    }
  }
  // Several segments may hold versions of one row: keep the newest (unnecessary when their
  // key ranges prove every row lives in exactly one segment).
  const bool dedup = segments.size() > 1 && !(pk && KeyRangesAreDisjoint(segments));
  // Without that step every row has one cold version, so the query's own comparisons can run
  // inside the Parquet read (row-group statistics, no rows materialised for nothing); with it,
  // a comparison could surface an older version whose newer one fails it, so they wait for
  // DuckDB's plan, which applies them anyway.
  if (!dedup && filter.comparisons != nullptr) {
    for (const ColdComparison& c : *filter.comparisons) {
      const std::string text = c.value.ToString();
      if (text.find('\0') != std::string::npos) continue;
      const ColumnDefinition& col = def.columns[c.column_index];
      where.push_back(QuoteIdent(col.name) + " " + duckdb::ExpressionTypeToOperator(c.op) + " CAST(" +
                      QuoteLiteral(text) + " AS " + tables::ToLogicalType(col.type).ToString() + ")");
    }
  }
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  if (dedup) sql += " QUALIFY row_number() OVER (PARTITION BY " + identity + " ORDER BY _seq DESC) = 1";
  return sql;
}

}  // namespace kalam::core
