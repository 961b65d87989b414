#include "kalam/tables/segment_catalog.h"

#include <algorithm>

#include "kalam/filestore/table_files.h"
#include "manifest_rebuild.h"
#include "primary_key_stat.h"

namespace kalam::tables {
namespace {

std::string CacheKey(const TableDefinition& def, const std::string& scope) {
  return std::to_string(def.number) + '\0' + scope;
}

}  // namespace

bool ColdSegment::MayContainKey(const duckdb::Value& pk) const {
  try {
    if (pk_min && pk < *pk_min) return false;
    if (pk_max && *pk_max < pk) return false;
  } catch (const std::exception&) {
    return true;  // not comparable: no proof, read the segment
  }
  return true;
}

Result<filestore::Manifest> SegmentCatalog::LoadOrRebuild(const TableDefinition& def, const std::string& scope,
                                                          filestore::FileBackend& files, const std::string& dir) {
  auto loaded = filestore::LoadManifest(files, dir);
  if (loaded.ok() || loaded.status().code() != StatusCode::kNotFound) return loaded;
  auto parquet = parquet_.Connect();
  KALAM_ASSIGN_OR_RETURN(filestore::Manifest manifest, RebuildManifest(def, scope, files, dir, *parquet));
  KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
  return manifest;
}

Result<std::shared_ptr<const std::vector<ColdSegment>>> SegmentCatalog::Segments(const TableDefinition& def,
                                                                                 const std::string& scope) {
  const std::string key = CacheKey(def, scope);
  while (true) {
    uint64_t generation = 0, scope_generation = 0;
    {
      std::lock_guard lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end()) return it->second;
      generation = generation_;
      scope_generation = scope_generation_[key];
    }
    KALAM_ASSIGN_OR_RETURN(auto loaded, LoadSegments(def, scope));
    KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
    std::shared_ptr<const std::vector<ColdSegment>> shared = std::move(loaded);
    std::lock_guard lock(mu_);
    // The manifest changed while it was read: the list may name files a compaction or a
    // retention run has already retired, so it is never handed out.
    if (generation_ != generation || scope_generation_[key] != scope_generation) continue;
    // An object store's local copies may be evicted: such lists are rebuilt (and the copies
    // fetched again when needed) on every read instead of being kept.
    if (!storage->files->IsRemote()) cache_[key] = shared;
    auto& held = handed_out_[key];
    std::erase_if(held, [](const auto& weak) { return weak.expired(); });
    held.push_back(shared);
    return shared;
  }
}

Result<std::shared_ptr<std::vector<ColdSegment>>> SegmentCatalog::LoadSegments(const TableDefinition& def,
                                                                            const std::string& scope) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope));
  auto segments = std::make_shared<std::vector<ColdSegment>>();
  auto manifest = LoadOrRebuild(def, scope, files, dir);
  const auto pk = def.PrimaryKeyIndex();
  if (manifest.ok()) {
    for (const auto& segment : manifest->segments) {
      if (segment.status != filestore::SegmentStatus::kCommitted) continue;
      KALAM_ASSIGN_OR_RETURN(std::string local, files.LocalReadPath(filestore::JoinPath(dir, segment.path)));
      ColdSegment cold{std::move(local), segment.min_seq, segment.max_seq, segment.row_count,
                       segment.flushed_upto_seq, std::nullopt, std::nullopt,
                       static_cast<uint32_t>(segment.schema_version)};
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
  return segments;
}

bool SegmentCatalog::ScansMayRead(const TableDefinition& def, const std::string& scope,
                                  const std::vector<std::string>& absolute_paths) {
  std::lock_guard lock(mu_);
  auto it = handed_out_.find(CacheKey(def, scope));
  if (it == handed_out_.end()) return false;
  std::erase_if(it->second, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : it->second) {
    const auto held = weak.lock();
    if (!held) continue;
    for (const ColdSegment& segment : *held) {
      if (std::find(absolute_paths.begin(), absolute_paths.end(), segment.absolute_path) != absolute_paths.end()) {
        return true;
      }
    }
  }
  return false;
}

Result<SegmentCatalog::Stats> SegmentCatalog::TableStats(const TableDefinition& def, const std::string* scope) {
  Stats stats;
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  filestore::FileBackend& files = *storage->files;
  auto add = [&](const std::string& one) -> Status {
    KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, one));
    auto manifest = LoadOrRebuild(def, one, files, dir);
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
  KALAM_ASSIGN_OR_RETURN(std::string root, storage->TableRoot(def));
  auto users = files.ListDirectories(root);
  if (!users.ok()) return stats;
  for (const std::string& user : *users) KALAM_RETURN_IF_ERROR(add(user));
  return stats;
}

std::mutex& SegmentCatalog::ScopeMutex(const TableDefinition& def, const std::string& scope) {
  std::lock_guard lock(mu_);
  auto& slot = scope_locks_[CacheKey(def, scope)];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

void SegmentCatalog::ForgetScope(const TableDefinition& def, const std::string& scope) {
  const std::string key = CacheKey(def, scope);
  std::lock_guard lock(mu_);
  cache_.erase(key);
  ++scope_generation_[key];
}

void SegmentCatalog::ForgetTable(TableNumber number) {
  const std::string prefix = std::to_string(number) + '\0';
  std::lock_guard lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->first.rfind(prefix, 0) == 0 ? cache_.erase(it) : std::next(it);
  }
  ++generation_;
}

}  // namespace kalam::tables
