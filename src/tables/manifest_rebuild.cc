#include "manifest_rebuild.h"

#include <algorithm>

#include "kalam/commons/clock.h"
#include "kalam/filestore/table_files.h"
#include "primary_key_stat.h"
#include "segment_file_format.h"
#include "sql_text.h"

namespace kalam::tables {

Result<filestore::Manifest> RebuildManifest(const TableDefinition& def, const std::string& scope,
                                            filestore::FileBackend& files, const std::string& dir,
                                            duckdb::Connection& parquet) {
  auto names = files.List(dir);
  if (!names.ok()) return Status::NotFound("no cold data in " + dir);  // no directory
  std::vector<int64_t> batches;
  for (const std::string& name : *names) {
    if (auto n = filestore::ParseSegmentFileName(name)) batches.push_back(*n);
  }
  if (batches.empty()) return Status::NotFound("no cold data in " + dir);
  std::sort(batches.begin(), batches.end());
  filestore::Manifest manifest;
  manifest.table_id = def.id.ToString();
  if (def.type != TableType::kShared) manifest.user_id = scope;
  manifest.created_at_ms = NowMicros() / 1000;
  const auto pk = def.PrimaryKeyIndex();
  for (int64_t n : batches) {
    const std::string rel = filestore::JoinPath(dir, filestore::SegmentFileName(n));
    std::string sql = "SELECT count(*), min(_seq), max(_seq)";
    if (pk) {
      const std::string key = QuoteIdent(def.columns[*pk].name);
      sql += ", min(" + key + "), max(" + key + ")";
    }
    KALAM_ASSIGN_OR_RETURN(std::string local, files.LocalReadPath(rel));
    auto result = parquet.Query(sql + " FROM read_parquet(" + QuoteLiteral(local) + ")");
    if (result->HasError())
      return Status::Corruption("cannot rebuild the manifest of " + dir + ": " + result->GetError());
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
    segment.schema_version = ReadSegmentSchemaVersion(parquet, local).value_or(def.schema_version);
    segment.status = filestore::SegmentStatus::kCommitted;
    segment.column_stats[filestore::ColumnStatsKey(0)] =
        filestore::ColumnStats{std::to_string(segment.min_seq), std::to_string(segment.max_seq), 0};
    if (pk) {
      segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] = filestore::ColumnStats{
          PrimaryKeyStatJson(chunk->GetValue(3, 0)), PrimaryKeyStatJson(chunk->GetValue(4, 0)), 0};
    }
    manifest.segments.push_back(std::move(segment));
    manifest.last_sequence_number = n;
  }
  return manifest;
}

}  // namespace kalam::tables
