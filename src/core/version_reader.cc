#include "version_reader.h"

#include "engine_context.h"
#include "kalam/commons/clock.h"
#include "kalam/tables/row_codec.h"
#include "kalam/tables/table_scan.h"

namespace kalam::core {
namespace {

// A STREAM buffer holds only live rows (a delete removes them): the rows within the TTL now.
Result<std::vector<VersionedRow>> ReadStreamRows(EngineContext& engine, const TableDefinition& def,
                                                 const std::string& scope, SeqId as_of, SeqId after) {
  const tables::StreamRows buffered = engine.streams->Read(def, scope, after, as_of, NowMicros() / 1000);
  std::vector<VersionedRow> rows(buffered.size());
  for (size_t i = 0; i < buffered.size(); ++i) {
    KALAM_ASSIGN_OR_RETURN(rows[i].values, tables::DecodeRowValues(def, buffered.row(i)));
    rows[i].seq = buffered.seqs[i];
  }
  return rows;
}

}  // namespace

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
  if (def->type == TableType::kStream) return ReadStreamRows(engine, *def, scope, as_of, after);
  // Segments are listed after the snapshot was taken: they cover every version the
  // snapshot no longer holds.
  std::shared_ptr<const std::vector<tables::ColdSegment>> segments;
  KALAM_ASSIGN_OR_RETURN(segments, engine.cold->Segments(*def, scope));
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
