#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "duckdb/common/allocator.hpp"
#include "duckdb/common/types/data_chunk.hpp"
#include "duckdb/common/types/value.hpp"
#include "kalam/commons/temp_dir.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/row_codec.h"
#include "kalam/tables/scan_projection.h"
#include "kalam/tables/table_store.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::tables {
namespace {

using duckdb::LogicalType;
using duckdb::Value;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;


DataType T(TypeKind k) { return DataType{k, 0, 0}; }

ColumnDefinition Column(std::string name, DataType type, bool pk = false) {
  ColumnDefinition c;
  c.name = std::move(name);
  c.type = type;
  c.primary_key = pk;
  c.nullable = !pk;
  return c;
}

// "prefix" followed by the decimal `n`.
std::string Numbered(std::string_view prefix, int64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

std::string Show(const Value& v) { return v.IsNull() ? "NULL" : v.ToString(); }

void ExpectSameValue(const Value& actual, const Value& expected, const std::string& what) {
  EXPECT_EQ(actual.IsNull(), expected.IsNull()) << what;
  EXPECT_TRUE(actual.type() == expected.type())
      << what << ": type " << actual.type().ToString() << " != " << expected.type().ToString();
  EXPECT_EQ(Show(actual), Show(expected)) << what;
}

Value Json(std::string text) {
  Value v(std::move(text));
  v.Reinterpret(LogicalType::JSON());
  return v;
}

// A table with a column of every type, including each physical width of DECIMAL.
std::shared_ptr<const TableDefinition> EveryTypeTable(TableNumber number) {
  auto def = std::make_shared<TableDefinition>();
  def->id = TableId{NamespaceId("app"), TableName("every")};
  def->number = number;
  def->type = TableType::kShared;
  const std::vector<std::pair<std::string, DataType>> columns = {
      {"b", T(TypeKind::kBoolean)},
      {"s", T(TypeKind::kSmallInt)},
      {"i", T(TypeKind::kInt)},
      {"bi", T(TypeKind::kBigInt)},
      {"f", T(TypeKind::kFloat)},
      {"d", T(TypeKind::kDouble)},
      {"dec4", DataType{TypeKind::kDecimal, 4, 1}},
      {"dec9", DataType{TypeKind::kDecimal, 9, 3}},
      {"dec", DataType{TypeKind::kDecimal, 10, 2}},
      {"dec38", DataType{TypeKind::kDecimal, 38, 5}},
      {"t", T(TypeKind::kText)},
      {"by", T(TypeKind::kBytes)},
      {"j", T(TypeKind::kJson)},
      {"ts", T(TypeKind::kTimestamp)},
      {"dt", T(TypeKind::kDateTime)},
      {"da", T(TypeKind::kDate)},
      {"tm", T(TypeKind::kTime)},
      {"u", T(TypeKind::kUuid)},
  };
  uint32_t id = 1;
  for (const auto& [name, type] : columns) {
    ColumnDefinition c = Column(name, type);
    c.column_id = id++;
    def->columns.push_back(c);
  }
  def->next_column_id = id;
  return def;
}

std::vector<Value> EveryTypeValues() {
  return {
      Value::BOOLEAN(true),
      Value::SMALLINT(-12345),
      Value::INTEGER(2000000000),
      Value::BIGINT(int64_t{1} << 60),
      Value::FLOAT(1.5f),
      Value::DOUBLE(-2.25e100),
      Value::DECIMAL(int16_t{-999}, 4, 1),
      Value::DECIMAL(int32_t{123456789}, 9, 3),
      Value::DECIMAL(int64_t{20075}, 10, 2),
      Value::DECIMAL(duckdb::hugeint_t(12345, 6789), 38, 5),
      Value("héllo, wörld"),
      Value::BLOB_RAW(std::string("h\0i\xff", 4)),
      Json(R"({"a":[1,2],"b":null})"),
      Value::TIMESTAMP(duckdb::timestamp_t(1761645600123456)),
      Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(-86400000000)),
      Value::DATE(duckdb::date_t(20389)),
      Value::TIME(duckdb::dtime_t(36000000001)),
      Value::UUID("0193a5c4-7b1e-7c3d-8e2f-0123456789ab"),
  };
}

std::vector<Value> NullValues(const TableDefinition& def) {
  std::vector<Value> out;
  for (const auto& c : def.columns) out.emplace_back(ToLogicalType(c.type));
  return out;
}

// ---------------------------------------------------------------------------------------
// Key layout

TEST(KeyCodecTest, Layout) {
  EXPECT_EQ(TablePrefix(1), std::string("\0\0\0\x01", 4));
  EXPECT_EQ(TablePrefix(0x01020304), "\x01\x02\x03\x04");
  EXPECT_EQ(ScopePrefix(1, "alice"), std::string("\0\0\0\x01" "alice\0", 10));
  EXPECT_EQ(ScopePrefix(1, ""), std::string("\0\0\0\x01\0", 5));
  const std::string key = RowKey(1, "alice", 0x0102);
  EXPECT_EQ(key, ScopePrefix(1, "alice") + std::string("\0\0\0\0\0\0\x01\x02", 8));
  std::string appended = ScopePrefix(1, "alice");
  AppendSeq(&appended, 0x0102);
  EXPECT_EQ(appended, key);
}

TEST(KeyCodecTest, SeqRoundTrip) {
  for (SeqId seq : {SeqId{0}, SeqId{1}, SeqId{255}, SeqId{256}, SeqId{1} << 40, INT64_MAX}) {
    EXPECT_EQ(SeqFromRowKey(RowKey(9, "bob", seq)), seq);
    EXPECT_EQ(SeqFromRowKey(RowKey(9, "", seq)), seq);
  }
}

TEST(KeyCodecTest, OneUsersRowsAreContiguousAndOrderedBySeq) {
  std::vector<std::string> keys;
  const std::vector<std::string> scopes = {"", "a", "ab", "a.b", "b", "A", "alice", "al"};
  const std::vector<SeqId> seqs = {1, 2, 255, 256, 65536, SeqId{1} << 40, (SeqId{1} << 62) + 7};
  for (TableNumber table : {1u, 2u, 256u}) {
    for (const auto& scope : scopes) {
      for (SeqId seq : seqs) keys.push_back(RowKey(table, scope, seq));
    }
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  // After a bytewise sort each (table, scope) is one run, ordered by seq.
  for (TableNumber table : {1u, 2u, 256u}) {
    for (const auto& scope : scopes) {
      const std::string prefix = ScopePrefix(table, scope);
      auto first = std::find_if(sorted.begin(), sorted.end(),
                                [&](const std::string& k) { return k.compare(0, prefix.size(), prefix) == 0; });
      ASSERT_NE(first, sorted.end());
      ASSERT_LE(static_cast<size_t>(sorted.end() - first), sorted.size());
      for (size_t i = 0; i < seqs.size(); ++i) {
        ASSERT_LT(static_cast<size_t>(first - sorted.begin()) + i, sorted.size());
        EXPECT_EQ(*(first + i), RowKey(table, scope, seqs[i])) << "scope '" << scope << "' index " << i;
      }
    }
  }
  // User "a"'s range [prefix, successor) contains none of user "ab"'s keys, and vice versa.
  const std::string a = ScopePrefix(1, "a");
  const std::string a_end = store::PrefixSuccessor(a);
  for (SeqId seq : seqs) {
    const std::string ab_key = RowKey(1, "ab", seq);
    EXPECT_FALSE(ab_key >= a && ab_key < a_end) << seq;
    const std::string a_key = RowKey(1, "a", seq);
    EXPECT_TRUE(a_key >= a && a_key < a_end) << seq;
  }
  // Every key of table 1 sorts before every key of table 2.
  EXPECT_LT(RowKey(1, "zzzz", INT64_MAX), RowKey(2, "", 0));
}

TEST(KeyCodecTest, ScopeRangesAreIsolatedInStorage) {
  TempDir dir;
  auto backend = store::StorageBackend::Open(dir.path(), store::StoreOptions{});
  ASSERT_TRUE(backend.ok());
  store::StorageBackend& db = *backend.value();
  // Interleave writes of users whose ids share prefixes.
  SeqId seq = 1000;
  for (int round = 0; round < 5; ++round) {
    for (const char* user : {"ab", "a", "b", "", "a0"}) {
      ASSERT_TRUE(db.Put(store::Partition::kRows, RowKey(3, user, seq), Numbered(user, seq)).ok());
      ++seq;
    }
  }
  auto it = db.ScanPrefix(store::Partition::kRows, ScopePrefix(3, "a"));
  std::vector<SeqId> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    seen.push_back(SeqFromRowKey(it->key()));
    EXPECT_EQ(it->value(), Numbered("a", seen.back()));
  }
  EXPECT_THAT(seen, ElementsAre(1001, 1006, 1011, 1016, 1021));
}

TEST(KeyCodecTest, EncodePrimaryKeyEquality) {
  EXPECT_EQ(EncodePrimaryKey(Value::BIGINT(1)), EncodePrimaryKey(Value::BIGINT(1)));
  EXPECT_NE(EncodePrimaryKey(Value::BIGINT(1)), EncodePrimaryKey(Value::BIGINT(2)));
  EXPECT_NE(EncodePrimaryKey(Value::BIGINT(1)), EncodePrimaryKey(Value::BIGINT(-1)));
  EXPECT_NE(EncodePrimaryKey(Value::BIGINT(256)), EncodePrimaryKey(Value::BIGINT(1)));
  EXPECT_EQ(EncodePrimaryKey(Value::INTEGER(-7)), EncodePrimaryKey(Value::INTEGER(-7)));
  EXPECT_NE(EncodePrimaryKey(Value::INTEGER(7)), EncodePrimaryKey(Value::INTEGER(8)));
  EXPECT_EQ(EncodePrimaryKey(Value::SMALLINT(3)), EncodePrimaryKey(Value::SMALLINT(3)));
  EXPECT_NE(EncodePrimaryKey(Value::SMALLINT(3)), EncodePrimaryKey(Value::SMALLINT(-3)));
  EXPECT_EQ(EncodePrimaryKey(Value("abc")), EncodePrimaryKey(Value("abc")));
  EXPECT_NE(EncodePrimaryKey(Value("abc")), EncodePrimaryKey(Value("abd")));
  EXPECT_NE(EncodePrimaryKey(Value("abc")), EncodePrimaryKey(Value("ab")));
  EXPECT_NE(EncodePrimaryKey(Value("")), EncodePrimaryKey(Value(" ")));
  const std::string u1 = "0193a5c4-7b1e-7c3d-8e2f-0123456789ab";
  const std::string u2 = "0193a5c4-7b1e-7c3d-8e2f-0123456789ac";
  EXPECT_EQ(EncodePrimaryKey(Value::UUID(u1)), EncodePrimaryKey(Value::UUID(u1)));
  EXPECT_NE(EncodePrimaryKey(Value::UUID(u1)), EncodePrimaryKey(Value::UUID(u2)));
  EXPECT_EQ(EncodePrimaryKey(Value::DATE(duckdb::date_t(20389))), EncodePrimaryKey(Value::DATE(duckdb::date_t(20389))));
  EXPECT_NE(EncodePrimaryKey(Value::DATE(duckdb::date_t(20389))), EncodePrimaryKey(Value::DATE(duckdb::date_t(20390))));
  EXPECT_EQ(EncodePrimaryKey(Value::TIMESTAMP(duckdb::timestamp_t(5))),
            EncodePrimaryKey(Value::TIMESTAMP(duckdb::timestamp_t(5))));
  EXPECT_NE(EncodePrimaryKey(Value::TIMESTAMP(duckdb::timestamp_t(5))),
            EncodePrimaryKey(Value::TIMESTAMP(duckdb::timestamp_t(6))));
}

// ---------------------------------------------------------------------------------------
// Type mapping

TEST(TypeMappingTest, RoundTripsEveryKind) {
  auto def = EveryTypeTable(1);
  for (const auto& c : def->columns) {
    EXPECT_EQ(FromLogicalType(ToLogicalType(c.type)), c.type) << c.type.SqlName();
  }
  EXPECT_TRUE(ToLogicalType(T(TypeKind::kJson)).IsJSONType());
  EXPECT_TRUE(ToLogicalType(T(TypeKind::kBigInt)) == LogicalType::BIGINT);
  EXPECT_TRUE(ToLogicalType(DataType{TypeKind::kDecimal, 10, 2}) == LogicalType::DECIMAL(10, 2));
  EXPECT_TRUE(ToLogicalType(T(TypeKind::kDateTime)) == LogicalType::TIMESTAMP_TZ);
}

TEST(TypeMappingTest, ComputedTypes) {
  EXPECT_EQ(FromLogicalType(LogicalType::TINYINT), T(TypeKind::kSmallInt));
  EXPECT_EQ(FromLogicalType(LogicalType::UTINYINT), T(TypeKind::kSmallInt));
  EXPECT_EQ(FromLogicalType(LogicalType::USMALLINT), T(TypeKind::kInt));
  EXPECT_EQ(FromLogicalType(LogicalType::UINTEGER), T(TypeKind::kBigInt));
  EXPECT_EQ(FromLogicalType(LogicalType::UBIGINT), T(TypeKind::kBigInt));
  EXPECT_EQ(FromLogicalType(LogicalType::HUGEINT), T(TypeKind::kBigInt));
  EXPECT_EQ(FromLogicalType(LogicalType::TIMESTAMP_NS), T(TypeKind::kTimestamp));
  EXPECT_EQ(FromLogicalType(LogicalType::INTERVAL), T(TypeKind::kText));
  EXPECT_EQ(FromLogicalType(LogicalType::LIST(LogicalType::INTEGER)), T(TypeKind::kText));
  EXPECT_EQ(FromLogicalType(LogicalType::DECIMAL(38, 5)), (DataType{TypeKind::kDecimal, 38, 5}));
}

// ---------------------------------------------------------------------------------------
// Row codec

TEST(RowCodecTest, RoundTripsEveryTypeKind) {
  auto def = EveryTypeTable(1);
  const std::vector<Value> values = EveryTypeValues();
  std::string bytes;
  EncodeRow(*def, values, /*deleted=*/false, /*row_id=*/77, &bytes);
  RowHeader header;
  auto decoded = DecodeRowValues(*def, bytes, &header);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded.value().size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ExpectSameValue(decoded.value()[i], values[i], def->columns[i].name);
  }
  EXPECT_EQ(header.row_id, 77u);
  EXPECT_FALSE(header.deleted);
  EXPECT_EQ(header.column_count, values.size());
  EXPECT_EQ(header.schema_version, def->schema_version);
}

