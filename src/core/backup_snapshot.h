#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine_context.h"
#include "kalam/commons/result.h"
#include "kalam/filestore/manifest.h"
#include "kalam/tables/cold_segment.h"
#include "kalam/tables/cold_storages.h"

namespace kalam::core {

// One scope of a USER or SHARED table as a backup saw it at its snapshot.
struct CapturedScope {
  std::shared_ptr<const TableDefinition> def;
  std::string scope;  // user id; "" for SHARED
  std::shared_ptr<const tables::OpenStorage> storage;
  std::string dir;  // the scope's directory, relative to the storage base
  // The manifest's committed segments at the snapshot, and the list scans use for them: while
  // it is held, compaction and retention leave those files in place (SegmentCatalog).
  std::vector<filestore::Segment> segments;
  std::shared_ptr<const std::vector<tables::ColdSegment>> pinned;
  // Hot versions at or below this are already in one of `segments` (a flush crashed between
  // its commit and its cleanup).
  SeqId committed_upto = 0;
};

// A point-in-time view of some tables (docs/backup.md): every version with `_seq` <=
// `snapshot_seq` is in `store_snapshot` (hot) or in a captured segment (cold), and no later one
// is in a captured segment. Taken while writes continue: writers wait only for the instant of
// the store snapshot, flushes, compactions and retention runs of the tables for the capture.
struct BackupSnapshot {
  SeqId snapshot_seq = 0;
  std::shared_ptr<const store::Snapshot> store_snapshot;
  std::vector<std::shared_ptr<const TableDefinition>> tables;  // STREAM tables too
  std::vector<CapturedScope> scopes;                           // oldest table first
};

// Captures `tables` (all of one namespace, or all of the server). Each scope's manifest writers
// (flush, compaction, retention, user purge) are held off together while the store snapshot is
// taken and the manifests are read, so that no flush moves a version between the two tiers
// unseen and no compaction drops a version the snapshot still needs.
Result<BackupSnapshot> CaptureBackupSnapshot(EngineContext& engine,
                                             std::vector<std::shared_ptr<const TableDefinition>> tables);

}  // namespace kalam::core
