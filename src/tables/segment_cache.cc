#include "kalam/tables/segment_cache.h"

#include "kalam/tables/cold_query.h"

namespace kalam::tables {
namespace {

// Every column a read could ask for, in DecodedSegment's layout.
ScanProjection FullProjection(const TableDefinition& def) {
  ScanProjection projection;
  for (uint32_t i = 0; i < def.columns.size(); ++i) {
    projection.push_back({ScanColumn::Kind::kUserColumn, i});
  }
  projection.push_back({ScanColumn::Kind::kSeq, 0});
  projection.push_back({ScanColumn::Kind::kDeleted, 0});
  projection.push_back({ScanColumn::Kind::kRowId, 0});
  return projection;
}

// Memory a flat chunk holds: fixed-width values plus the string bytes not inlined.
uint64_t BytesOf(duckdb::DataChunk& chunk) {
  uint64_t bytes = 0;
  for (auto& vector : chunk.data) {
    const auto& type = vector.GetType();
    bytes += chunk.size() * duckdb::GetTypeIdSize(type.InternalType());
    if (type.InternalType() != duckdb::PhysicalType::VARCHAR) continue;
    const auto* strings = duckdb::FlatVector::GetData<duckdb::string_t>(vector);
    const auto& validity = duckdb::FlatVector::Validity(vector);
    for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
      if (validity.RowIsValid(r) && !strings[r].IsInlined()) bytes += strings[r].GetSize();
    }
  }
  return bytes;
}

}  // namespace

size_t DecodedSegment::Position(const TableDefinition& def, const ScanColumn& column) {
  switch (column.kind) {
    case ScanColumn::Kind::kUserColumn: return column.column_index;
    case ScanColumn::Kind::kSeq: return def.columns.size();
    case ScanColumn::Kind::kDeleted: return def.columns.size() + 1;
    case ScanColumn::Kind::kRowId: return def.columns.size() + 2;
  }
  return def.columns.size();
}

std::string SegmentCache::KeyOf(const TableDefinition& def, const ColdSegment& segment) {
  // `_seq` values are never reused, so a file rewritten at the same path (a table dropped and
  // created again) has another range.
  return segment.absolute_path + '\n' + std::to_string(segment.min_seq) + '\n' + std::to_string(segment.max_seq) +
         '\n' + std::to_string(segment.row_count) + '\n' + std::to_string(def.schema_version);
}

Result<std::shared_ptr<const DecodedSegment>> SegmentCache::Get(ParquetDb& parquet, const TableDefinition& def,
                                                                const ColdSegment& segment) {
  const std::string key = KeyOf(def, segment);
  if (auto found = Find(key)) return found;
  auto decoded = std::make_shared<DecodedSegment>();
  auto connection = parquet.Connect();
  auto result = connection->SendQuery(ColdQuery(def, FullProjection(def), {segment}, {}, /*with_identity=*/false, 1));
  while (true) {
    if (result->HasError()) return Status::IoError(result->GetError());
    auto chunk = result->Fetch();
    if (result->HasError()) return Status::IoError(result->GetError());
    if (!chunk || chunk->size() == 0) break;
    chunk->Flatten();
    decoded->bytes += BytesOf(*chunk);
    decoded->chunks.push_back(std::move(chunk));
  }
  std::shared_ptr<const DecodedSegment> shared = std::move(decoded);
  Insert(key, shared);
  return shared;
}

std::shared_ptr<const DecodedSegment> SegmentCache::Find(const std::string& key) {
  MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.segment;
}

void SegmentCache::Insert(const std::string& key, std::shared_ptr<const DecodedSegment> segment) {
  if (max_bytes_ == 0 || segment->bytes > max_bytes_ / 4) return;
  MutexLock lock(&mu_);
  if (entries_.count(key)) return;  // another read decoded it meanwhile
  lru_.push_front(key);
  bytes_ += segment->bytes;
  entries_.emplace(key, Entry{std::move(segment), lru_.begin()});
  while (bytes_ > max_bytes_) {
    auto oldest = entries_.find(lru_.back());
    bytes_ -= oldest->second.segment->bytes;
    entries_.erase(oldest);
    lru_.pop_back();
  }
}

uint64_t SegmentCache::bytes() const {
  MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace kalam::tables
