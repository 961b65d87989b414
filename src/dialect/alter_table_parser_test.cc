#include <gtest/gtest.h>

#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using Change = AlterTableStmt::Change;

TEST(AlterTableParserTest, AddColumn) {
  auto s = ParseAs<AlterTableStmt>("ALTER TABLE app.t ADD COLUMN Tokens INT NOT NULL DEFAULT 0;");
  EXPECT_EQ(s.change, Change::kAddColumn);
  EXPECT_EQ(s.table.namespace_id->str(), "app");
  EXPECT_EQ(s.column.name, "tokens");
  EXPECT_EQ(s.column.type.kind, TypeKind::kInt);
  EXPECT_FALSE(s.column.nullable);
  ASSERT_TRUE(s.column.default_value.has_value());
  EXPECT_EQ(s.column.default_value->literal, "0");
  auto bare = ParseAs<AlterTableStmt>("alter user table t add c text");
  EXPECT_EQ(bare.type, TableType::kUser);
  EXPECT_EQ(bare.column.name, "c");
}

TEST(AlterTableParserTest, ColumnChanges) {
  EXPECT_EQ(ParseAs<AlterTableStmt>("ALTER TABLE t DROP COLUMN c").change, Change::kDropColumn);
  EXPECT_EQ(ParseAs<AlterTableStmt>("ALTER TABLE t DROP c").column_name, "c");
  auto modify = ParseAs<AlterTableStmt>("ALTER TABLE t MODIFY COLUMN n BIGINT NOT NULL");
  EXPECT_EQ(modify.change, Change::kModifyColumn);
  EXPECT_EQ(modify.column.type.kind, TypeKind::kBigInt);
  EXPECT_TRUE(modify.nullability_written);
  EXPECT_FALSE(modify.column.nullable);
  EXPECT_FALSE(ParseAs<AlterTableStmt>("ALTER TABLE t MODIFY n DOUBLE").nullability_written);
  EXPECT_EQ(ParseAs<AlterTableStmt>("ALTER TABLE t ALTER COLUMN c SET NOT NULL").change, Change::kSetNotNull);
  EXPECT_EQ(ParseAs<AlterTableStmt>("ALTER TABLE t ALTER c DROP NOT NULL").change, Change::kDropNotNull);
  auto def = ParseAs<AlterTableStmt>("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x'");
  EXPECT_EQ(def.change, Change::kSetDefault);
  EXPECT_EQ(def.column.default_value->literal, "x");
  EXPECT_EQ(ParseAs<AlterTableStmt>("ALTER TABLE t ALTER COLUMN c DROP DEFAULT").change, Change::kDropDefault);
  auto rename = ParseAs<AlterTableStmt>("ALTER TABLE t RENAME COLUMN a TO B");
  EXPECT_EQ(rename.change, Change::kRenameColumn);
  EXPECT_EQ(rename.column_name, "a");
  EXPECT_EQ(rename.new_name, "b");
}

TEST(AlterTableParserTest, Options) {
  auto props = ParseAs<AlterTableStmt>(
      "ALTER TABLE t SET TBLPROPERTIES (FLUSH_POLICY = 'rows:100', DELETED_RETENTION_HOURS = 2)");
  EXPECT_EQ(props.change, Change::kSetOptions);
  EXPECT_EQ(props.options.flush_row_limit, 100u);
  EXPECT_EQ(props.options.deleted_retention_hours, 2u);
  EXPECT_EQ(props.options_given, (std::vector<std::string>{"FLUSH_POLICY", "DELETED_RETENTION_HOURS"}));
  auto access = ParseAs<AlterTableStmt>("ALTER SHARED TABLE t SET ACCESS LEVEL public");
  EXPECT_EQ(access.options.access_level, AccessLevel::kPublic);
  auto stream = ParseAs<AlterTableStmt>("ALTER STREAM TABLE s SET TBLPROPERTIES (TTL_SECONDS = 60, MAX_BUFFER = 5)");
  EXPECT_EQ(stream.options.ttl_seconds, 60u);
  EXPECT_EQ(stream.options.max_buffer, 5u);
}

TEST(AlterTableParserTest, Errors) {
  EXPECT_NE(ParseError("ALTER TABLE t ADD COLUMN c INT FIRST").message().find("FIRST/AFTER"), std::string::npos);
  EXPECT_NE(ParseError("ALTER TABLE t ADD COLUMN c INT AFTER b").message().find("FIRST/AFTER"), std::string::npos);
  EXPECT_EQ(ParseError("ALTER TABLE t ADD COLUMN c INT, ADD COLUMN d INT").message(),
            "ALTER TABLE takes one change per statement");
  EXPECT_EQ(ParseError("ALTER TABLE t SET TBLPROPERTIES (TYPE = 'USER')").message(),
            "The table type cannot be changed");
  EXPECT_EQ(ParseError("ALTER TABLE t SET TBLPROPERTIES (FOO = 1)").message(), "Unknown table option 'FOO'");
  EXPECT_FALSE(ParseError("ALTER TABLE t ADD COLUMN c WIDGET").ok());
  EXPECT_FALSE(ParseError("ALTER TABLE t ADD COLUMN id INT PRIMARY KEY").ok());
  EXPECT_FALSE(ParseError("ALTER TABLE t MODIFY COLUMN c INT DEFAULT 1").ok());
  EXPECT_FALSE(ParseError("ALTER TABLE t RENAME COLUMN a").ok());
  EXPECT_FALSE(ParseError("ALTER TABLE t").ok());
}

TEST(AlterNamespaceParserTest, SetOptions) {
  auto s = ParseAs<AlterNamespaceStmt>("ALTER NAMESPACE app SET OPTIONS (K1 = 'v', k2 = 42, k3 = true, k4 = -1)");
  EXPECT_EQ(s.name.str(), "app");
  ASSERT_EQ(s.options.size(), 4u);
  EXPECT_EQ(s.options[0], (std::pair<std::string, std::string>{"k1", "\"v\""}));
  EXPECT_EQ(s.options[1].second, "42");
  EXPECT_EQ(s.options[2].second, "true");
  EXPECT_EQ(s.options[3].second, "-1");
  EXPECT_FALSE(ParseError("ALTER NAMESPACE app SET OPTIONS (k = 1, k = 2)").ok());
  EXPECT_FALSE(ParseError("ALTER NAMESPACE app SET OPTIONS ()").ok());
  EXPECT_FALSE(ParseError("ALTER NAMESPACE app").ok());
}

}  // namespace
}  // namespace kalam::dialect
