#include "version_reader.h"

#include <algorithm>
#include <unordered_set>

#include "engine_context.h"
#include "kalam/tables/cold_query.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::core {
namespace {

tables::ScanProjection FullProjection(const TableDefinition& def) {
  tables::ScanProjection projection;
  for (uint32_t c = 0; c < def.columns.size(); ++c) {
    projection.push_back({tables::ScanColumn::Kind::kUserColumn, c});
  }
  projection.push_back({tables::ScanColumn::Kind::kSeq, 0});
  projection.push_back({tables::ScanColumn::Kind::kDeleted, 0});
  return projection;
}

duckdb::vector<duckdb::LogicalType> ProjectionTypes(const TableDefinition& def) {
  duckdb::vector<duckdb::LogicalType> types;
  for (const ColumnDefinition& c : def.columns) types.push_back(tables::ToLogicalType(c.type));
  types.push_back(duckdb::LogicalType::BIGINT);
  types.push_back(duckdb::LogicalType::BOOLEAN);
  return types;
}

// Appends the chunk's rows; `skip`, when given, names identities (column `identity_col`, as
// text) whose version must be dropped because the hot tier holds a newer one.
void AppendRows(duckdb::DataChunk& chunk, size_t ncols, const std::unordered_set<std::string>* skip,
                std::vector<VersionedRow>* out) {
  for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
    if (skip != nullptr) {
      const duckdb::Value id = chunk.GetValue(ncols + 2, r);
      if (!id.IsNull() && skip->count(id.GetValue<std::string>())) continue;
    }
    VersionedRow row;
    row.values.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) row.values.push_back(chunk.GetValue(c, r));
    row.seq = chunk.GetValue(ncols, r).GetValue<int64_t>();
    const duckdb::Value deleted = chunk.GetValue(ncols + 1, r);
    row.deleted = !deleted.IsNull() && deleted.GetValue<bool>();
    out->push_back(std::move(row));
  }
}

}  // namespace

Result<std::vector<VersionedRow>> ReadVersionsAsOf(EngineContext& engine,
                                                   const std::shared_ptr<const TableDefinition>& def,
                                                   const std::string& scope,
                                                   const std::shared_ptr<const store::Snapshot>& snapshot, SeqId as_of,
                                                   SeqId after) {
  std::vector<VersionedRow> rows;
  const size_t ncols = def->columns.size();
  const tables::ScanProjection projection = FullProjection(*def);
  // Segments are listed after the snapshot was taken: they cover every version the
  // snapshot no longer holds.
  std::vector<tables::ColdSegment> wanted;
  if (def->type != TableType::kStream) {
    KALAM_ASSIGN_OR_RETURN(auto segments, engine.cold->Segments(*def, scope));
    for (const tables::ColdSegment& segment : *segments) {
      if (segment.max_seq <= after || segment.min_seq > as_of) continue;
      wanted.push_back(segment);
    }
  }
  std::unordered_set<std::string> hot_identities;
  tables::HotScanOptions options;
  options.include_tombstones = true;
  options.min_seq_exclusive = after;
  options.max_seq_inclusive = as_of;
  if (!wanted.empty()) options.identities = &hot_identities;
  tables::HotScanner scanner(*engine.backend, def, scope, snapshot, projection, options);
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), ProjectionTypes(*def));
  while (true) {
    chunk.Reset();
    if (scanner.Fill(chunk) == 0) break;
    AppendRows(chunk, ncols, nullptr, &rows);
  }
  KALAM_RETURN_IF_ERROR(scanner.status());
  if (!wanted.empty()) {
    tables::ColdFilter filter;
    filter.min_seq_exclusive = after;
    filter.max_seq_inclusive = as_of;
    const std::string sql = tables::ColdQuery(*def, projection, wanted, filter);
    auto connection = engine.cold->Connect();
    auto result = connection->SendQuery(sql);
    if (result->HasError()) return Status::IoError(result->GetError());
    while (auto cold = result->Fetch()) {
      if (cold->size() == 0) break;
      AppendRows(*cold, ncols, hot_identities.empty() ? nullptr : &hot_identities, &rows);
    }
    if (result->HasError()) return Status::IoError(result->GetError());
  }
  std::sort(rows.begin(), rows.end(), [](const VersionedRow& a, const VersionedRow& b) { return a.seq < b.seq; });
  return rows;
}

}  // namespace kalam::core
