#include "kalam/tables/wire_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "duckdb.hpp"

namespace kalam::tables {
namespace {

// Every cell of `sql`'s result through both entry points: the column encoder (HTTP rows) and
// AppendWireValue (live rows). Returns the column encoder's texts, row by row.
std::vector<std::vector<std::string>> EncodeBothWays(const std::string& sql) {
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  auto result = con.Query(sql);
  std::vector<std::vector<std::string>> rows;
  if (result->HasError()) {
    ADD_FAILURE() << result->GetError();
    return rows;
  }
  std::vector<WireColumnEncoder> columns;
  for (const duckdb::LogicalType& type : result->types) columns.emplace_back(type);
  while (auto chunk = result->Fetch()) {
    if (chunk->size() == 0) break;
    for (size_t c = 0; c < columns.size(); ++c) columns[c].Bind(chunk->data[c], chunk->size());
    for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < columns.size(); ++c) {
        std::string from_vector, from_value;
        columns[c].Append(r, &from_vector);
        AppendWireValue(chunk->GetValue(c, r), &from_value);
        EXPECT_EQ(from_value, from_vector)
            << "column " << result->names[c] << " (" << result->types[c].ToString() << "), row " << r;
        row.push_back(from_vector);
      }
      rows.push_back(std::move(row));
    }
    for (WireColumnEncoder& column : columns) column.Unbind();
  }
  return rows;
}

TEST(WireValueTest, EveryColumnTypeAndEdgeValue) {
  const auto rows = EncodeBothWays(
      "SELECT * FROM (VALUES "
      "(true, 12::SMALLINT, (-2147483648)::INT, (-9223372036854775808)::BIGINT, 1.1::FLOAT, -1e300::DOUBLE, "
      " -0.05::DECIMAL(10,2), 'é \"q\" \\ ' || chr(10) || chr(1), '\\x00\\xFF'::BLOB, '{\"a\":[1]}'::JSON, "
      " '1969-12-31 23:59:59.999999'::TIMESTAMP, '2025-10-28 12:00:00+02'::TIMESTAMPTZ, '1969-12-31'::DATE, "
      " '23:59:59.999999'::TIME, '018B6E8A-07D1-7000-8000-0123456789AB'::UUID), "
      "(NULL, NULL, NULL, NULL, 'NaN'::FLOAT, 'inf'::DOUBLE, 99999999.99, '', ''::BLOB, 'null'::JSON, "
      " 'infinity'::TIMESTAMP, NULL, '-infinity'::DATE, '00:00:00'::TIME, NULL))");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"true", "12", "-2147483648", "\"-9223372036854775808\"", "1.1",
                                               "-1e+300", "\"-0.05\"", "\"é \\\"q\\\" \\\\ \\n\\u0001\"", "[0,255]",
                                               "\"{\\\"a\\\":[1]}\"", "-1", "1761645600000000", "-1", "86399999999",
                                               "\"018b6e8a-07d1-7000-8000-0123456789ab\""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"null", "null", "null", "null", "\"NaN\"", "\"Infinity\"",
                                               "\"99999999.99\"", "\"\"", "[]", "\"null\"", "9223372036854775807",
                                               "null", "-2147483647", "0", "null"}));
}

// Computed columns: the old live encoder wrote TIMESTAMP_S/MS/NS in their own units and
// TIME WITH TIME ZONE as text; both paths now follow the HTTP encoding.
TEST(WireValueTest, ComputedTypesOfEveryWidthAndUnit) {
  const auto rows = EncodeBothWays(
      "SELECT 1::TINYINT, 2::UTINYINT, 3::USMALLINT, 4::UINTEGER, 5::UBIGINT, "
      "'-170141183460469231731687303715884105728'::HUGEINT, 340282366920938463463374607431768211455::UHUGEINT, "
      "1.5::DECIMAL(4,1), -12345.678::DECIMAL(9,3), 0.000000000000000001::DECIMAL(18,18), "
      "-1234567890123456789012345678901234567.8::DECIMAL(38,1), "
      "'2025-10-28 10:00:00'::TIMESTAMP_S, '2025-10-28 10:00:00.123'::TIMESTAMP_MS, "
      "'1969-12-31 23:59:59.9999995'::TIMESTAMP_NS, '10:00:00+02'::TIMETZ, INTERVAL '1 day 2 hours', [1, 2], "
      "{'k': 'x'}");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{
                         "1", "2", "3", "\"4\"", "\"5\"", "\"-170141183460469231731687303715884105728\"",
                         "\"340282366920938463463374607431768211455\"", "\"1.5\"", "\"-12345.678\"",
                         "\"0.000000000000000001\"", "\"-1234567890123456789012345678901234567.8\"", "1761645600000000",
                         "1761645600123000", "-1", "36000000000", "\"1 day 02:00:00\"", "\"[1, 2]\"", "\"{'k': x}\""}));
}

TEST(WireValueTest, SecretColumnsByNameInAnyCase) {
  EXPECT_TRUE(IsSecretColumn("password_hash"));
  EXPECT_TRUE(IsSecretColumn("Credentials"));
  EXPECT_FALSE(IsSecretColumn("password"));
  EXPECT_FALSE(IsSecretColumn("credential"));
  EXPECT_EQ(kSecretMask, "\"***\"");
}

}  // namespace
}  // namespace kalam::tables
