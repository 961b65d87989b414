#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/core/versioned_row.h"
#include "kalam/store/storage_backend.h"

namespace kalam::core {

struct EngineContext;

// Reads a scope's newest version per row identity as of a commit point `as_of` (hot tier
// from `snapshot`, which must have been taken at that point; cold tier from the segments),
// keeping only versions with `_seq` > `after`; tombstones included; ascending `_seq`.
//
// Exact even when a flush commits meanwhile: the Parquet read drops versions newer than
// `as_of` before it picks the newest per identity, and the hot read ignores the flush
// watermark (a version the snapshot holds may have been superseded, and so never flushed,
// by the time a later flush ran).
Result<std::vector<VersionedRow>> ReadVersionsAsOf(EngineContext& engine,
                                                   const std::shared_ptr<const TableDefinition>& def,
                                                   const std::string& scope,
                                                   const std::shared_ptr<const store::Snapshot>& snapshot, SeqId as_of,
                                                   SeqId after);

}  // namespace kalam::core