TEST(RowCodecTest, ExactDecimalValues) {
  auto def = EveryTypeTable(1);
  std::vector<Value> values = NullValues(*def);
  values[8] = Value::DECIMAL(int64_t{20075}, 10, 2);
  // Largest DECIMAL(38,5) magnitude has 38 digits.
  Value big = Value("-123456789012345678901234567890123.45678");
  ASSERT_TRUE(big.DefaultTryCastAs(LogicalType::DECIMAL(38, 5)));
  values[9] = big;
  std::string bytes;
  EncodeRow(*def, values, false, 1, &bytes);
  auto decoded = DecodeRowValues(*def, bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value()[8].ToString(), "200.75");
  EXPECT_EQ(decoded.value()[9].ToString(), "-123456789012345678901234567890123.45678");
}

TEST(RowCodecTest, NullsAndTombstoneHeader) {
  auto def = EveryTypeTable(1);
  const std::vector<Value> nulls = NullValues(*def);
  std::string bytes;
  EncodeRow(*def, nulls, /*deleted=*/true, /*row_id=*/uint64_t{1} << 63, &bytes);
  RowHeader header;
  auto decoded = DecodeRowValues(*def, bytes, &header);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  for (size_t i = 0; i < nulls.size(); ++i) ExpectSameValue(decoded.value()[i], nulls[i], def->columns[i].name);
  EXPECT_TRUE(header.deleted);
  EXPECT_EQ(header.row_id, uint64_t{1} << 63);
  auto only_header = DecodeRowHeader(bytes);
  ASSERT_TRUE(only_header.ok());
  EXPECT_TRUE(only_header.value().deleted);
  EXPECT_EQ(only_header.value().column_count, def->columns.size());
}

