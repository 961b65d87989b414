#include "kalam/tables/hot_scanner.h"

#include <algorithm>
#include <cstring>

#include "duckdb/common/types/vector.hpp"
#include "kalam/commons/byte_buffer.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/row_codec.h"

namespace kalam::tables {
namespace {

using duckdb::FlatVector;
using duckdb::idx_t;
using duckdb::StringVector;
using duckdb::Vector;

template <typename T>
bool ReadInto(ByteReader& r, Vector* out, idx_t row) {
  T x;
  if (!r.Raw(&x)) return false;
  if (out) FlatVector::GetData<T>(*out)[row] = x;
  return true;
}

// Reads one stored value; writes it to `out` at `row` unless `out` is null (not projected).
bool ReadValue(const DataType& type, ByteReader& r, Vector* out, idx_t row) {
  switch (type.kind) {
    case TypeKind::kBoolean: {
      uint8_t b;
      if (!r.U8(&b)) return false;
      if (out) FlatVector::GetData<bool>(*out)[row] = b != 0;
      return true;
    }
    case TypeKind::kSmallInt: return ReadInto<int16_t>(r, out, row);
    case TypeKind::kInt: return ReadInto<int32_t>(r, out, row);
    case TypeKind::kBigInt: return ReadInto<int64_t>(r, out, row);
    case TypeKind::kFloat: return ReadInto<float>(r, out, row);
    case TypeKind::kDouble: return ReadInto<double>(r, out, row);
    case TypeKind::kDecimal: {
      if (type.precision > 18) return ReadInto<duckdb::hugeint_t>(r, out, row);
      int64_t x;
      if (!r.Raw(&x)) return false;
      if (!out) return true;
      if (type.precision <= 4) {
        FlatVector::GetData<int16_t>(*out)[row] = static_cast<int16_t>(x);
      } else if (type.precision <= 9) {
        FlatVector::GetData<int32_t>(*out)[row] = static_cast<int32_t>(x);
      } else {
        FlatVector::GetData<int64_t>(*out)[row] = x;
      }
      return true;
    }
    case TypeKind::kText:
    case TypeKind::kJson:
    case TypeKind::kBytes: {
      std::string_view s;
      if (!r.Bytes(&s)) return false;
      if (out) {
        FlatVector::GetData<duckdb::string_t>(*out)[row] =
            StringVector::AddStringOrBlob(*out, duckdb::string_t(s.data(), static_cast<uint32_t>(s.size())));
      }
      return true;
    }
    case TypeKind::kTimestamp:
    case TypeKind::kDateTime:
    case TypeKind::kTime: return ReadInto<int64_t>(r, out, row);
    case TypeKind::kDate: return ReadInto<int32_t>(r, out, row);
    case TypeKind::kUuid: return ReadInto<duckdb::hugeint_t>(r, out, row);
  }
  return false;
}

}  // namespace

HotScanner::HotScanner(const store::StorageBackend& backend, std::shared_ptr<const TableDefinition> def,
                       std::string scope, std::shared_ptr<const store::Snapshot> snapshot, ScanProjection projection,
                       HotScanOptions options)
    : def_(std::move(def)),
      snapshot_(std::move(snapshot)),
      projection_(std::move(projection)),
      options_(options),
      next_fill_rows_(std::max<idx_t>(1, options.first_fill_rows)) {
  output_of_column_.assign(def_->columns.size(), -1);
  for (size_t i = 0; i < projection_.size(); ++i) {
    const ScanColumn& c = projection_[i];
    switch (c.kind) {
      case ScanColumn::Kind::kUserColumn: output_of_column_[c.column_index] = static_cast<int>(i); break;
      case ScanColumn::Kind::kSeq: seq_out_ = static_cast<int>(i); break;
      case ScanColumn::Kind::kDeleted: deleted_out_ = static_cast<int>(i); break;
      case ScanColumn::Kind::kRowId: row_id_out_ = static_cast<int>(i); break;
    }
  }
  for (size_t i = 0; i < output_of_column_.size(); ++i) {
    if (output_of_column_[i] >= 0) last_needed_column_ = i;
  }
  const std::string prefix = ScopePrefix(def_->number, scope);
  std::string begin = prefix;
  // Unsigned arithmetic: `_seq > INT64_MAX` must give an empty range, not overflow.
  AppendSeq(&begin, static_cast<SeqId>(static_cast<uint64_t>(options_.min_seq_exclusive) + 1));
  std::string end = prefix;
  if (options_.max_seq_inclusive == INT64_MAX) {
    end = store::PrefixSuccessor(prefix);
  } else {
    AppendSeq(&end, options_.max_seq_inclusive + 1);
  }
  // An empty range (a primary-key lookup whose row is not hot) opens no iterator: seeking to
  // the last key below `end` would walk back over whatever precedes this scope's range, e.g.
  // the deleted versions another scope flushed, to find nothing.
  if (begin >= end) return;
  it_ = backend.Scan(store::Partition::kRows, begin, end, snapshot_.get());
  if (options_.newest_first) {
    it_->SeekToLast();
  } else {
    it_->SeekToFirst();
  }
}

bool HotScanner::DecodeInto(std::string_view key, std::string_view value, duckdb::DataChunk& out, idx_t row) {
  ByteReader r(value);
  uint8_t format = 0, flags = 0;
  uint64_t version = 0, row_id = 0, count = 0;
  if (!r.U8(&format) || !r.Varint(&version) || !r.U8(&flags) || !r.Raw(&row_id) || !r.Varint(&count)) return false;
  const bool deleted = (flags & 1) != 0;
  if (version != def_->schema_version) {
    if (!DecodeOtherVersionInto(static_cast<uint32_t>(version), value, out, row)) return false;
  } else {
    const size_t n = def_->columns.size();
    if (count != n) return false;
    const size_t bitmap_bytes = (n + 7) / 8;
    const char* bitmap = value.data() + (value.size() - r.remaining());
    if (!r.Skip(bitmap_bytes)) return false;
    for (size_t i = 0; i < n && i <= last_needed_column_; ++i) {
      const int out_index = output_of_column_[i];
      const bool is_null = (bitmap[i / 8] >> (i % 8)) & 1;
      if (is_null) {
        if (out_index >= 0) FlatVector::SetNull(out.data[out_index], row, true);
        continue;
      }
      Vector* target = out_index >= 0 ? &out.data[out_index] : nullptr;
      if (!ReadValue(def_->columns[i].type, r, target, row)) return false;
    }
  }
  if (seq_out_ >= 0) FlatVector::GetData<int64_t>(out.data[seq_out_])[row] = SeqFromRowKey(key);
  if (deleted_out_ >= 0) FlatVector::GetData<bool>(out.data[deleted_out_])[row] = deleted;
  if (row_id_out_ >= 0) FlatVector::GetData<int64_t>(out.data[row_id_out_])[row] = static_cast<int64_t>(row_id);
  return true;
}

bool HotScanner::DecodeOtherVersionInto(uint32_t version, std::string_view value, duckdb::DataChunk& out,
                                        idx_t row) {
  auto it = projectors_.find(version);
  if (it == projectors_.end()) {
    auto made = RowProjector::Make(*def_, version);
    if (!made.ok()) return false;
    it = projectors_.emplace(version, std::move(made).value()).first;
  }
  const RowProjector& projector = it->second;
  std::vector<DataType> types;
  for (const RowLayout::Column& c : projector.stored().columns) types.push_back(c.type);
  auto stored = DecodeStoredValues(types, value);
  if (!stored.ok()) return false;
  auto values = projector.Apply(std::move(stored).value());
  if (!values.ok()) return false;
  for (size_t i = 0; i < values->size(); ++i) {
    if (output_of_column_[i] >= 0) out.data[output_of_column_[i]].SetValue(row, (*values)[i]);
  }
  return true;
}

void HotScanner::RecordIdentity(std::string_view value) {
  const auto pk = def_->PrimaryKeyIndex();
  RowHeader header;
  if (!pk) {
    auto h = DecodeRowHeader(value);
    if (h.ok()) options_.identities->insert(std::to_string(h->row_id));
    return;
  }
  auto values = DecodeRowValues(*def_, value, &header);
  if (values.ok()) options_.identities->insert((*values)[*pk].ToString());
}

void HotScanner::Advance() {
  if (options_.newest_first) {
    it_->Prev();
  } else {
    it_->Next();
  }
}

idx_t HotScanner::Fill(duckdb::DataChunk& out) {
  const idx_t capacity = std::min<idx_t>(out.GetCapacity(), next_fill_rows_);
  next_fill_rows_ = std::min<idx_t>(out.GetCapacity(), next_fill_rows_ * 4);
  idx_t row = 0;
  if (!it_) {
    out.SetCardinality(0);
    return 0;
  }
  while (row < capacity && it_->Valid()) {
    const std::string_view value = it_->value();
    // Byte 0 is the format, then the version varint, then the flags byte.
    ByteReader peek(value);
    uint8_t format = 0, flags = 0;
    uint64_t version = 0;
    if (!peek.U8(&format) || !peek.Varint(&version) || !peek.U8(&flags)) {
      status_ = Status::Corruption("bad row in " + def_->id.ToString());
      break;
    }
    if (options_.identities != nullptr) RecordIdentity(value);
    if ((flags & 1) && !options_.include_tombstones) {
      Advance();
      continue;
    }
    if (!DecodeInto(it_->key(), value, out, row)) {
      status_ = Status::Corruption("bad row in " + def_->id.ToString());
      break;
    }
    ++row;
    Advance();
  }
  if (status_.ok() && !it_->Valid()) status_ = it_->status();
  out.SetCardinality(row);
  return row;
}

}  // namespace kalam::tables
