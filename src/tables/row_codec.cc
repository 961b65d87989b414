#include "kalam/tables/row_codec.h"

#include "kalam/commons/byte_buffer.h"
#include "kalam/tables/row_projection.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::tables {
namespace {

constexpr uint8_t kRowFormat = 1;

void EncodeValue(const DataType& type, const duckdb::Value& v, ByteWriter& w) {
  switch (type.kind) {
    case TypeKind::kBoolean: w.U8(v.GetValueUnsafe<bool>() ? 1 : 0); break;
    case TypeKind::kSmallInt: w.Raw(v.GetValueUnsafe<int16_t>()); break;
    case TypeKind::kInt: w.Raw(v.GetValueUnsafe<int32_t>()); break;
    case TypeKind::kBigInt: w.Raw(v.GetValueUnsafe<int64_t>()); break;
    case TypeKind::kFloat: w.Raw(v.GetValueUnsafe<float>()); break;
    case TypeKind::kDouble: w.Raw(v.GetValueUnsafe<double>()); break;
    case TypeKind::kDecimal:
      switch (v.type().InternalType()) {
        case duckdb::PhysicalType::INT16: w.Raw(int64_t(v.GetValueUnsafe<int16_t>())); break;
        case duckdb::PhysicalType::INT32: w.Raw(int64_t(v.GetValueUnsafe<int32_t>())); break;
        case duckdb::PhysicalType::INT64: w.Raw(v.GetValueUnsafe<int64_t>()); break;
        default: w.Raw(v.GetValueUnsafe<duckdb::hugeint_t>()); break;
      }
      break;
    case TypeKind::kText:
    case TypeKind::kJson:
    case TypeKind::kBytes: w.Bytes(duckdb::StringValue::Get(v)); break;
    case TypeKind::kTimestamp:
    case TypeKind::kDateTime: w.Raw(v.GetValueUnsafe<int64_t>()); break;
    case TypeKind::kDate: w.Raw(v.GetValueUnsafe<int32_t>()); break;
    case TypeKind::kTime: w.Raw(v.GetValueUnsafe<int64_t>()); break;
    case TypeKind::kUuid: w.Raw(v.GetValueUnsafe<duckdb::hugeint_t>()); break;
  }
}

template <typename T>
bool ReadRaw(ByteReader& r, T* out) { return r.Raw(out); }

bool DecodeValue(const DataType& type, ByteReader& r, duckdb::Value* out) {
  const duckdb::LogicalType lt = ToLogicalType(type);
  switch (type.kind) {
    case TypeKind::kBoolean: { uint8_t b; if (!r.U8(&b)) return false; *out = duckdb::Value::BOOLEAN(b != 0); return true; }
    case TypeKind::kSmallInt: { int16_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::SMALLINT(x); return true; }
    case TypeKind::kInt: { int32_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::INTEGER(x); return true; }
    case TypeKind::kBigInt: { int64_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::BIGINT(x); return true; }
    case TypeKind::kFloat: { float x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::FLOAT(x); return true; }
    case TypeKind::kDouble: { double x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::DOUBLE(x); return true; }
    case TypeKind::kDecimal:
      if (type.precision <= 18) {
        int64_t x;
        if (!ReadRaw(r, &x)) return false;
        *out = duckdb::Value::DECIMAL(x, type.precision, type.scale);
      } else {
        duckdb::hugeint_t x;
        if (!ReadRaw(r, &x)) return false;
        *out = duckdb::Value::DECIMAL(x, type.precision, type.scale);
      }
      return true;
    case TypeKind::kText: { std::string_view s; if (!r.Bytes(&s)) return false; *out = duckdb::Value(std::string(s)); return true; }
    case TypeKind::kJson: {
      std::string_view s;
      if (!r.Bytes(&s)) return false;
      *out = duckdb::Value(std::string(s));
      out->Reinterpret(lt);
      return true;
    }
    case TypeKind::kBytes: { std::string_view s; if (!r.Bytes(&s)) return false; *out = duckdb::Value::BLOB_RAW(std::string(s)); return true; }
    case TypeKind::kTimestamp: { int64_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::TIMESTAMP(duckdb::timestamp_t(x)); return true; }
    case TypeKind::kDateTime: { int64_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(x)); return true; }
    case TypeKind::kDate: { int32_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::DATE(duckdb::date_t(x)); return true; }
    case TypeKind::kTime: { int64_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::TIME(duckdb::dtime_t(x)); return true; }
    case TypeKind::kUuid: { duckdb::hugeint_t x; if (!ReadRaw(r, &x)) return false; *out = duckdb::Value::UUID(x); return true; }
  }
  return false;
}

}  // namespace

