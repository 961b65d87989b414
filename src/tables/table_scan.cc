#include "kalam/tables/table_scan.h"

#include <algorithm>

#include "kalam/tables/type_mapping.h"
#include "merging_iterator.h"
#include "version_sources.h"

namespace kalam::tables {
namespace {

// `seq - 1` without overflowing at INT64_MIN (no stored `_seq` is negative anyway).
SeqId SeqBefore(SeqId seq) { return seq == INT64_MIN ? INT64_MIN : seq - 1; }

// A projection with the identity, `_seq` and `_deleted` added where it lacks them, and
// where each of them is.
struct ExtendedProjection {
  ScanProjection projection;
  ChildIterator::Columns columns;
};

ExtendedProjection Extend(const TableDefinition& def, ScanProjection projection) {
  const auto pk = def.PrimaryKeyIndex();
  const ScanColumn identity = pk ? ScanColumn{ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(*pk)}
                                 : ScanColumn{ScanColumn::Kind::kRowId, 0};
  auto position = [&](const ScanColumn& wanted) {
    for (size_t i = 0; i < projection.size(); ++i) {
      const ScanColumn& c = projection[i];
      if (c.kind == wanted.kind && (c.kind != ScanColumn::Kind::kUserColumn || c.column_index == wanted.column_index)) {
        return i;
      }
    }
    projection.push_back(wanted);
    return projection.size() - 1;
  };
  ExtendedProjection out;
  out.columns.identity = position(identity);
  out.columns.identity_is_row_id = !pk;
  out.columns.seq = position({ScanColumn::Kind::kSeq, 0});
  out.columns.deleted = position({ScanColumn::Kind::kDeleted, 0});
  out.projection = std::move(projection);
  return out;
}

duckdb::vector<duckdb::LogicalType> TypesOf(const TableDefinition& def, const ScanProjection& projection) {
  duckdb::vector<duckdb::LogicalType> types;
  for (const ScanColumn& c : projection) {
    switch (c.kind) {
      case ScanColumn::Kind::kUserColumn: types.push_back(ToLogicalType(def.columns[c.column_index].type)); break;
      case ScanColumn::Kind::kDeleted: types.push_back(duckdb::LogicalType::BOOLEAN); break;
      case ScanColumn::Kind::kSeq:
      case ScanColumn::Kind::kRowId: types.push_back(duckdb::LogicalType::BIGINT); break;
    }
  }
  return types;
}

}  // namespace

TableScan::TableScan(const TableStore& store, ParquetDb& parquet, std::shared_ptr<const TableDefinition> def,
                     std::string scope, std::shared_ptr<const store::Snapshot> snapshot,
                     std::shared_ptr<const std::vector<ColdSegment>> segments, ScanProjection projection,
                     TableScanOptions options)
    : store_(store),
      parquet_(parquet),
      def_(std::move(def)),
      scope_(std::move(scope)),
      snapshot_(std::move(snapshot)),
      segments_(segments ? std::move(segments) : std::make_shared<const std::vector<ColdSegment>>()),
      projection_(std::move(projection)),
      options_(std::move(options)) {}

std::vector<ColdSegment> TableScan::WantedSegments() const {
  std::vector<ColdSegment> wanted;
  for (const ColdSegment& segment : *segments_) {
    // Versions at or below the lower bound cannot match, and any newer version of the same
    // row lives in a newer segment or the hot tier: skipping is safe.
    if (segment.max_seq <= options_.min_seq_exclusive || segment.min_seq > options_.as_of_seq) continue;
    // A primary-key lookup: a segment whose key range excludes the value holds no version
    // of that row, so no version it holds could hide or be hidden by one that matches.
    if (options_.primary_key && !segment.MayContainKey(*options_.primary_key)) continue;
    wanted.push_back(segment);
  }
  return wanted;
}

SeqId TableScan::HotFloor() const {
  SeqId floor = 0;  // hot versions at or below this were flushed (and are in Parquet)
  if (!options_.skip_flushed_hot) return floor;
  for (const ColdSegment& segment : *segments_) floor = std::max(floor, segment.flushed_upto_seq);
  return floor;
}

bool TableScan::NarrowToPrimaryKey(HotScanOptions* options) {
  // A primary-key lookup: at most one hot version, found through the index.
  auto found = store_.FindByPrimaryKey(*def_, scope_, *options_.primary_key, snapshot_.get());
  if (!found.ok()) {
    status_ = found.status();
    return false;
  }
  const SeqId seq = found->value_or(0);
  if (!found->has_value() || seq <= options->min_seq_exclusive || seq > options->max_seq_inclusive) return false;
  options->min_seq_exclusive = SeqBefore(seq);
  options->max_seq_inclusive = seq;
  return true;
}

void TableScan::StartFill() {
  HotScanOptions hot;
  hot.include_tombstones = options_.include_tombstones;
  hot.min_seq_exclusive = options_.min_seq_exclusive;
  hot.max_seq_inclusive = std::min(options_.max_seq_hint, options_.as_of_seq);
  const std::vector<ColdSegment> wanted = WantedSegments();
  if (!wanted.empty()) {
    ColdFilter filter;
    filter.min_seq_exclusive = options_.min_seq_exclusive;
    filter.max_seq_inclusive = options_.as_of_seq;
    if (options_.primary_key) filter.primary_key = &*options_.primary_key;
    filter.comparisons = options_.comparisons;
    cold_sql_ = ColdQuery(*def_, projection_, wanted, filter);
    cold_sql_without_identity_ = ColdQuery(*def_, projection_, wanted, filter, /*with_identity=*/false);
    hot.identities = &hot_identities_;
    // The statement's upper bound would hide hot versions that supersede older cold ones.
    hot.max_seq_inclusive = options_.as_of_seq;
  }
  if (options_.primary_key && !NarrowToPrimaryKey(&hot)) {
    hot.min_seq_exclusive = 1;
    hot.max_seq_inclusive = 0;  // empty range
  }
  hot.min_seq_exclusive = std::max(hot.min_seq_exclusive, HotFloor());
  hot_ = std::make_unique<HotScanner>(store_.backend(), def_, scope_, snapshot_, projection_, hot);
}

duckdb::idx_t TableScan::Fill(duckdb::DataChunk& out) {
  if (!fill_started_) {
    fill_started_ = true;
    StartFill();
  }
  out.SetCardinality(0);
  if (!status_.ok()) return 0;
  if (!hot_done_) {
    const duckdb::idx_t n = hot_->Fill(out);
    if (!hot_->status().ok()) {
      status_ = hot_->status();
      return 0;
    }
    if (n > 0) return n;
    hot_done_ = true;
  }
  if (cold_sql_.empty()) return 0;
  if (!cold_result_) {
    cold_connection_ = parquet_.Connect();
    cold_result_ = cold_connection_->SendQuery(hot_identities_.empty() ? cold_sql_without_identity_ : cold_sql_);
  }
  const size_t p = projection_.size();
  while (true) {
    if (!cold_result_->HasError()) cold_chunk_ = cold_result_->Fetch();
    if (cold_result_->HasError()) {
      status_ = Status::IoError(cold_result_->GetError());
      return 0;
    }
    if (!cold_chunk_ || cold_chunk_->size() == 0) return 0;
    duckdb::DataChunk& chunk = *cold_chunk_;
    duckdb::UnifiedVectorFormat ids, deleted;
    chunk.data[p].ToUnifiedFormat(chunk.size(), ids);
    chunk.data[p + 1].ToUnifiedFormat(chunk.size(), deleted);
    const auto* id_data = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(ids);
    const auto* deleted_data = duckdb::UnifiedVectorFormat::GetData<bool>(deleted);
    duckdb::SelectionVector keep(chunk.size());
    duckdb::idx_t kept = 0;
    for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
      const duckdb::idx_t di = deleted.sel->get_index(r);
      if (!options_.include_tombstones && deleted.validity.RowIsValid(di) && deleted_data[di]) continue;
      const duckdb::idx_t ii = ids.sel->get_index(r);
      if (!hot_identities_.empty() && ids.validity.RowIsValid(ii) && hot_identities_.count(id_data[ii].GetString())) {
        continue;  // the hot tier holds a newer version of this row
      }
      keep.set_index(kept++, r);
    }
    if (kept == 0) continue;
    // Every row kept (the usual case: the Parquet read already filtered): flat vectors, so the
    // plan above works without a selection to follow.
    for (size_t j = 0; j < p; ++j) {
      if (kept == chunk.size()) {
        out.data[j].Reference(chunk.data[j]);
      } else {
        out.data[j].Slice(chunk.data[j], keep, kept);
      }
    }
    out.SetCardinality(kept);
    return kept;
  }
}