TEST(RowCodecTest, MixedNullsAcrossBitmapBytes) {
  auto def = EveryTypeTable(1);
  const std::vector<Value> all = EveryTypeValues();
  const std::vector<Value> nulls = NullValues(*def);
  // Null exactly at bit 7 and 8 (the byte boundary), the last column, and the first.
  for (std::set<size_t> null_at : {std::set<size_t>{7, 8}, std::set<size_t>{0, 17}, std::set<size_t>{15},
                                   std::set<size_t>{1, 3, 5, 7, 9, 11, 13, 15, 17}}) {
    std::vector<Value> values;
    for (size_t i = 0; i < all.size(); ++i) values.push_back(null_at.count(i) ? nulls[i] : all[i]);
    std::string bytes;
    EncodeRow(*def, values, false, 5, &bytes);
    auto decoded = DecodeRowValues(*def, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    for (size_t i = 0; i < values.size(); ++i) ExpectSameValue(decoded.value()[i], values[i], def->columns[i].name);
  }
}

TEST(RowCodecTest, CorruptRows) {
  auto def = EveryTypeTable(1);
  std::string bytes;
  EncodeRow(*def, EveryTypeValues(), false, 5, &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto decoded = DecodeRowValues(*def, std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(decoded.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
  std::string wrong_format = bytes;
  wrong_format[0] = 2;
  EXPECT_EQ(DecodeRowHeader(wrong_format).status().code(), StatusCode::kCorruption);

  // A row of another column count is refused rather than misread.
  TableDefinition narrower = *def;
  narrower.columns.pop_back();
  auto mismatched = DecodeRowValues(narrower, bytes);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.status().code(), StatusCode::kCorruption);
}

// ---------------------------------------------------------------------------------------
// Value coercion

ColumnDefinition ColumnOf(DataType type) { return Column("col", type); }

Result<Value> Coerce(const Value& v, DataType type) { return CoerceToColumn(v, ColumnOf(type)); }

void ExpectMismatch(const Value& v, DataType type) {
  Result<Value> r = Coerce(v, type);
  ASSERT_FALSE(r.ok()) << Show(v) << " -> " << type.SqlName() << " gave " << Show(r.value());
  EXPECT_EQ(r.status().code(), StatusCode::kConstraintViolation);
  EXPECT_THAT(r.status().message(), StartsWith("Type mismatch"));
}

TEST(ValueCoercionTest, NullStaysNullWithTheColumnType) {
  for (TypeKind k : {TypeKind::kBigInt, TypeKind::kText, TypeKind::kJson, TypeKind::kTimestamp}) {
    auto r = Coerce(Value(), T(k));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value().IsNull());
    EXPECT_TRUE(r.value().type() == ToLogicalType(T(k)));
  }
}

TEST(ValueCoercionTest, SameTypePassesThrough) {
  auto r = Coerce(Value::BIGINT(5), T(TypeKind::kBigInt));
  ASSERT_TRUE(r.ok());
  ExpectSameValue(r.value(), Value::BIGINT(5), "bigint");
  auto text = Coerce(Value("hi"), T(TypeKind::kText));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value().ToString(), "hi");
}

TEST(ValueCoercionTest, BigIntFromStringsAndNumbers) {
  auto r = Coerce(Value("123"), T(TypeKind::kBigInt));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectSameValue(r.value(), Value::BIGINT(123), "from '123'");
  auto big = Coerce(Value("9223372036854775807"), T(TypeKind::kBigInt));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big.value().GetValue<int64_t>(), INT64_MAX);
  auto from_int = Coerce(Value::INTEGER(-4), T(TypeKind::kBigInt));
  ASSERT_TRUE(from_int.ok());
  ExpectSameValue(from_int.value(), Value::BIGINT(-4), "from INTEGER");

  ExpectMismatch(Value("abc"), T(TypeKind::kBigInt));
  ExpectMismatch(Value("12abc"), T(TypeKind::kBigInt));
  ExpectMismatch(Value("9223372036854775808"), T(TypeKind::kBigInt));
  Result<Value> abc = Coerce(Value("abc"), T(TypeKind::kBigInt));
  EXPECT_EQ(abc.status().message(), "Type mismatch for column 'col': cannot convert 'abc' (VARCHAR) to BIGINT");
}

TEST(ValueCoercionTest, IntegersDoNotLoseFractions) {
  ExpectMismatch(Value::DOUBLE(1.5), T(TypeKind::kInt));
  ExpectMismatch(Value::DOUBLE(-0.25), T(TypeKind::kBigInt));
  ExpectMismatch(Value::FLOAT(2.5f), T(TypeKind::kSmallInt));
  ExpectMismatch(Value::DECIMAL(int64_t{15}, 10, 1), T(TypeKind::kInt));
  auto whole = Coerce(Value::DOUBLE(2.0), T(TypeKind::kInt));
  ASSERT_TRUE(whole.ok());
  ExpectSameValue(whole.value(), Value::INTEGER(2), "2.0");
  ExpectMismatch(Value::INTEGER(100000), T(TypeKind::kSmallInt));  // out of range
  auto small = Coerce(Value::BIGINT(-32768), T(TypeKind::kSmallInt));
  ASSERT_TRUE(small.ok());
  ExpectSameValue(small.value(), Value::SMALLINT(-32768), "smallint");
}

TEST(ValueCoercionTest, TimestampFromMicrosAndText) {
  auto from_int = Coerce(Value::BIGINT(1761645600000000), T(TypeKind::kTimestamp));
  ASSERT_TRUE(from_int.ok()) << from_int.status().ToString();
  ExpectSameValue(from_int.value(), Value::TIMESTAMP(duckdb::timestamp_t(1761645600000000)), "from µs");
  EXPECT_EQ(from_int.value().ToString(), "2025-10-28 10:00:00");

  auto from_text = Coerce(Value("2025-10-28 10:00:00"), T(TypeKind::kTimestamp));
  ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
  EXPECT_EQ(from_text.value().GetValueUnsafe<int64_t>(), 1761645600000000);

  auto iso = Coerce(Value("2025-10-28T10:00:00.5"), T(TypeKind::kTimestamp));
  ASSERT_TRUE(iso.ok()) << iso.status().ToString();
  EXPECT_EQ(iso.value().GetValueUnsafe<int64_t>(), 1761645600500000);

  auto dt = Coerce(Value::INTEGER(0), T(TypeKind::kDateTime));
  ASSERT_TRUE(dt.ok());
  EXPECT_TRUE(dt.value().type() == LogicalType::TIMESTAMP_TZ);
  EXPECT_EQ(dt.value().GetValueUnsafe<int64_t>(), 0);

  ExpectMismatch(Value("yesterday-ish"), T(TypeKind::kTimestamp));
  ExpectMismatch(Value::BOOLEAN(true), T(TypeKind::kTimestamp));
}

