#include <gtest/gtest.h>

#include "kalam/tables/row_codec.h"
#include "kalam/tables/row_projection.h"

namespace kalam::tables {
namespace {

ColumnDefinition Column(uint32_t id, std::string name, TypeKind kind) {
  ColumnDefinition c;
  c.column_id = id;
  c.name = std::move(name);
  c.type = DataType{kind, 0, 0};
  return c;
}

// Version 1: (id BIGINT, body TEXT, n INT). Version 2 renames body to content, drops nothing,
// widens n to BIGINT and adds tokens INT DEFAULT 7. Version 3 drops content.
struct Versions {
  TableDefinition v1, v2, v3;
  Versions() {
    v1.id = TableId{NamespaceId("app"), TableName("t")};
    v1.columns = {Column(1, "id", TypeKind::kBigInt), Column(2, "body", TypeKind::kText), Column(3, "n", TypeKind::kInt)};
    v1.columns[0].primary_key = true;
    v1.lineage = std::make_shared<SchemaLineage>();
    v1.lineage->Add(v1);
    v2 = v1;
    v2.schema_version = 2;
    v2.columns[1].name = "content";
    v2.columns[2].type = DataType{TypeKind::kBigInt, 0, 0};
    v2.columns.push_back(Column(4, "tokens", TypeKind::kInt));
    v2.columns.back().default_value = DefaultValue{DefaultValue::Kind::kLiteral, "7", false};
    v2.lineage->Add(v2);
    v3 = v2;
    v3.schema_version = 3;
    v3.columns.erase(v3.columns.begin() + 1);
    v3.lineage->Add(v3);
  }
};

TEST(RowProjectionTest, OlderRowsReadAsTheNewerVersion) {
  Versions t;
  std::string bytes;
  EncodeRow(t.v1, {duckdb::Value::BIGINT(1), duckdb::Value("hello"), duckdb::Value::INTEGER(42)}, false, 9, &bytes);
  auto as_v2 = DecodeRowValues(t.v2, bytes);
  ASSERT_TRUE(as_v2.ok()) << as_v2.status().ToString();
  ASSERT_EQ(as_v2->size(), 4u);
  EXPECT_EQ((*as_v2)[1].ToString(), "hello");
  EXPECT_EQ((*as_v2)[2].type(), duckdb::LogicalType::BIGINT);
  EXPECT_EQ((*as_v2)[2].GetValue<int64_t>(), 42);
  EXPECT_EQ((*as_v2)[3].GetValue<int32_t>(), 7);  // the DEFAULT it was added with
  auto as_v3 = DecodeRowValues(t.v3, bytes);
  ASSERT_TRUE(as_v3.ok());
  ASSERT_EQ(as_v3->size(), 3u);  // content is hidden
  EXPECT_EQ((*as_v3)[1].GetValue<int64_t>(), 42);
}

TEST(RowProjectionTest, NewerRowsReadAsAnOlderVersion) {
  // A reader that fetched the definition just before an ALTER meets a row written after it.
  Versions t;
  std::string bytes;
  EncodeRow(t.v3, {duckdb::Value::BIGINT(2), duckdb::Value::BIGINT(5), duckdb::Value::INTEGER(1)}, false, 9, &bytes);
  auto as_v2 = DecodeRowValues(t.v2, bytes);
  ASSERT_TRUE(as_v2.ok()) << as_v2.status().ToString();
  EXPECT_TRUE((*as_v2)[1].IsNull());  // dropped in v3: NULL, not the DEFAULT of anything
  EXPECT_EQ((*as_v2)[3].GetValue<int32_t>(), 1);
}

TEST(RowProjectionTest, UnknownVersionIsCorruption) {
  Versions t;
  TableDefinition v9 = t.v3;
  v9.schema_version = 9;
  std::string bytes;
  EncodeRow(v9, {duckdb::Value::BIGINT(2), duckdb::Value::BIGINT(5), duckdb::Value::INTEGER(1)}, false, 9, &bytes);
  EXPECT_EQ(DecodeRowValues(t.v3, bytes).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace kalam::tables
