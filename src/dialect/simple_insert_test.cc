#include "kalam/dialect/simple_insert.h"

#include <gtest/gtest.h>

namespace kalam::dialect {
namespace {

using Kind = InsertLiteral::Kind;

TEST(SimpleInsertTest, ParsesLiteralRows) {
  auto stmt = ParseSimpleInsert("insert into App.Msgs (ID, \"Body\") values (1, 'it''s'), (-42, NULL), ($1, DEFAULT);");
  ASSERT_TRUE(stmt.has_value());
  ASSERT_TRUE(stmt->table.namespace_id.has_value());
  EXPECT_EQ(stmt->table.namespace_id->str(), "app");
  EXPECT_EQ(stmt->table.table_name.str(), "msgs");
  EXPECT_EQ(stmt->columns, (std::vector<std::string>{"id", "body"}));
  ASSERT_EQ(stmt->rows.size(), 3u);
  EXPECT_EQ(stmt->rows[0][0].kind, Kind::kInteger);
  EXPECT_EQ(stmt->rows[0][0].integer, 1);
  EXPECT_EQ(stmt->rows[0][1].kind, Kind::kString);
  EXPECT_EQ(stmt->rows[0][1].text, "it's");
  EXPECT_EQ(stmt->rows[1][0].integer, -42);
  EXPECT_EQ(stmt->rows[1][1].kind, Kind::kNull);
  EXPECT_EQ(stmt->rows[2][0].kind, Kind::kParameter);
  EXPECT_EQ(stmt->rows[2][0].parameter, 1u);
  EXPECT_EQ(stmt->rows[2][1].kind, Kind::kDefault);
  EXPECT_EQ(stmt->distinct_parameters, 1u);
}

TEST(SimpleInsertTest, NumbersBooleansAndUnqualifiedNames) {
  auto stmt = ParseSimpleInsert("INSERT INTO t VALUES (1.25, -0.5, TRUE, false, 9223372036854775807, -9223372036854775808)");
  ASSERT_TRUE(stmt.has_value());
  EXPECT_FALSE(stmt->table.namespace_id.has_value());
  const auto& row = stmt->rows[0];
  EXPECT_EQ(row[0].kind, Kind::kDecimal);
  EXPECT_EQ(row[0].text, "1.25");
  EXPECT_EQ(row[1].text, "-0.5");
  EXPECT_TRUE(row[2].boolean);
  EXPECT_FALSE(row[3].boolean);
  EXPECT_EQ(row[4].integer, INT64_MAX);
  EXPECT_EQ(row[5].integer, INT64_MIN);
  // Out of int64 range: still a number, kept as text for exact conversion.
  auto big = ParseSimpleInsert("INSERT INTO t VALUES (99999999999999999999)");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->rows[0][0].kind, Kind::kDecimal);
}

TEST(SimpleInsertTest, OtherShapesAreLeftToDuckDB) {
  for (const char* sql : {"INSERT INTO t VALUES (1 + 1)", "INSERT INTO t VALUES (now())", "INSERT INTO t SELECT 1",
                          "INSERT INTO t VALUES (1) RETURNING *", "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
                          "INSERT INTO a.b.c VALUES (1)", "INSERT INTO t VALUES (1e5)", "INSERT INTO t VALUES (E'x')",
                          "INSERT INTO t DEFAULT VALUES", "INSERT INTO t VALUES ('unterminated)", "INSERT t VALUES (1)",
                          "INSERT INTO t VALUES (1), ", "INSERT INTO t VALUES (CAST(1 AS INT))", "SELECT 1",
                          "INSERT INTO t VALUES ($0)", "INSERT INTO t VALUES (1); SELECT 1"}) {
    EXPECT_FALSE(ParseSimpleInsert(sql).has_value()) << sql;
  }
}

TEST(SimpleInsertTest, HexBytesLiterals) {
  auto stmt = ParseSimpleInsert("INSERT INTO t VALUES (X'6869', x'')");
  ASSERT_TRUE(stmt.has_value());
  EXPECT_EQ(stmt->rows[0][0].kind, Kind::kBytes);
  EXPECT_EQ(stmt->rows[0][0].text, "hi");
  EXPECT_EQ(stmt->rows[0][1].text, "");
  EXPECT_FALSE(ParseSimpleInsert("INSERT INTO t VALUES (X'6')").has_value());
  EXPECT_FALSE(ParseSimpleInsert("INSERT INTO t VALUES (X'zz')").has_value());
}

TEST(SimpleInsertTest, CountsDistinctParameters) {
  auto stmt = ParseSimpleInsert("INSERT INTO t VALUES ($1, $2), ($2, $1), ($3, 'x')");
  ASSERT_TRUE(stmt.has_value());
  EXPECT_EQ(stmt->distinct_parameters, 3u);
}

}  // namespace
}  // namespace kalam::dialect