TEST(ValueCoercionTest, TimestampFromIsoTextWithZoneIsUtc) {
  // docs/value-encoding.md: ISO-8601 strings with `Z` or an offset are accepted for TIMESTAMP and
  // DATETIME; the stored value is µs since the epoch in UTC.
  auto zulu = Coerce(Value("2025-10-28T10:00:00Z"), T(TypeKind::kTimestamp));
  ASSERT_TRUE(zulu.ok()) << zulu.status().ToString();
  EXPECT_EQ(zulu.value().GetValueUnsafe<int64_t>(), 1761645600000000);
  auto dt_offset = Coerce(Value("2025-10-28 12:00:00+02"), T(TypeKind::kDateTime));
  ASSERT_TRUE(dt_offset.ok()) << dt_offset.status().ToString();
  EXPECT_EQ(dt_offset.value().GetValueUnsafe<int64_t>(), 1761645600000000);

  auto offset = Coerce(Value("2025-10-28T12:00:00+02:00"), T(TypeKind::kTimestamp));
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(offset.value().GetValueUnsafe<int64_t>(), 1761645600000000);
}

TEST(ValueCoercionTest, DateAndTime) {
  auto from_days = Coerce(Value::INTEGER(20389), T(TypeKind::kDate));
  ASSERT_TRUE(from_days.ok()) << from_days.status().ToString();
  ExpectSameValue(from_days.value(), Value::DATE(duckdb::date_t(20389)), "days");
  EXPECT_EQ(from_days.value().ToString(), "2025-10-28");
  auto negative = Coerce(Value::BIGINT(-1), T(TypeKind::kDate));
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(negative.value().ToString(), "1969-12-31");
  auto from_text = Coerce(Value("2025-10-28"), T(TypeKind::kDate));
  ASSERT_TRUE(from_text.ok());
  EXPECT_EQ(from_text.value().GetValueUnsafe<int32_t>(), 20389);
  ExpectMismatch(Value("2025-13-45"), T(TypeKind::kDate));

  auto time_int = Coerce(Value::BIGINT(36000000000), T(TypeKind::kTime));
  ASSERT_TRUE(time_int.ok());
  EXPECT_EQ(time_int.value().ToString(), "10:00:00");
  auto time_text = Coerce(Value("10:00:00.25"), T(TypeKind::kTime));
  ASSERT_TRUE(time_text.ok());
  EXPECT_EQ(time_text.value().GetValueUnsafe<int64_t>(), 36000250000);
}

TEST(ValueCoercionTest, DateFromOutOfRangeIntegerFails) {
  // 2^32 + 1 days does not fit a DATE; it must not wrap around to 1970-01-02.
  auto r = Coerce(Value::BIGINT((int64_t{1} << 32) + 1), T(TypeKind::kDate));
  EXPECT_EQ(r.status().code(), StatusCode::kConstraintViolation);
}

TEST(ValueCoercionTest, TimeFromOutOfRangeMicrosFails) {
  // A TIME is 0 .. 24h; 25 hours of microseconds is not a time of day.
  auto r = Coerce(Value::BIGINT(int64_t{25} * 3600 * 1000000), T(TypeKind::kTime));
  auto neg = Coerce(Value::BIGINT(-1), T(TypeKind::kTime));
  EXPECT_EQ(r.status().code(), StatusCode::kConstraintViolation);
  EXPECT_EQ(neg.status().code(), StatusCode::kConstraintViolation);
}

TEST(ValueCoercionTest, HugeIntegerForTemporalColumnIsAStatusNotAnException) {
  // An integer literal wider than 64 bits (DuckDB types it HUGEINT) into a TIMESTAMP column.
  const Value huge = Value::HUGEINT(duckdb::hugeint_t(1, 0));
  bool threw = false;
  Result<Value> r = Status::Internal("not run");
  try {
    r = Coerce(huge, T(TypeKind::kTimestamp));
  } catch (const std::exception&) {
    threw = true;
  }
  EXPECT_FALSE(threw);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConstraintViolation);
}

TEST(ValueCoercionTest, BytesFromString) {
  auto r = Coerce(Value("hi"), T(TypeKind::kBytes));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.value().type() == LogicalType::BLOB);
  EXPECT_EQ(duckdb::StringValue::Get(r.value()), "hi");
  // The string's bytes are taken as they are, not parsed as a blob literal.
  auto escaped = Coerce(Value("\\x41"), T(TypeKind::kBytes));
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(duckdb::StringValue::Get(escaped.value()), "\\x41");
  auto utf8 = Coerce(Value("é"), T(TypeKind::kBytes));
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(duckdb::StringValue::Get(utf8.value()), "\xc3\xa9");
}

TEST(ValueCoercionTest, JsonMustParse) {
  auto ok = Coerce(Value(R"({"a":[1,2]})"), T(TypeKind::kJson));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok.value().type().IsJSONType());
  EXPECT_EQ(duckdb::StringValue::Get(ok.value()), R"({"a":[1,2]})");
  auto scalar = Coerce(Value("42"), T(TypeKind::kJson));
  EXPECT_TRUE(scalar.ok());

  ExpectMismatch(Value::INTEGER(1), T(TypeKind::kJson));  // a number is not JSON text

  Result<Value> invalid = Coerce(Value("{not json"), T(TypeKind::kJson));
  EXPECT_EQ(invalid.status().code(), StatusCode::kConstraintViolation);
  EXPECT_THAT(invalid.status().message(), HasSubstr("not valid JSON"));
}

TEST(ValueCoercionTest, TextTakesOnlyStrings) {
  ExpectMismatch(Value::INTEGER(1), T(TypeKind::kText));
  ExpectMismatch(Value::DOUBLE(1.5), T(TypeKind::kText));
  ExpectMismatch(Value::BOOLEAN(false), T(TypeKind::kText));
  auto json_to_text = Coerce(Json("[1]"), T(TypeKind::kText));
  ASSERT_TRUE(json_to_text.ok());
  EXPECT_EQ(json_to_text.value().ToString(), "[1]");
}

TEST(ValueCoercionTest, BooleanAndNumbers) {
  ExpectMismatch(Value::INTEGER(1), T(TypeKind::kBoolean));
  auto from_text = Coerce(Value("true"), T(TypeKind::kBoolean));
  ASSERT_TRUE(from_text.ok());
  ExpectSameValue(from_text.value(), Value::BOOLEAN(true), "'true'");
  ExpectMismatch(Value("maybe"), T(TypeKind::kBoolean));

  auto dbl = Coerce(Value::BIGINT(3), T(TypeKind::kDouble));
  ASSERT_TRUE(dbl.ok());
  ExpectSameValue(dbl.value(), Value::DOUBLE(3), "double");
  auto flt = Coerce(Value("1.25"), T(TypeKind::kFloat));
  ASSERT_TRUE(flt.ok());
  ExpectSameValue(flt.value(), Value::FLOAT(1.25f), "float");
}

TEST(ValueCoercionTest, DecimalAndUuid) {
  auto from_text = Coerce(Value("200.75"), DataType{TypeKind::kDecimal, 10, 2});
  ASSERT_TRUE(from_text.ok());
  EXPECT_TRUE(from_text.value().type() == LogicalType::DECIMAL(10, 2));
  EXPECT_EQ(from_text.value().ToString(), "200.75");
  auto from_double = Coerce(Value::DOUBLE(1.5), DataType{TypeKind::kDecimal, 10, 2});
  ASSERT_TRUE(from_double.ok());
  EXPECT_EQ(from_double.value().ToString(), "1.50");
  auto from_int = Coerce(Value::BIGINT(7), DataType{TypeKind::kDecimal, 38, 5});
  ASSERT_TRUE(from_int.ok());
  EXPECT_EQ(from_int.value().ToString(), "7.00000");
  ExpectMismatch(Value("12345678901.5"), DataType{TypeKind::kDecimal, 10, 2});  // too many digits
  ExpectMismatch(Value("abc"), DataType{TypeKind::kDecimal, 10, 2});

  const std::string uuid = "0193a5c4-7b1e-7c3d-8e2f-0123456789ab";
  auto u = Coerce(Value(uuid), T(TypeKind::kUuid));
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u.value().type() == LogicalType::UUID);
  EXPECT_EQ(u.value().ToString(), uuid);
  ExpectMismatch(Value("not-a-uuid"), T(TypeKind::kUuid));
}

