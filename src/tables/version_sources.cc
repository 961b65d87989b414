#include "version_sources.h"

#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "kalam/commons/byte_buffer.h"
#include "kalam/tables/key_codec.h"

namespace kalam::tables {

HotChunkSource::HotChunkSource(std::unique_ptr<HotScanner> scanner, const duckdb::vector<duckdb::LogicalType>& types)
    : scanner_(std::move(scanner)) {
  chunk_.Initialize(duckdb::Allocator::DefaultAllocator(), types);
}

duckdb::DataChunk* HotChunkSource::NextChunk() {
  chunk_.Reset();
  return scanner_->Fill(chunk_) > 0 ? &chunk_ : nullptr;
}

ColdChunkSource::ColdChunkSource(std::unique_ptr<duckdb::Connection> connection, const std::string& sql)
    : connection_(std::move(connection)) {
  result_ = connection_->SendQuery(sql);
  if (result_->HasError()) status_ = Status::IoError(result_->GetError());
}

duckdb::DataChunk* ColdChunkSource::NextChunk() {
  if (!status_.ok()) return nullptr;
  chunk_ = result_->Fetch();
  if (result_->HasError()) {
    status_ = Status::IoError(result_->GetError());
    return nullptr;
  }
  return chunk_ && chunk_->size() > 0 ? chunk_.get() : nullptr;
}

CachedChunkSource::CachedChunkSource(Result<std::shared_ptr<const DecodedSegment>> segment,
                                     std::vector<size_t> positions, const duckdb::vector<duckdb::LogicalType>& types,
                                     size_t seq_position, Filter filter, bool newest_first)
    : positions_(std::move(positions)),
      seq_position_(seq_position),
      filter_(std::move(filter)),
      newest_first_(newest_first) {
  if (segment.ok()) {
    segment_ = std::move(segment).value();
  } else {
    status_ = segment.status();
  }
  chunk_.InitializeEmpty(types);
}

duckdb::DataChunk* CachedChunkSource::NextChunk() {
  if (!segment_) return nullptr;
  const size_t total = segment_->chunks.size();
  while (next_ < total) {
    const duckdb::DataChunk& source = *segment_->chunks[newest_first_ ? total - 1 - next_ : next_];
    ++next_;
    const duckdb::idx_t n = source.size();
    // Candidate rows in ascending order: all, or those holding the key.
    duckdb::SelectionVector candidates(n);
    duckdb::idx_t count = n;
    if (filter_.primary_key) {
      duckdb::Vector column(source.data[filter_.primary_key_position].GetType());
      column.Reference(source.data[filter_.primary_key_position]);
      duckdb::Vector key(*filter_.primary_key);
      count = duckdb::VectorOperations::Equals(column, key, nullptr, n, &candidates, nullptr);
    } else {
      for (duckdb::idx_t r = 0; r < n; ++r) candidates.set_index(r, r);
    }
    const auto* seqs = duckdb::FlatVector::GetData<int64_t>(source.data[seq_position_]);
    // The slices below keep this selection's buffer alive.
    duckdb::SelectionVector keep(n);
    duckdb::idx_t kept = 0;
    for (duckdb::idx_t i = 0; i < count; ++i) {
      const duckdb::idx_t r = candidates.get_index(newest_first_ ? count - 1 - i : i);
      if (seqs[r] <= filter_.min_seq_exclusive || seqs[r] > filter_.max_seq_inclusive) continue;
      keep.set_index(kept++, r);
    }
    if (kept == 0) continue;
    for (size_t j = 0; j < positions_.size(); ++j) chunk_.data[j].Slice(source.data[positions_[j]], keep, kept);
    chunk_.SetCardinality(kept);
    return &chunk_;
  }
  return nullptr;
}

ChildIterator::ChildIterator(Opener open, SeqId bound, Columns columns, ScanCounters* counters)
    : open_(std::move(open)), bound_(bound), columns_(columns), counters_(counters) {}

void ChildIterator::Open() {
  source_ = open_();
  ++counters_->children_opened;
  LoadChunk();
}

void ChildIterator::LoadChunk() {
  chunk_ = source_->NextChunk();
  row_ = 0;
  if (chunk_ == nullptr) return;
  ++counters_->chunks_read;
  const duckdb::idx_t n = chunk_->size();
  duckdb::UnifiedVectorFormat seq, deleted;
  chunk_->data[columns_.seq].ToUnifiedFormat(n, seq);
  chunk_->data[columns_.deleted].ToUnifiedFormat(n, deleted);
  const auto* seq_data = duckdb::UnifiedVectorFormat::GetData<int64_t>(seq);
  const auto* deleted_data = duckdb::UnifiedVectorFormat::GetData<bool>(deleted);
  seqs_.resize(n);
  deleted_.resize(n);
  for (duckdb::idx_t r = 0; r < n; ++r) {
    seqs_[r] = seq_data[seq.sel->get_index(r)];
    const duckdb::idx_t d = deleted.sel->get_index(r);
    deleted_[r] = deleted.validity.RowIsValid(d) && deleted_data[d];
  }
  Position();
}

void ChildIterator::Position() {
  const duckdb::Value id = chunk_->GetValue(columns_.identity, row_);
  if (columns_.identity_is_row_id) {
    identity_.clear();
    ByteWriter(&identity_).U64BE(static_cast<uint64_t>(id.GetValue<int64_t>()));
  } else {
    identity_ = EncodePrimaryKey(id);
  }
}

void ChildIterator::Next() {
  if (++row_ < chunk_->size()) {
    Position();
  } else {
    LoadChunk();
  }
}

}  // namespace kalam::tables