void EncodeRow(const TableDefinition& def, const std::vector<duckdb::Value>& values, bool deleted, uint64_t row_id,
               std::string* out) {
  out->clear();
  ByteWriter w(out);
  w.U8(kRowFormat);
  w.Varint(def.schema_version);
  w.U8(deleted ? 1 : 0);
  w.Raw(row_id);
  const size_t n = def.columns.size();
  w.Varint(n);
  const size_t bitmap_at = out->size();
  out->append((n + 7) / 8, '\0');
  for (size_t i = 0; i < n; ++i) {
    if (values[i].IsNull()) {
      (*out)[bitmap_at + i / 8] |= static_cast<char>(1 << (i % 8));
      continue;
    }
    EncodeValue(def.columns[i].type, values[i], w);
  }
}

Result<RowHeader> DecodeRowHeader(std::string_view bytes) {
  ByteReader r(bytes);
  RowHeader h;
  uint8_t format = 0, flags = 0;
  uint64_t version = 0, count = 0;
  if (!r.U8(&format) || format != kRowFormat || !r.Varint(&version) || !r.U8(&flags) || !r.Raw(&h.row_id) ||
      !r.Varint(&count)) {
    return Status::Corruption("bad row header");
  }
  h.schema_version = static_cast<uint32_t>(version);
  h.deleted = (flags & 1) != 0;
  h.column_count = static_cast<uint32_t>(count);
  return h;
}

Result<std::vector<duckdb::Value>> DecodeStoredValues(const std::vector<DataType>& types, std::string_view bytes,
                                                      RowHeader* header) {
  KALAM_ASSIGN_OR_RETURN(RowHeader h, DecodeRowHeader(bytes));
  ByteReader r(bytes);
  uint8_t u8;
  uint64_t v;
  r.U8(&u8);
  r.Varint(&v);
  r.U8(&u8);
  r.Skip(8);
  r.Varint(&v);
  const size_t n = h.column_count;
  if (n != types.size()) return Status::Corruption("row has a different column count than its schema");
  std::string_view bitmap;
  const size_t bitmap_bytes = (n + 7) / 8;
  if (r.remaining() < bitmap_bytes) return Status::Corruption("truncated row");
  bitmap = bytes.substr(bytes.size() - r.remaining(), bitmap_bytes);
  r.Skip(bitmap_bytes);
  std::vector<duckdb::Value> values(n);
  for (size_t i = 0; i < n; ++i) {
    if (bitmap[i / 8] & (1 << (i % 8))) {
      values[i] = duckdb::Value(ToLogicalType(types[i]));
      continue;
    }
    if (!DecodeValue(types[i], r, &values[i])) return Status::Corruption("truncated row value");
  }
  if (header) *header = h;
  return values;
}

Result<std::vector<duckdb::Value>> DecodeRowValues(const TableDefinition& def, std::string_view bytes,
                                                   RowHeader* header) {
  KALAM_ASSIGN_OR_RETURN(RowHeader h, DecodeRowHeader(bytes));
  if (h.schema_version == def.schema_version) {
    std::vector<DataType> types;
    types.reserve(def.columns.size());
    for (const ColumnDefinition& c : def.columns) types.push_back(c.type);
    return DecodeStoredValues(types, bytes, header);
  }
  KALAM_ASSIGN_OR_RETURN(RowProjector projector, RowProjector::Make(def, h.schema_version));
  std::vector<DataType> types;
  for (const RowLayout::Column& c : projector.stored().columns) types.push_back(c.type);
  KALAM_ASSIGN_OR_RETURN(std::vector<duckdb::Value> stored, DecodeStoredValues(types, bytes, header));
  return projector.Apply(std::move(stored));
}

}  // namespace kalam::tables