// ---------------------------------------------------------------------------------------
// TableStore and HotScanner over a real store

struct Version {
  SeqId seq = 0;
  bool deleted = false;
  int64_t row_id = 0;
  std::vector<Value> values;
};

class TableStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    messages_ = MakeMessages(1, "messages");
  }

  void Reopen() {
    store_.reset();
    backend_.reset();
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto opened = TableStore::Open(*backend_, seq_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // id BIGINT PRIMARY KEY, body TEXT, score DOUBLE.
  static std::shared_ptr<const TableDefinition> MakeMessages(TableNumber number, std::string name) {
    auto def = std::make_shared<TableDefinition>();
    def->id = TableId{NamespaceId("app"), TableName(std::move(name))};
    def->number = number;
    def->type = TableType::kUser;
    def->columns = {Column("id", T(TypeKind::kBigInt), true), Column("body", T(TypeKind::kText)),
                    Column("score", T(TypeKind::kDouble))};
    for (uint32_t i = 0; i < def->columns.size(); ++i) def->columns[i].column_id = i + 1;
    return def;
  }

  // note TEXT, n INT; no primary key.
  static std::shared_ptr<const TableDefinition> MakeNoPk(TableNumber number) {
    auto def = std::make_shared<TableDefinition>();
    def->id = TableId{NamespaceId("app"), TableName("log")};
    def->number = number;
    def->type = TableType::kShared;
    def->columns = {Column("note", T(TypeKind::kText)), Column("n", T(TypeKind::kInt))};
    return def;
  }

  static std::vector<Value> Msg(int64_t id, std::optional<std::string> body, std::optional<double> score) {
    return {Value::BIGINT(id), body ? Value(*body) : Value(LogicalType::VARCHAR),
            score ? Value::DOUBLE(*score) : Value(LogicalType::DOUBLE)};
  }

  std::vector<SeqId> InsertOk(const TableDefinition& def, std::string_view scope,
                              const std::vector<std::vector<Value>>& rows) {
    auto r = store_->Insert(def, scope, rows);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::vector<SeqId>{};
  }

  uint64_t Count(const TableDefinition& def, std::optional<std::string> scope) {
    auto r = store_->CountHotRows(def, scope ? &*scope : nullptr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : 0;
  }

  static std::vector<LogicalType> TypesOf(const TableDefinition& def, const ScanProjection& projection) {
    std::vector<LogicalType> types;
    for (const ScanColumn& c : projection) {
      switch (c.kind) {
        case ScanColumn::Kind::kUserColumn: types.push_back(ToLogicalType(def.columns[c.column_index].type)); break;
        case ScanColumn::Kind::kSeq: types.push_back(LogicalType::BIGINT); break;
        case ScanColumn::Kind::kDeleted: types.push_back(LogicalType::BOOLEAN); break;
        case ScanColumn::Kind::kRowId: types.push_back(LogicalType::BIGINT); break;
      }
    }
    return types;
  }

  static ScanProjection AllUserColumns(const TableDefinition& def) {
    ScanProjection p;
    for (uint32_t i = 0; i < def.columns.size(); ++i) p.push_back({ScanColumn::Kind::kUserColumn, i});
    return p;
  }

  // Every row of the scan, each cell as text ("NULL" for nulls), joined by '|'.
  std::vector<std::string> ScanText(std::shared_ptr<const TableDefinition> def, std::string scope,
                                    const ScanProjection& projection, HotScanOptions options = {},
                                    std::shared_ptr<const store::Snapshot> snapshot = nullptr,
                                    std::vector<duckdb::idx_t>* fills = nullptr) {
    HotScanner scanner(*backend_, def, std::move(scope), std::move(snapshot), projection, options);
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), TypesOf(*def, projection));
    std::vector<std::string> out;
    for (int guard = 0; guard < 1000; ++guard) {
      chunk.Reset();
      const duckdb::idx_t n = scanner.Fill(chunk);
      if (fills) fills->push_back(n);
      EXPECT_EQ(chunk.size(), n);
      if (n == 0) break;
      for (duckdb::idx_t r = 0; r < n; ++r) {
        std::string line;
        for (duckdb::idx_t c = 0; c < chunk.ColumnCount(); ++c) {
          if (c) line += "|";
          line += Show(chunk.GetValue(c, r));
        }
        out.push_back(line);
      }
    }
    EXPECT_TRUE(scanner.status().ok()) << scanner.status().ToString();
    return out;
  }

  // Every stored version of a scope: all user columns plus _seq, _deleted, _row_id.
  std::vector<Version> Versions(std::shared_ptr<const TableDefinition> def, std::string scope,
                                bool include_tombstones = true) {
    ScanProjection p = AllUserColumns(*def);
    const size_t n = p.size();
    p.push_back({ScanColumn::Kind::kSeq, 0});
    p.push_back({ScanColumn::Kind::kDeleted, 0});
    p.push_back({ScanColumn::Kind::kRowId, 0});
    HotScanOptions options;
    options.include_tombstones = include_tombstones;
    HotScanner scanner(*backend_, def, std::move(scope), nullptr, p, options);
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), TypesOf(*def, p));
    std::vector<Version> out;
    while (true) {
      chunk.Reset();
      if (scanner.Fill(chunk) == 0) break;
      for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
        Version v;
        for (size_t c = 0; c < n; ++c) v.values.push_back(chunk.GetValue(c, r));
        v.seq = chunk.GetValue(n, r).GetValue<int64_t>();
        v.deleted = chunk.GetValue(n + 1, r).GetValue<bool>();
        v.row_id = chunk.GetValue(n + 2, r).GetValue<int64_t>();
        out.push_back(std::move(v));
      }
    }
    EXPECT_TRUE(scanner.status().ok()) << scanner.status().ToString();
    return out;
  }

  static RowChange ChangeOf(const Version& v, std::vector<Value> values) {
    RowChange c;
    c.current_seq = v.seq;
    c.row_id = static_cast<uint64_t>(v.row_id);
    c.values = std::move(values);
    return c;
  }

  TempDir dir_;
  SeqGenerator seq_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<TableStore> store_;
  std::shared_ptr<const TableDefinition> messages_;
};

TEST_F(TableStoreTest, InsertReturnsIncreasingSeqsAndRowsAreScannable) {
  const auto seqs = InsertOk(*messages_, "alice", {Msg(1, "a", 1.5), Msg(2, std::nullopt, std::nullopt), Msg(3, "c", 3.5)});
  ASSERT_EQ(seqs.size(), 3u);
  EXPECT_LT(seqs[0], seqs[1]);
  EXPECT_LT(seqs[1], seqs[2]);
  EXPECT_EQ(Count(*messages_, "alice"), 3u);
  EXPECT_EQ(Count(*messages_, std::nullopt), 3u);
  EXPECT_EQ(Count(*messages_, "bob"), 0u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)),
              ElementsAre("1|a|1.5", "2|NULL|NULL", "3|c|3.5"));
  // Empty inserts are a no-op.
  auto none = store_->Insert(*messages_, "alice", {});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none.value(), IsEmpty());
  EXPECT_EQ(Count(*messages_, "alice"), 3u);
}

