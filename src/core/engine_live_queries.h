#pragma once

#include "engine_context.h"
#include "kalam/core/live_query_hooks.h"

namespace kalam::core {

// The engine's LiveQueryHooks: the change sink and live directory wiring, and reads of
// tables and system tables for subscriptions, with any exception contained. `engine` must
// outlive it.
class EngineLiveQueries final : public LiveQueryHooks {
 public:
  explicit EngineLiveQueries(EngineContext& engine) : engine_(engine) {}

  void SetLiveQueries(LiveQueryDirectory* live, tables::ChangeSink* sink) override;
  Result<std::shared_ptr<const TableDefinition>> FindReadableTable(const TableId& id, Role role) override;
  void AtCommitPoint(const std::function<void(SeqId, std::shared_ptr<const store::Snapshot>)>& fn) override;
  Result<std::vector<VersionedRow>> ReadVersionsAsOf(const std::shared_ptr<const TableDefinition>& def,
                                                     const std::string& scope,
                                                     const std::shared_ptr<const store::Snapshot>& snapshot,
                                                     SeqId as_of, SeqId after) override;
  Result<std::vector<VersionedRow>> ReadSystemTable(std::string_view name) override;

 private:
  EngineContext& engine_;
};

}  // namespace kalam::core
