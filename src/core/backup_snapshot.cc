#include "backup_snapshot.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

namespace kalam::core {
namespace {

// A scope appearing between listing and locking (a user's first write, then a flush) would be
// missed; the capture is retried then, a few times.
constexpr int kCaptureAttempts = 5;

using ScopeKey = std::pair<TableNumber, std::string>;

Result<std::set<ScopeKey>> ListScopes(EngineContext& engine,
                                      const std::vector<std::shared_ptr<const TableDefinition>>& tables) {
  std::set<ScopeKey> out;
  for (const auto& def : tables) {
    if (def->type == TableType::kStream) continue;
    KALAM_ASSIGN_OR_RETURN(auto scopes, engine.cold->AllScopes(*def));
    for (std::string& scope : scopes) out.emplace(def->number, std::move(scope));
  }
  return out;
}

}  // namespace

Result<BackupSnapshot> CaptureBackupSnapshot(EngineContext& engine,
                                             std::vector<std::shared_ptr<const TableDefinition>> tables) {
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a->number < b->number; });
  std::unordered_map<TableNumber, std::shared_ptr<const TableDefinition>> by_number;
  for (const auto& def : tables) by_number[def->number] = def;
  for (int attempt = 0; attempt < kCaptureAttempts; ++attempt) {
    KALAM_ASSIGN_OR_RETURN(std::set<ScopeKey> scopes, ListScopes(engine, tables));
    // In one global order (table number, scope), so two captures cannot deadlock; every other
    // holder takes one scope's lock at a time.
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(scopes.size());
    for (const auto& [number, scope] : scopes) {
      locks.emplace_back(engine.cold->catalog().ScopeMutex(*by_number[number], scope));
    }
    BackupSnapshot out;
    engine.table_store->AtCommitPoint([&](SeqId last) {
      out.snapshot_seq = last;
      out.store_snapshot = engine.backend->GetSnapshot();
    });
    KALAM_ASSIGN_OR_RETURN(std::set<ScopeKey> again, ListScopes(engine, tables));
    if (!std::includes(scopes.begin(), scopes.end(), again.begin(), again.end())) continue;
    for (const auto& [number, scope] : scopes) {
      CapturedScope captured;
      captured.def = by_number[number];
      captured.scope = scope;
      KALAM_ASSIGN_OR_RETURN(captured.storage, engine.cold->storages().For(*captured.def));
      KALAM_ASSIGN_OR_RETURN(captured.dir, captured.storage->ScopeDirectory(*captured.def, scope));
      // Pinned before the manifest is read: both show the same manifest, as no writer of it can
      // run, and the files stay in place once the locks go.
      KALAM_ASSIGN_OR_RETURN(captured.pinned, engine.cold->Segments(*captured.def, scope));
      auto manifest = engine.cold->catalog().LoadOrRebuild(*captured.def, scope, *captured.storage->files, captured.dir);
      if (manifest.ok()) {
        for (filestore::Segment& segment : manifest->segments) {
          if (segment.status != filestore::SegmentStatus::kCommitted) continue;
          captured.committed_upto = std::max(captured.committed_upto, segment.flushed_upto_seq);
          captured.segments.push_back(std::move(segment));
        }
      } else if (manifest.status().code() != StatusCode::kNotFound) {
        return manifest.status();
      }
      out.scopes.push_back(std::move(captured));
    }
    out.tables = std::move(tables);
    return out;
  }
  return Status::Unavailable("Backup could not capture a consistent snapshot: table scopes kept appearing; retry");
}

}  // namespace kalam::core
