#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/live_query_directory.h"
#include "kalam/commons/result.h"
#include "kalam/commons/role.h"
#include "kalam/commons/table_definition.h"
#include "kalam/core/versioned_row.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/change_sink.h"

namespace kalam::core {

// What the live-query module (which sits above the engine) needs from it: the wiring of
// committed changes and catalog events, and consistent reads for a subscription's initial
// rows and catch-up. Thread-safe; obtained from Engine::live_queries() and lives as long as
// the engine.
class LiveQueryHooks {
 public:
  virtual ~LiveQueryHooks() = default;

  // Committed row changes go to `sink`; system.live, KILL LIVE QUERY, DROP TABLE and DROP USER
  // go to `live`. Either may be null; both must outlive the engine or be detached first.
  virtual void SetLiveQueries(LiveQueryDirectory* live, tables::ChangeSink* sink) = 0;
  // The USER, SHARED or STREAM table `id` if `role` may read it. NotFound names the missing
  // namespace or table; PermissionDenied for a SHARED table above the role's access.
  virtual Result<std::shared_ptr<const TableDefinition>> FindReadableTable(const TableId& id, Role role) = 0;
  // Runs `fn` while no write can commit, with the highest `_seq` handed out so far (S) and a
  // snapshot of the hot tier taken at that point: every commit at or below S is in the
  // snapshot, every later one reaches the change sink after `fn` returns.
  virtual void AtCommitPoint(const std::function<void(SeqId, std::shared_ptr<const store::Snapshot>)>& fn) = 0;
  // A scope's newest version per row identity as of the commit point of `snapshot`/`as_of`,
  // with `_seq` > `after`, tombstones included, ascending `_seq`; hot and cold tiers.
  virtual Result<std::vector<VersionedRow>> ReadVersionsAsOf(const std::shared_ptr<const TableDefinition>& def,
                                                             const std::string& scope,
                                                             const std::shared_ptr<const store::Snapshot>& snapshot,
                                                             SeqId as_of, SeqId after) = 0;
  // The rows of system table `name` (lowercase, without "system."), one value per column of
  // SystemTables::Columns(name), `_seq` 0; the caller checks the role.
  virtual Result<std::vector<VersionedRow>> ReadSystemTable(std::string_view name) = 0;
};

}  // namespace kalam::core