TEST_F(TableStoreTest, PrimaryKeyViolationAgainstStoredRows) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 1), Msg(2, "b", 2)});
  auto dup = store_->Insert(*messages_, "alice", {Msg(10, "new", 0), Msg(1, "again", 0)});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kConstraintViolation);
  EXPECT_EQ(dup.status().message(), "Primary key violation: value '1' already exists in column 'id'");
  // Nothing of the failed batch was written, not even the row before the violation.
  EXPECT_EQ(Count(*messages_, "alice"), 2u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)), ElementsAre("1|a|1.0", "2|b|2.0"));
  InsertOk(*messages_, "alice", {Msg(10, "later", 0)});
  EXPECT_EQ(Count(*messages_, "alice"), 3u);
}

TEST_F(TableStoreTest, PrimaryKeyViolationWithinOneBatch) {
  auto dup = store_->Insert(*messages_, "alice", {Msg(1, "x", 0), Msg(2, "y", 0), Msg(1, "z", 0)});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kConstraintViolation);
  EXPECT_EQ(dup.status().message(), "Primary key violation: value '1' already exists in column 'id'");
  EXPECT_EQ(Count(*messages_, "alice"), 0u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)), IsEmpty());
  // The index was not written either: the keys are still free.
  InsertOk(*messages_, "alice", {Msg(1, "x", 0), Msg(2, "y", 0)});
}

TEST_F(TableStoreTest, TextPrimaryKeyViolationMessage) {
  auto def = std::make_shared<TableDefinition>();
  def->id = TableId{NamespaceId("app"), TableName("kv")};
  def->number = 5;
  def->columns = {Column("k", T(TypeKind::kText), true), Column("v", T(TypeKind::kInt))};
  InsertOk(*def, "", {{Value("x"), Value::INTEGER(1)}});
  auto dup = store_->Insert(*def, "", {{Value("x"), Value::INTEGER(2)}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "Primary key violation: value 'x' already exists in column 'k'");
  InsertOk(*def, "", {{Value("xy"), Value::INTEGER(3)}, {Value(""), Value::INTEGER(4)}});
}

TEST_F(TableStoreTest, PrimaryKeysAreScopedPerUserAndTable) {
  InsertOk(*messages_, "alice", {Msg(1, "alice's", 0)});
  InsertOk(*messages_, "bob", {Msg(1, "bob's", 0)});
  InsertOk(*messages_, "", {Msg(1, "shared scope", 0)});
  auto other = MakeMessages(2, "other");
  InsertOk(*other, "alice", {Msg(1, "other table", 0)});
  EXPECT_EQ(Count(*messages_, std::nullopt), 3u);
  EXPECT_EQ(Count(*other, std::nullopt), 1u);
  EXPECT_THAT(ScanText(messages_, "bob", AllUserColumns(*messages_)), ElementsAre("1|bob's|0.0"));
}

TEST_F(TableStoreTest, DeleteThenReinsert) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 1), Msg(2, "b", 2)});
  auto versions = Versions(messages_, "alice");
  ASSERT_EQ(versions.size(), 2u);
  auto deleted = store_->Delete(*messages_, "alice", {ChangeOf(versions[1], versions[1].values)});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted.value(), 1u);
  // The tombstone replaces the row: still one version per identity.
  EXPECT_EQ(Count(*messages_, "alice"), 2u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)), ElementsAre("1|a|1.0"));

  auto again = store_->Insert(*messages_, "alice", {Msg(2, "b again", 20)});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Count(*messages_, "alice"), 2u);  // the tombstone is gone
  auto after = Versions(messages_, "alice");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_FALSE(after[1].deleted);
  EXPECT_EQ(after[1].seq, again.value()[0]);
  EXPECT_EQ(Show(after[1].values[1]), "b again");
  EXPECT_EQ(backend_->Get(store::Partition::kRows, RowKey(messages_->number, "alice", versions[1].seq)).value(),
            std::nullopt);
}

TEST_F(TableStoreTest, UpdateWritesANewVersionAndRemovesTheOld) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 1), Msg(2, "b", 2)});
  auto before = Versions(messages_, "alice");
  ASSERT_EQ(before.size(), 2u);
  auto updated = store_->Update(*messages_, "alice", {ChangeOf(before[0], Msg(1, "a2", 10))});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated.value(), 1u);
  EXPECT_EQ(Count(*messages_, "alice"), 2u);

  auto after = Versions(messages_, "alice");
  ASSERT_EQ(after.size(), 2u);
  // Ordered by _seq: the updated row now comes last with a seq above every earlier one.
  EXPECT_EQ(Show(after[0].values[0]), "2");
  EXPECT_EQ(Show(after[1].values[0]), "1");
  EXPECT_EQ(Show(after[1].values[1]), "a2");
  EXPECT_GT(after[1].seq, before[1].seq);
  EXPECT_EQ(after[1].row_id, before[0].row_id);  // the row identity is kept
  EXPECT_FALSE(after[1].deleted);
  EXPECT_EQ(backend_->Get(store::Partition::kRows, RowKey(messages_->number, "alice", before[0].seq)).value(),
            std::nullopt);
  // The primary key still resolves to one row.
  auto dup = store_->Insert(*messages_, "alice", {Msg(1, "dup", 0)});
  EXPECT_EQ(dup.status().code(), StatusCode::kConstraintViolation);
}

TEST_F(TableStoreTest, StaleUpdatesOnPrimaryKeyTablesApplyToTheNewestVersion) {
  InsertOk(*messages_, "alice", {Msg(1, "v1", 1)});
  const Version v1 = Versions(messages_, "alice")[0];
  ASSERT_TRUE(store_->Update(*messages_, "alice", {ChangeOf(v1, Msg(1, "v2", 2))}).ok());
  // A writer that read v1 before the update above.
  auto stale = store_->Update(*messages_, "alice", {ChangeOf(v1, Msg(1, "v3", 3))});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale.value(), 1u);
  EXPECT_EQ(Count(*messages_, "alice"), 1u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)), ElementsAre("1|v3|3.0"));

  // A row deleted meanwhile is not resurrected by a stale update.
  const Version v3 = Versions(messages_, "alice")[0];
  ASSERT_TRUE(store_->Delete(*messages_, "alice", {ChangeOf(v3, v3.values)}).ok());
  auto resurrect = store_->Update(*messages_, "alice", {ChangeOf(v3, Msg(1, "zombie", 4))});
  ASSERT_TRUE(resurrect.ok());
  EXPECT_EQ(resurrect.value(), 0u);
  EXPECT_THAT(ScanText(messages_, "alice", AllUserColumns(*messages_)), IsEmpty());
  EXPECT_EQ(Count(*messages_, "alice"), 1u);

  // Changes to keys that do not exist are skipped.
  Version ghost;
  ghost.seq = 12345;
  auto missing = store_->Update(*messages_, "alice", {ChangeOf(ghost, Msg(99, "x", 0))});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing.value(), 0u);
}

TEST_F(TableStoreTest, SameRowTwiceInOneCallIsWrittenOnce) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 1)});
  const Version v = Versions(messages_, "alice")[0];
  auto r = store_->Update(*messages_, "alice", {ChangeOf(v, Msg(1, "x", 1)), ChangeOf(v, Msg(1, "y", 2))});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 1u);
  EXPECT_EQ(Count(*messages_, "alice"), 1u);
}

