#include "version_reader.h"

#include "engine_context.h"
#include "kalam/tables/table_scan.h"

namespace kalam::core {

Result<std::vector<VersionedRow>> ReadVersionsAsOf(EngineContext& engine,
                                                   const std::shared_ptr<const TableDefinition>& def,
                                                   const std::string& scope,
                                                   const std::shared_ptr<const store::Snapshot>& snapshot, SeqId as_of,
                                                   SeqId after) {
  const size_t ncols = def->columns.size();
  tables::ScanProjection projection;
  for (uint32_t c = 0; c < ncols; ++c) projection.push_back({tables::ScanColumn::Kind::kUserColumn, c});
  projection.push_back({tables::ScanColumn::Kind::kSeq, 0});
  projection.push_back({tables::ScanColumn::Kind::kDeleted, 0});
  // Segments are listed after the snapshot was taken: they cover every version the
  // snapshot no longer holds.
  std::shared_ptr<const std::vector<tables::ColdSegment>> segments;
  if (def->type != TableType::kStream) {
    KALAM_ASSIGN_OR_RETURN(segments, engine.cold->Segments(*def, scope));
  }
  tables::TableScanOptions options;
  options.include_tombstones = true;
  options.min_seq_exclusive = after;
  options.as_of_seq = as_of;
  options.skip_flushed_hot = false;
  tables::TableScan scan(*engine.table_store, engine.cold->parquet(), def, scope, snapshot, std::move(segments),
                         std::move(projection), std::move(options));
  std::vector<VersionedRow> rows;
  auto it = scan.Ordered(tables::ScanOrder::kOldestFirst);
  for (; it->Valid(); it->Next()) {
    VersionedRow row;
    row.values.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) row.values.push_back(it->chunk().GetValue(c, it->row()));
    row.seq = it->seq();
    row.deleted = it->deleted();
    rows.push_back(std::move(row));
  }
  KALAM_RETURN_IF_ERROR(it->status());
  return rows;
}

}  // namespace kalam::core