std::unique_ptr<VersionIterator> TableScan::Merged(const ScanProjection& projection, ScanOrder order) {
  const ExtendedProjection extended = Extend(*def_, projection);
  const bool newest_first = order == ScanOrder::kNewestFirst;
  std::vector<std::unique_ptr<ChildIterator>> children;

  HotScanOptions hot;
  hot.include_tombstones = true;  // a tombstone hides older versions; NewestVisible decides
  hot.min_seq_exclusive = options_.min_seq_exclusive;
  hot.max_seq_inclusive = options_.as_of_seq;
  hot.newest_first = newest_first;
  hot.first_fill_rows = options_.first_hot_chunk_rows;
  const std::vector<ColdSegment> wanted = WantedSegments();
  // With no segment to read, each identity has one version (the hot one), so the
  // statement's `_seq` upper bound hides nothing it should not: the read seeks to it (paging
  // back). With segments, a newer hot version may supersede an older cold one and must be seen.
  if (wanted.empty()) hot.max_seq_inclusive = std::min(hot.max_seq_inclusive, options_.max_seq_hint);
  if (options_.primary_key && !NarrowToPrimaryKey(&hot)) {
    if (!status_.ok()) return std::make_unique<FailedIterator>(status_);
    hot.min_seq_exclusive = 1;
    hot.max_seq_inclusive = 0;  // empty range
  }
  hot.min_seq_exclusive = std::max(hot.min_seq_exclusive, HotFloor());
  const auto types = TypesOf(*def_, extended.projection);
  children.push_back(std::make_unique<ChildIterator>(
      [this, projection = extended.projection, hot, types] {
        return std::make_unique<HotChunkSource>(
            std::make_unique<HotScanner>(store_.backend(), def_, scope_, snapshot_, projection, hot), types);
      },
      newest_first ? hot.max_seq_inclusive : hot.min_seq_exclusive, extended.columns, &counters_));

  if (options_.segment_cache != nullptr) {
    CachedChunkSource::Filter filter;
    filter.min_seq_exclusive = options_.min_seq_exclusive;
    filter.max_seq_inclusive = options_.as_of_seq;
    const auto pk = def_->PrimaryKeyIndex();
    if (options_.primary_key && pk) {
      filter.primary_key = *options_.primary_key;
      filter.primary_key_position =
          DecodedSegment::Position(*def_, {ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(*pk)});
    }
    std::vector<size_t> positions;
    for (const ScanColumn& column : extended.projection) positions.push_back(DecodedSegment::Position(*def_, column));
    const size_t seq_position = DecodedSegment::Position(*def_, {ScanColumn::Kind::kSeq, 0});
    for (const ColdSegment& segment : wanted) {
      children.push_back(std::make_unique<ChildIterator>(
          [this, segment, positions, types, seq_position, filter, newest_first] {
            return std::make_unique<CachedChunkSource>(options_.segment_cache->Get(parquet_, *def_, segment), positions,
                                                       types, seq_position, filter, newest_first);
          },
          newest_first ? segment.max_seq : segment.min_seq, extended.columns, &counters_));
    }
    return std::make_unique<MergingIterator>(std::move(children), order);
  }
  for (const ColdSegment& segment : wanted) {
    ColdFilter filter;
    filter.min_seq_exclusive = options_.min_seq_exclusive;
    filter.max_seq_inclusive = options_.as_of_seq;
    if (options_.primary_key) filter.primary_key = &*options_.primary_key;
    // One segment holds at most one version per identity: no deduplication, and the read
    // streams in `_seq` order.
    std::string sql =
        ColdQuery(*def_, extended.projection, {segment}, filter, /*with_identity=*/false, newest_first ? -1 : 1);
    children.push_back(std::make_unique<ChildIterator>(
        [this, sql = std::move(sql)] { return std::make_unique<ColdChunkSource>(parquet_.Connect(), sql); },
        newest_first ? segment.max_seq : segment.min_seq, extended.columns, &counters_));
  }
  return std::make_unique<MergingIterator>(std::move(children), order);
}

std::unique_ptr<VersionIterator> TableScan::Ordered(ScanOrder order) {
  if (order == ScanOrder::kNewestFirst) {
    return std::make_unique<NewestVisibleIterator>(Merged(projection_, order), order, options_.include_tombstones);
  }
  // Oldest first, a version is shown only when it is its identity's newest: a first,
  // newest-first pass over the identities alone finds them. The hot tier holds one version
  // per identity, so without segments there is nothing to find.
  std::optional<NewestVisibleIterator::NewestSeqs> newest;
  if (!WantedSegments().empty()) {
    newest.emplace();
    auto pass = Merged({}, ScanOrder::kNewestFirst);
    for (; pass->Valid(); pass->Next()) newest->emplace(pass->identity(), pass->seq());
    if (!pass->status().ok()) return std::make_unique<FailedIterator>(pass->status());
  }
  return std::make_unique<NewestVisibleIterator>(Merged(projection_, order), order, options_.include_tombstones,
                                                 std::move(newest));
}

}  // namespace kalam::tables