TEST_F(TableStoreTest, TablesWithoutPrimaryKey) {
  auto log = MakeNoPk(3);
  const auto seqs = InsertOk(*log, "", {{Value("same"), Value::INTEGER(1)}, {Value("same"), Value::INTEGER(1)}});
  ASSERT_EQ(seqs.size(), 2u);
  auto versions = Versions(log, "");
  ASSERT_EQ(versions.size(), 2u);
  // Each inserted row's identity is its first _seq.
  EXPECT_EQ(versions[0].row_id, seqs[0]);
  EXPECT_EQ(versions[1].row_id, seqs[1]);

  auto updated = store_->Update(*log, "", {ChangeOf(versions[0], {Value("changed"), Value::INTEGER(2)})});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value(), 1u);
  auto after = Versions(log, "");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].row_id, seqs[0]);
  EXPECT_GT(after[1].seq, seqs[1]);
  EXPECT_EQ(Show(after[1].values[0]), "changed");

  // A stale change (its version is gone) is skipped: the newer version wins.
  auto stale = store_->Update(*log, "", {ChangeOf(versions[0], {Value("lost"), Value::INTEGER(3)})});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale.value(), 0u);

  auto deleted = store_->Delete(*log, "", {ChangeOf(after[0], after[0].values)});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(deleted.value(), 1u);
  EXPECT_EQ(Count(*log, std::string()), 2u);
  EXPECT_THAT(ScanText(log, "", AllUserColumns(*log)), ElementsAre("changed|2"));
}

TEST_F(TableStoreTest, DropTableDataRemovesOnlyThatTable) {
  auto other = MakeMessages(2, "other");
  InsertOk(*messages_, "alice", {Msg(1, "a", 0), Msg(2, "b", 0)});
  InsertOk(*messages_, "bob", {Msg(1, "a", 0)});
  InsertOk(*other, "alice", {Msg(1, "kept", 0)});
  ASSERT_TRUE(store_->DropTableData(*messages_).ok());
  EXPECT_EQ(Count(*messages_, std::nullopt), 0u);
  EXPECT_EQ(Count(*other, std::nullopt), 1u);
  // The primary-key index went with the rows.
  InsertOk(*messages_, "alice", {Msg(1, "fresh", 0)});
  EXPECT_THAT(ScanText(other, "alice", AllUserColumns(*other)), ElementsAre("1|kept|0.0"));
}

TEST_F(TableStoreTest, SeqHighWaterMarkSurvivesRestart) {
  // Seqs far ahead of the clock (as after a clock step back): a restart must not reuse them.
  seq_.AdvancePast(seq_.Next() + (int64_t{3600} * 1000 << 22));
  const auto inserted = InsertOk(*messages_, "alice", {Msg(1, "a", 0)});
  ASSERT_EQ(inserted.size(), 1u);
  const Version v = Versions(messages_, "alice")[0];
  seq_.AdvancePast(seq_.Last() + (int64_t{60} * 1000 << 22));
  ASSERT_TRUE(store_->Update(*messages_, "alice", {ChangeOf(v, Msg(1, "b", 0))}).ok());
  const SeqId highest = Versions(messages_, "alice")[0].seq;
  EXPECT_GT(highest, inserted[0]);

  store_.reset();
  backend_.reset();
  SeqGenerator fresh;
  auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
  ASSERT_TRUE(backend.ok());
  backend_ = std::move(backend).value();
  auto reopened = TableStore::Open(*backend_, fresh);
  ASSERT_TRUE(reopened.ok());
  EXPECT_GE(fresh.Last(), highest);
  auto next = reopened.value()->Insert(*messages_, "alice", {Msg(2, "c", 0)});
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next.value()[0], highest);
  reopened.value().reset();
}

TEST_F(TableStoreTest, ConcurrentInsertsGetUniqueSeqs) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::vector<std::vector<SeqId>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->Insert(*messages_, "alice", {Msg(t * kPerThread + i, "x", 0)});
        if (r.ok()) seqs[t].push_back(r.value()[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<SeqId> all;
  for (const auto& v : seqs) {
    EXPECT_EQ(v.size(), size_t{kPerThread});
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(Count(*messages_, "alice"), uint64_t{kThreads * kPerThread});
}

// Concurrent inserts commit in groups (one batch per group): a failing insert leaves the
// others of its group intact, and keys taken by an earlier insert of the same group count as
// taken. Every thread races for the same keys, with the log fsynced per write so that groups
// form while the fsync runs.
TEST_F(TableStoreTest, ConcurrentInsertsOfTheSameKeysEachSucceedOnce) {
  store_.reset();
  backend_.reset();
  store::StoreOptions durable;
  durable.sync_writes = true;
  auto backend = store::StorageBackend::Open(dir_.path(), durable);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  backend_ = std::move(backend).value();
  auto opened = TableStore::Open(*backend_, seq_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store_ = std::move(opened).value();

  constexpr int kThreads = 8;
  constexpr int kKeys = 60;
  std::vector<std::vector<int64_t>> won(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kKeys; ++k) {
        // Two rows per insert: the key every thread wants and one only this thread writes,
        // which must not be written when the shared key is taken.
        const int64_t own = 1'000'000 + t * kKeys + k;
        auto r = store_->Insert(*messages_, "alice", {Msg(k, "shared", 0), Msg(own, "own", 0)});
        if (r.ok()) {
          won[t].push_back(k);
        } else {
          EXPECT_EQ(r.status().code(), StatusCode::kConstraintViolation) << r.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<int64_t> winners;
  for (const auto& keys : won) winners.insert(winners.end(), keys.begin(), keys.end());
  std::sort(winners.begin(), winners.end());
  std::vector<int64_t> expected(kKeys);
  for (int k = 0; k < kKeys; ++k) expected[k] = k;
  EXPECT_EQ(winners, expected);
  // Exactly the winners' rows are stored: each shared key once, plus the winner's own row.
  EXPECT_EQ(Count(*messages_, "alice"), uint64_t{2 * kKeys});
  std::set<int64_t> stored;
  for (const Version& v : Versions(messages_, "alice")) stored.insert(v.values[0].GetValue<int64_t>());
  for (int t = 0; t < kThreads; ++t) {
    for (int64_t k : won[t]) {
      EXPECT_TRUE(stored.count(k)) << k;
      EXPECT_TRUE(stored.count(1'000'000 + t * kKeys + k)) << t << "/" << k;
    }
  }
}

// ---------------------------------------------------------------------------------------
// HotScanner

TEST_F(TableStoreTest, ScannerProjectsSubsetsAndSystemColumns) {
  const auto seqs = InsertOk(*messages_, "alice", {Msg(1, "a", 1.5), Msg(2, std::nullopt, std::nullopt), Msg(3, "c", 3.5)});
  ASSERT_EQ(seqs.size(), 3u);

  // Reordered subset.
  EXPECT_THAT(ScanText(messages_, "alice", {{ScanColumn::Kind::kUserColumn, 2}, {ScanColumn::Kind::kUserColumn, 0}}),
              ElementsAre("1.5|1", "NULL|2", "3.5|3"));
  // Only the first column: later columns are never decoded.
  EXPECT_THAT(ScanText(messages_, "alice", {{ScanColumn::Kind::kUserColumn, 0}}), ElementsAre("1", "2", "3"));
  // Only the middle column.
  EXPECT_THAT(ScanText(messages_, "alice", {{ScanColumn::Kind::kUserColumn, 1}}), ElementsAre("a", "NULL", "c"));
  // System columns only.
  std::vector<std::string> expected;
  for (SeqId s : seqs) expected.push_back(Numbered("", s) + "|false|" + Numbered("", s));
  EXPECT_THAT(ScanText(messages_, "alice",
                       {{ScanColumn::Kind::kSeq, 0}, {ScanColumn::Kind::kDeleted, 0}, {ScanColumn::Kind::kRowId, 0}}),
              ElementsAreArray(expected));
  // Mixed, with a system column first.
  EXPECT_THAT(ScanText(messages_, "alice", {{ScanColumn::Kind::kDeleted, 0}, {ScanColumn::Kind::kUserColumn, 1}}),
              ElementsAre("false|a", "false|NULL", "false|c"));
}

TEST_F(TableStoreTest, ScannerHidesTombstonesUnlessAsked) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 1), Msg(2, "b", 2), Msg(3, "c", 3)});
  auto versions = Versions(messages_, "alice");
  ASSERT_TRUE(store_->Delete(*messages_, "alice", {ChangeOf(versions[1], versions[1].values)}).ok());

  const ScanProjection p = {{ScanColumn::Kind::kUserColumn, 0},
                            {ScanColumn::Kind::kUserColumn, 1},
                            {ScanColumn::Kind::kDeleted, 0}};
  EXPECT_THAT(ScanText(messages_, "alice", p), ElementsAre("1|a|false", "3|c|false"));
  HotScanOptions with_tombstones;
  with_tombstones.include_tombstones = true;
  // The tombstone is the newest version, carrying the deleted row's last values.
  EXPECT_THAT(ScanText(messages_, "alice", p, with_tombstones), ElementsAre("1|a|false", "3|c|false", "2|b|true"));
}

TEST_F(TableStoreTest, ScannerSeqBounds) {
  const auto seqs = InsertOk(*messages_, "alice", {Msg(1, "a", 0), Msg(2, "b", 0), Msg(3, "c", 0), Msg(4, "d", 0)});
  ASSERT_EQ(seqs.size(), 4u);
  const ScanProjection p = {{ScanColumn::Kind::kUserColumn, 0}};
  HotScanOptions o;
  o.min_seq_exclusive = seqs[0];
  EXPECT_THAT(ScanText(messages_, "alice", p, o), ElementsAre("2", "3", "4"));
  o.max_seq_inclusive = seqs[2];
  EXPECT_THAT(ScanText(messages_, "alice", p, o), ElementsAre("2", "3"));
  o.min_seq_exclusive = seqs[1] - 1;
  o.max_seq_inclusive = seqs[1];
  EXPECT_THAT(ScanText(messages_, "alice", p, o), ElementsAre("2"));
  o.min_seq_exclusive = seqs[3];
  o.max_seq_inclusive = INT64_MAX;
  EXPECT_THAT(ScanText(messages_, "alice", p, o), IsEmpty());
  o.min_seq_exclusive = 0;
  o.max_seq_inclusive = seqs[0] - 1;
  EXPECT_THAT(ScanText(messages_, "alice", p, o), IsEmpty());
}

TEST_F(TableStoreTest, ScannerFillsSeveralVectors) {
  constexpr int kRows = 5000;
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < kRows; ++i) {
    rows.push_back(Msg(i, i % 7 == 0 ? std::nullopt : std::optional<std::string>(Numbered("m", i)),
                       i % 5 == 0 ? std::nullopt : std::optional<double>(i * 0.5)));
  }
  InsertOk(*messages_, "alice", rows);
  InsertOk(*messages_, "alicf", {Msg(1, "neighbour", 0)});
  InsertOk(*messages_, "alic", {Msg(1, "neighbour", 0)});

  std::vector<duckdb::idx_t> fills;
  auto lines = ScanText(messages_, "alice", AllUserColumns(*messages_), {}, nullptr, &fills);
  ASSERT_EQ(lines.size(), size_t{kRows});
  // The first two chunks are small (a LIMIT query often needs only a few rows), then full.
  EXPECT_THAT(fills, ElementsAre(128, 512, STANDARD_VECTOR_SIZE, STANDARD_VECTOR_SIZE,
                                 kRows - 128 - 512 - 2 * STANDARD_VECTOR_SIZE, 0));
  for (int i = 0; i < kRows; ++i) {
    std::string expected = Numbered("", i) + "|" + (i % 7 == 0 ? "NULL" : Numbered("m", i)) + "|" +
                           (i % 5 == 0 ? std::string("NULL") : Value::DOUBLE(i * 0.5).ToString());
    ASSERT_EQ(lines[i], expected) << "row " << i;
  }
  EXPECT_EQ(Count(*messages_, "alice"), uint64_t{kRows});
  EXPECT_EQ(Count(*messages_, std::nullopt), uint64_t{kRows + 2});
}

TEST_F(TableStoreTest, ScannerIsolatesScopesAndTables) {
  auto other = MakeMessages(2, "other");
  InsertOk(*messages_, "al", {Msg(1, "al", 0)});
  InsertOk(*messages_, "alice", {Msg(1, "alice", 0)});
  InsertOk(*messages_, "alice2", {Msg(1, "alice2", 0)});
  InsertOk(*messages_, "", {Msg(1, "shared", 0)});
  InsertOk(*other, "alice", {Msg(1, "other table", 0)});
  const ScanProjection p = {{ScanColumn::Kind::kUserColumn, 1}};
  EXPECT_THAT(ScanText(messages_, "al", p), ElementsAre("al"));
  EXPECT_THAT(ScanText(messages_, "alice", p), ElementsAre("alice"));
  EXPECT_THAT(ScanText(messages_, "alice2", p), ElementsAre("alice2"));
  EXPECT_THAT(ScanText(messages_, "", p), ElementsAre("shared"));
  EXPECT_THAT(ScanText(messages_, "nobody", p), IsEmpty());
  EXPECT_THAT(ScanText(other, "alice", p), ElementsAre("other table"));
  EXPECT_THAT(ScanText(other, "al", p), IsEmpty());
  EXPECT_EQ(Count(*messages_, "al"), 1u);
  EXPECT_EQ(Count(*messages_, std::string()), 1u);
}

TEST_F(TableStoreTest, ScannerReadsItsSnapshot) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 0), Msg(2, "b", 0)});
  auto snapshot = backend_->GetSnapshot();
  InsertOk(*messages_, "alice", {Msg(3, "c", 0)});
  auto versions = Versions(messages_, "alice");
  ASSERT_TRUE(store_->Delete(*messages_, "alice", {ChangeOf(versions[0], versions[0].values)}).ok());
  const ScanProjection p = {{ScanColumn::Kind::kUserColumn, 0}};
  EXPECT_THAT(ScanText(messages_, "alice", p, {}, snapshot), ElementsAre("1", "2"));
  EXPECT_THAT(ScanText(messages_, "alice", p), ElementsAre("2", "3"));
}

TEST_F(TableStoreTest, ScannerDecodesEveryTypeKind) {
  auto every = EveryTypeTable(9);
  const std::vector<Value> values = EveryTypeValues();
  InsertOk(*every, "", {values, NullValues(*every)});
  ScanProjection p = AllUserColumns(*every);
  HotScanner scanner(*backend_, every, "", nullptr, p, {});
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), TypesOf(*every, p));
  ASSERT_EQ(scanner.Fill(chunk), 2u);
  ASSERT_TRUE(scanner.status().ok()) << scanner.status().ToString();
  for (size_t c = 0; c < values.size(); ++c) {
    ExpectSameValue(chunk.GetValue(c, 0), values[c], every->columns[c].name);
    EXPECT_TRUE(chunk.GetValue(c, 1).IsNull()) << every->columns[c].name;
  }
  chunk.Reset();
  EXPECT_EQ(scanner.Fill(chunk), 0u);

  // Row codec and scanner agree.
  auto it = backend_->ScanPrefix(store::Partition::kRows, ScopePrefix(every->number, ""));
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  auto decoded = DecodeRowValues(*every, it->value());
  ASSERT_TRUE(decoded.ok());
  for (size_t c = 0; c < values.size(); ++c) ExpectSameValue(decoded.value()[c], values[c], every->columns[c].name);
}

TEST_F(TableStoreTest, ScannerReportsCorruptRows) {
  InsertOk(*messages_, "alice", {Msg(1, "a", 0)});
  // A damaged value after the good row.
  ASSERT_TRUE(backend_->Put(store::Partition::kRows, RowKey(messages_->number, "alice", INT64_MAX - 1), "\x01").ok());
  HotScanner scanner(*backend_, messages_, "alice", nullptr, AllUserColumns(*messages_), {});
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), TypesOf(*messages_, AllUserColumns(*messages_)));
  EXPECT_EQ(scanner.Fill(chunk), 1u);
  EXPECT_EQ(scanner.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace kalam::tables
