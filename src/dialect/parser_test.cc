#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

#include <string>
#include <variant>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/access_level.h"
#include "kalam/commons/data_type.h"
#include "kalam/commons/default_value.h"
#include "kalam/commons/table_type.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;
using Kind = DefaultValue::Kind;

CreateTableStmt ParseCreate(std::string_view sql) { return ParseAs<CreateTableStmt>(sql); }

// The statement fails with InvalidArgument and exactly `message`.
void ExpectInvalid(std::string_view sql, std::string_view message) {
  const Status status = ParseError(sql);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << sql << " -> " << status.ToString();
  EXPECT_EQ(status.message(), message) << sql;
}

// The statement fails with InvalidArgument and a message containing `fragment`.
void ExpectInvalidContaining(std::string_view sql, std::string_view fragment) {
  const Status status = ParseError(sql);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << sql << " -> " << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(std::string(fragment))) << sql;
}

void ExpectUnsupported(std::string_view sql, std::string_view message) {
  const Status status = ParseError(sql);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported) << sql << " -> " << status.ToString();
  EXPECT_EQ(status.message(), message) << sql;
}

const ColumnDefinition& Col(const CreateTableStmt& stmt, size_t i) {
  static const ColumnDefinition kMissing;
  EXPECT_LT(i, stmt.columns.size());
  return i < stmt.columns.size() ? stmt.columns[i] : kMissing;
}

DataType Type(TypeKind kind) { return DataType{kind, 0, 0}; }

std::string UnsupportedDefault(std::string_view column) {
  return "Unsupported DEFAULT expression for column '" + std::string(column) +
         "': only literals, NOW(), CURRENT_TIMESTAMP, SNOWFLAKE_ID(), UUID_V7(), ULID() and "
         "CURRENT_USER() are allowed";
}

// ---------------------------------------------------------------------------------------
// ClassifyStatement
// ---------------------------------------------------------------------------------------

TEST(ClassifyStatementTest, StandardLeaders) {
  for (const char* sql : {"SELECT 1", "select * from app.t", "WITH x AS (SELECT 1) SELECT * FROM x",
                          "VALUES (1), (2)", "INSERT INTO app.t VALUES (1)",
                          "update app.t SET a = 1", "DELETE FROM app.t", "EXPLAIN SELECT 1",
                          "FROM app.t", "TABLE app.t", "(SELECT 1) UNION (SELECT 2)",
                          "  -- comment\n /* block */ SeLeCt 1", "Insert into t values (1)"}) {
    EXPECT_EQ(ClassifyStatement(sql), StatementClass::kStandard) << sql;
  }
}

TEST(ClassifyStatementTest, KalamStatements) {
  for (const char* sql : {"CREATE NAMESPACE app",
                          "CREATE TABLE t (a INT)",
                          "DROP TABLE t",
                          "SHOW TABLES",
                          "DESCRIBE t",
                          "DESC t",
                          "USE app",
                          "SET NAMESPACE app",
                          "EXECUTE AS USER 'a' (SELECT 1)",
                          "ALTER TABLE t ADD COLUMN c INT",
                          "SUBSCRIBE TO app.t",
                          "BEGIN",
                          "PRAGMA x",
                          "gibberish",
                          "",
                          "   ",
                          "-- only comment",
                          "\"select\" 1",
                          "SELECT_X 1"}) {
    EXPECT_EQ(ClassifyStatement(sql), StatementClass::kKalam) << sql;
  }
}

TEST(ClassifyStatementTest, LexicalErrorIsLeftToTheParser) {
  EXPECT_EQ(ClassifyStatement("/* unterminated"), StatementClass::kKalam);
  EXPECT_EQ(ClassifyStatement("'unterminated"), StatementClass::kKalam);
  const Status status = ParseError("/* unterminated");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "Unterminated block comment");
  // Only the first token matters: the rest is DuckDB's to reject.
  EXPECT_EQ(ClassifyStatement("SELECT 'unterminated"), StatementClass::kStandard);
}

// ---------------------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------------------

TEST(NamespaceStatementTest, CreateNamespace) {
  CreateNamespaceStmt stmt = ParseAs<CreateNamespaceStmt>("CREATE NAMESPACE app;");
  EXPECT_EQ(stmt.name.str(), "app");
  EXPECT_FALSE(stmt.if_not_exists);

  stmt = ParseAs<CreateNamespaceStmt>("create namespace if not exists App");
  EXPECT_EQ(stmt.name.str(), "app");
  EXPECT_TRUE(stmt.if_not_exists);

  stmt = ParseAs<CreateNamespaceStmt>("CREATE NAMESPACE \"MyApp\"");
  EXPECT_EQ(stmt.name.str(), "myapp");
}

TEST(NamespaceStatementTest, ReservedNamespaceNamesAreLeftToTheEngine) {
  EXPECT_EQ(ParseAs<CreateNamespaceStmt>("CREATE NAMESPACE default").name.str(), "default");
  EXPECT_EQ(ParseAs<CreateNamespaceStmt>("CREATE NAMESPACE system").name.str(), "system");
  EXPECT_EQ(ParseAs<DropNamespaceStmt>("DROP NAMESPACE DEFAULT").name.str(), "default");
}

TEST(NamespaceStatementTest, InvalidNamespaceNames) {
  ExpectInvalid("CREATE NAMESPACE _app",
                "Namespace name '_app' must not start with '_' or a digit");
  ExpectInvalid("CREATE NAMESPACE 1app",
                "Namespace name '1app' must not start with '_' or a digit");
  ExpectInvalid("CREATE NAMESPACE select", "Namespace name 'select' is a reserved word");
  ExpectInvalid("CREATE NAMESPACE \"my-app\"",
                "Namespace name 'my-app' may contain only letters, digits and '_'");
  ExpectInvalid("CREATE NAMESPACE " + std::string(65, 'a'),
                "Namespace name '" + std::string(65, 'a') + "' must be 1 to 64 characters");
  ExpectInvalidContaining("CREATE NAMESPACE",
                          "Syntax error: expected namespace name, found end of statement");
  ExpectInvalidContaining("CREATE NAMESPACE app extra", "unexpected 'extra'");
  ExpectInvalidContaining("CREATE NAMESPACE IF NOT EXISTS", "expected namespace name");
}

TEST(NamespaceStatementTest, DropNamespace) {
  DropNamespaceStmt stmt = ParseAs<DropNamespaceStmt>("DROP NAMESPACE app");
  EXPECT_EQ(stmt.name.str(), "app");
  EXPECT_FALSE(stmt.if_exists);
  EXPECT_FALSE(stmt.cascade);

  stmt = ParseAs<DropNamespaceStmt>("drop namespace if exists APP cascade;");
  EXPECT_EQ(stmt.name.str(), "app");
  EXPECT_TRUE(stmt.if_exists);
  EXPECT_TRUE(stmt.cascade);

  ExpectInvalidContaining("DROP NAMESPACE app RESTRICT now", "unexpected 'RESTRICT'");
}

TEST(NamespaceStatementTest, UseNamespaceForms) {
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("USE app").name.str(), "app");
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("use NAMESPACE App;").name.str(), "app");
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("SET NAMESPACE app").name.str(), "app");
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("set namespace \"APP\"").name.str(), "app");
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("USE default").name.str(), "default");
  EXPECT_EQ(ParseAs<UseNamespaceStmt>("USE namespace").name.str(), "namespace");
  ExpectInvalidContaining("USE", "expected namespace name");
  ExpectInvalidContaining("USE a b", "unexpected 'b'");
  ExpectInvalidContaining("SET NAMESPACE", "expected namespace name");
}

TEST(ShowStatementTest, ShowNamespaces) {
  ParseAs<ShowNamespacesStmt>("SHOW NAMESPACES");
  ParseAs<ShowNamespacesStmt>("show namespaces;");
  ExpectInvalidContaining("SHOW NAMESPACES x", "unexpected 'x'");
}

TEST(ShowStatementTest, ShowTables) {
  EXPECT_FALSE(ParseAs<ShowTablesStmt>("SHOW TABLES").in_namespace.has_value());
  EXPECT_EQ(ParseAs<ShowTablesStmt>("SHOW TABLES IN app").in_namespace->str(), "app");
  EXPECT_EQ(ParseAs<ShowTablesStmt>("show tables in namespace App;").in_namespace->str(), "app");
  EXPECT_EQ(ParseAs<ShowTablesStmt>("SHOW TABLES IN default").in_namespace->str(), "default");
  ExpectInvalidContaining("SHOW TABLES IN", "expected namespace name");
  ExpectInvalidContaining("SHOW TABLES app", "unexpected 'app'");
}

TEST(ShowStatementTest, ShowStats) {
  ShowStatsStmt stmt = ParseAs<ShowStatsStmt>("SHOW STATS FOR TABLE app.messages");
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "messages");
  stmt = ParseAs<ShowStatsStmt>("show stats for table Messages;");
  EXPECT_FALSE(stmt.table.namespace_id.has_value());
  EXPECT_EQ(stmt.table.table_name.str(), "messages");
  ExpectInvalidContaining("SHOW STATS TABLE t", "expected FOR");
}

TEST(DescribeStatementTest, Forms) {
  DescribeTableStmt stmt = ParseAs<DescribeTableStmt>("DESCRIBE TABLE app.messages;");
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "messages");
  EXPECT_FALSE(stmt.history);

  stmt = ParseAs<DescribeTableStmt>("describe app.messages history");
  EXPECT_TRUE(stmt.history);

  stmt = ParseAs<DescribeTableStmt>("DESC t");
  EXPECT_FALSE(stmt.table.namespace_id.has_value());
  EXPECT_EQ(stmt.table.table_name.str(), "t");

  stmt = ParseAs<DescribeTableStmt>("DESC TABLE \"App\".\"T\"");
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "t");

  stmt = ParseAs<DescribeTableStmt>("DESCRIBE TABLE default.t HISTORY");
  EXPECT_EQ(stmt.table.namespace_id->str(), "default");
  EXPECT_TRUE(stmt.history);

  ExpectInvalidContaining("DESCRIBE", "expected table name");
  ExpectInvalidContaining("DESCRIBE t extra", "unexpected 'extra'");
  ExpectInvalid("DESCRIBE select", "Table name 'select' is a reserved word");
}

// ---------------------------------------------------------------------------------------
// DROP TABLE
// ---------------------------------------------------------------------------------------

TEST(DropTableTest, Forms) {
  DropTableStmt stmt = ParseAs<DropTableStmt>("DROP TABLE app.t");
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "t");
  EXPECT_FALSE(stmt.type.has_value());
  EXPECT_FALSE(stmt.if_exists);

  stmt = ParseAs<DropTableStmt>("drop user table if exists App.T;");
  EXPECT_EQ(stmt.type, TableType::kUser);
  EXPECT_TRUE(stmt.if_exists);
  EXPECT_EQ(stmt.table.table_name.str(), "t");

  EXPECT_EQ(ParseAs<DropTableStmt>("DROP SHARED TABLE t").type, TableType::kShared);
  EXPECT_EQ(ParseAs<DropTableStmt>("DROP STREAM TABLE default.t").type, TableType::kStream);
  EXPECT_FALSE(ParseAs<DropTableStmt>("DROP TABLE t").table.namespace_id.has_value());

  ExpectInvalidContaining("DROP TABLE", "expected table name");
  ExpectInvalidContaining("DROP TABLE a.b.c", "unexpected '.'");
  ExpectInvalid("DROP TABLE _x", "Table name '_x' must not start with '_' or a digit");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: product README statements
// ---------------------------------------------------------------------------------------

TEST(CreateTableReadmeTest, UserTableWithFlushRowThreshold) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE USER TABLE app.messages (id BIGINT DEFAULT SNOWFLAKE_ID(), content TEXT, "
      "timestamp TIMESTAMP DEFAULT NOW()) FLUSH ROW_THRESHOLD 1000;");
  EXPECT_EQ(stmt.type, TableType::kUser);
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "messages");
  EXPECT_FALSE(stmt.if_not_exists);
  ASSERT_EQ(stmt.columns.size(), 3u);
  EXPECT_EQ(Col(stmt, 0).name, "id");
  EXPECT_EQ(Col(stmt, 0).type, Type(TypeKind::kBigInt));
  EXPECT_EQ(Col(stmt, 0).default_value->kind, Kind::kSnowflakeId);
  EXPECT_TRUE(Col(stmt, 0).nullable);
  EXPECT_FALSE(Col(stmt, 0).primary_key);
  EXPECT_EQ(Col(stmt, 0).column_id, 0u);
  EXPECT_EQ(Col(stmt, 1).name, "content");
  EXPECT_EQ(Col(stmt, 1).type, Type(TypeKind::kText));
  EXPECT_FALSE(Col(stmt, 1).default_value.has_value());
  EXPECT_EQ(Col(stmt, 2).name, "timestamp");
  EXPECT_EQ(Col(stmt, 2).type, Type(TypeKind::kTimestamp));
  EXPECT_EQ(Col(stmt, 2).default_value->kind, Kind::kNow);
  EXPECT_EQ(stmt.options.flush_row_limit, 1000u);
  EXPECT_FALSE(stmt.options.flush_interval_seconds.has_value());
  EXPECT_TRUE(stmt.options_set.flush);
  EXPECT_FALSE(stmt.options_set.storage);
  EXPECT_FALSE(stmt.options_set.ttl);
  EXPECT_EQ(stmt.options.FlushPolicyText(), "rows:1000");
}

TEST(CreateTableReadmeTest, SharedTableWithFlushPolicyTimeInterval) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE SHARED TABLE app.analytics (event_name TEXT, count BIGINT, timestamp TIMESTAMP) "
      "FLUSH POLICY TIME_INTERVAL 300;");
  EXPECT_EQ(stmt.type, TableType::kShared);
  ASSERT_EQ(stmt.columns.size(), 3u);
  EXPECT_EQ(Col(stmt, 1).name, "count");
  EXPECT_EQ(Col(stmt, 1).type, Type(TypeKind::kBigInt));
  EXPECT_EQ(Col(stmt, 2).name, "timestamp");
  EXPECT_EQ(stmt.options.flush_interval_seconds, 300u);
  EXPECT_FALSE(stmt.options.flush_row_limit.has_value());
  EXPECT_TRUE(stmt.options_set.flush);
  EXPECT_EQ(stmt.options.FlushPolicyText(), "interval:300");
}

TEST(CreateTableReadmeTest, StreamTableWithRetentionEphemeralMaxBuffer) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE STREAM TABLE app.events (event_id TEXT, data TEXT) RETENTION 10 EPHEMERAL MAX_BUFFER "
      "5000;");
  EXPECT_EQ(stmt.type, TableType::kStream);
  ASSERT_EQ(stmt.columns.size(), 2u);
  EXPECT_EQ(Col(stmt, 1).name, "data");
  EXPECT_EQ(stmt.options.ttl_seconds, 10u);
  EXPECT_EQ(stmt.options.max_buffer, 5000u);
  EXPECT_TRUE(stmt.options_set.ttl);
  EXPECT_TRUE(stmt.options_set.max_buffer);
  EXPECT_FALSE(stmt.options_set.flush);
}

TEST(CreateTableReadmeTest, AiConversationsWithCommentsAndCombinedFlush) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE USER TABLE ai.conversations (\n"
      "  id BIGINT DEFAULT SNOWFLAKE_ID(),\n"
      "  conversation_id TEXT DEFAULT UUID_V7(),\n"
      "  role TEXT,  -- 'user' or 'assistant'\n"
      "  content TEXT,\n"
      "  model TEXT,\n"
      "  tokens INT,\n"
      "  created_at TIMESTAMP DEFAULT NOW()\n"
      ") FLUSH INTERVAL 600s ROW_THRESHOLD 5000;");
  EXPECT_EQ(stmt.table.namespace_id->str(), "ai");
  ASSERT_EQ(stmt.columns.size(), 7u);
  EXPECT_EQ(Col(stmt, 1).default_value->kind, Kind::kUuidV7);
  EXPECT_EQ(Col(stmt, 2).name, "role");
  EXPECT_EQ(Col(stmt, 5).name, "tokens");
  EXPECT_EQ(Col(stmt, 5).type, Type(TypeKind::kInt));
  EXPECT_EQ(stmt.options.flush_interval_seconds, 600u);
  EXPECT_EQ(stmt.options.flush_row_limit, 5000u);
  EXPECT_EQ(stmt.options.FlushPolicyText(), "rows:5000,interval:600");
}

TEST(CreateTableReadmeTest, OtherReadmeExamples) {
  CreateTableStmt stmt = ParseCreate(
      "CREATE USER TABLE app.conversations (\n"
      "  id BIGINT DEFAULT SNOWFLAKE_ID(),\n"
      "  user_id TEXT DEFAULT CURRENT_USER(),\n"
      "  message TEXT,\n"
      "  created_at TIMESTAMP DEFAULT NOW()\n"
      ") FLUSH ROW_THRESHOLD 1000;");
  EXPECT_EQ(Col(stmt, 1).default_value->kind, Kind::kCurrentUser);

  stmt = ParseCreate(
      "CREATE USER TABLE app.messages (id BIGINT, content TEXT, created_at TIMESTAMP) "
      "FLUSH POLICY ROW_LIMIT 1000;");
  EXPECT_EQ(stmt.options.flush_row_limit, 1000u);

  stmt = ParseCreate(
      "CREATE SHARED TABLE docs.content (doc_id TEXT, version INT, content TEXT, "
      "author TEXT DEFAULT CURRENT_USER(), updated_at TIMESTAMP DEFAULT NOW()) FLUSH INTERVAL "
      "60s;");
  EXPECT_EQ(Col(stmt, 1).name, "version");
  EXPECT_EQ(stmt.options.flush_interval_seconds, 60u);
  EXPECT_EQ(stmt.options.FlushPolicyText(), "interval:60");

  stmt = ParseCreate(
      "CREATE STREAM TABLE docs.presence (doc_id TEXT, user_id TEXT, cursor_position INT, "
      "last_seen TIMESTAMP DEFAULT NOW()) TTL 5;  -- Auto-evict after 5 seconds");
  EXPECT_EQ(stmt.options.ttl_seconds, 5u);

  stmt = ParseCreate(
      "CREATE STREAM TABLE iot.sensor_data (sensor_id TEXT, temperature DOUBLE, humidity DOUBLE, "
      "timestamp TIMESTAMP DEFAULT NOW()) TTL 10;");
  EXPECT_EQ(Col(stmt, 1).type, Type(TypeKind::kDouble));

  stmt = ParseCreate(
      "CREATE SHARED TABLE iot.metrics (sensor_id TEXT, avg_temp DOUBLE, max_temp DOUBLE, "
      "min_temp DOUBLE, hour TIMESTAMP) FLUSH INTERVAL 3600s;  -- Flush every hour");
  EXPECT_EQ(Col(stmt, 4).name, "hour");
  EXPECT_EQ(stmt.options.flush_interval_seconds, 3600u);

  stmt = ParseCreate(
      "CREATE USER TABLE app.user_data (id BIGINT DEFAULT SNOWFLAKE_ID(), data_type TEXT, "
      "content TEXT, created_by TEXT DEFAULT CURRENT_USER(), created_at TIMESTAMP DEFAULT NOW()) "
      "FLUSH INTERVAL 300s;");
  EXPECT_EQ(Col(stmt, 1).name, "data_type");

  stmt = ParseCreate(
      "CREATE USER TABLE saas.customer_data (id BIGINT DEFAULT SNOWFLAKE_ID(), customer_id TEXT "
      "DEFAULT CURRENT_USER(), entity_type TEXT, entity_data TEXT, created_at TIMESTAMP DEFAULT "
      "NOW()) FLUSH INTERVAL 600s ROW_THRESHOLD 10000;");
  EXPECT_EQ(stmt.options.flush_row_limit, 10000u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 600u);

  stmt = ParseCreate("CREATE USER TABLE app.messages (id BIGINT) STORAGE s3_prod;");
  EXPECT_EQ(stmt.options.storage_id.str(), "s3_prod");
  EXPECT_TRUE(stmt.options_set.storage);
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: structure, names, columns
// ---------------------------------------------------------------------------------------

TEST(CreateTableTest, NoPrefixLeavesTypeUnsetAndOptionsDefault) {
  const CreateTableStmt stmt = ParseCreate("create table IF NOT EXISTS T (A int)");
  EXPECT_FALSE(stmt.type.has_value());
  EXPECT_TRUE(stmt.if_not_exists);
  EXPECT_FALSE(stmt.table.namespace_id.has_value());
  EXPECT_EQ(stmt.table.table_name.str(), "t");
  EXPECT_EQ(Col(stmt, 0).name, "a");
  EXPECT_FALSE(stmt.options.flush_row_limit.has_value());
  EXPECT_FALSE(stmt.options.flush_interval_seconds.has_value());
  EXPECT_EQ(stmt.options.storage_id.str(), "local");
  EXPECT_EQ(stmt.options.access_level, AccessLevel::kPrivate);
  EXPECT_EQ(stmt.options.deleted_retention_hours, 168u);
  EXPECT_EQ(stmt.options.ttl_seconds, 10u);
  EXPECT_EQ(stmt.options.max_buffer, 10000u);
  const TableOptionsSet& set = stmt.options_set;
  EXPECT_FALSE(set.flush || set.storage || set.access_level || set.deleted_retention || set.ttl ||
               set.max_buffer);
}

TEST(CreateTableTest, DefaultNamespaceQualifierIsAccepted) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE default.t (a INT)");
  EXPECT_EQ(stmt.table.namespace_id->str(), "default");
}

TEST(CreateTableTest, QuotedNamesAreFolded) {
  const CreateTableStmt stmt =
      ParseCreate("CREATE TABLE \"App\".\"Items\" (\"Name\" TEXT, \"count\" INT)");
  EXPECT_EQ(stmt.table.namespace_id->str(), "app");
  EXPECT_EQ(stmt.table.table_name.str(), "items");
  EXPECT_EQ(Col(stmt, 0).name, "name");
  EXPECT_EQ(Col(stmt, 1).name, "count");
}

TEST(CreateTableTest, TrailingCommaAndTrailingSemicolonOptional) {
  CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT, b TEXT,)");
  EXPECT_EQ(stmt.columns.size(), 2u);
  stmt = ParseCreate("CREATE TABLE t (a INT,\n b TEXT,\n);");
  EXPECT_EQ(stmt.columns.size(), 2u);
}

TEST(CreateTableTest, KeywordLikeColumnNamesAreAllowed) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (timestamp TIMESTAMP, count INT, role TEXT, data TEXT, hour INT, version "
      "INT, "
      "type TEXT, user TEXT, key TEXT, comment TEXT, storage TEXT, ttl INT, date DATE, time TIME)");
  ASSERT_EQ(stmt.columns.size(), 14u);
  EXPECT_EQ(Col(stmt, 6).name, "type");
  EXPECT_EQ(Col(stmt, 7).name, "user");
  EXPECT_EQ(Col(stmt, 12).type, Type(TypeKind::kDate));
  EXPECT_EQ(Col(stmt, 13).type, Type(TypeKind::kTime));
}

TEST(CreateTableTest, ReservedAndInvalidColumnNames) {
  ExpectInvalid("CREATE TABLE t (_seq BIGINT)", "Column name '_seq' is reserved");
  ExpectInvalid("CREATE TABLE t (id INT, _deleted BOOLEAN)", "Column name '_deleted' is reserved");
  ExpectInvalid("CREATE TABLE t (\"_ID\" INT)", "Column name '_id' is reserved");
  ExpectInvalid("CREATE TABLE t (_row_id INT)", "Column name '_row_id' is reserved");
  ExpectInvalid("CREATE TABLE t (_other INT)",
                "Column name '_other' must not start with '_' or a digit");
  ExpectInvalid("CREATE TABLE t (\"select\" INT)", "Column name 'select' is a reserved word");
  ExpectInvalid("CREATE TABLE t (\"a b\" INT)",
                "Column name 'a b' may contain only letters, digits and '_'");
}

TEST(CreateTableTest, DuplicateColumns) {
  ExpectInvalid("CREATE TABLE t (id INT, name TEXT, id TEXT)", "Duplicate column name 'id'");
  ExpectInvalid("CREATE TABLE t (Id INT, \"ID\" TEXT)", "Duplicate column name 'id'");
}

TEST(CreateTableTest, InvalidTableAndNamespaceNames) {
  ExpectInvalid("CREATE TABLE _t (a INT)", "Table name '_t' must not start with '_' or a digit");
  ExpectInvalid("CREATE TABLE app.from (a INT)", "Table name 'from' is a reserved word");
  ExpectInvalid("CREATE TABLE select.t (a INT)", "Namespace name 'select' is a reserved word");
  ExpectInvalid("CREATE TABLE \"my-ns\".t (a INT)",
                "Namespace name 'my-ns' may contain only letters, digits and '_'");
}

TEST(CreateTableTest, SyntaxErrors) {
  ExpectInvalid("CREATE TABLE t ()", "A table needs at least one column");
  ExpectInvalidContaining("CREATE TABLE t", "expected '('");
  ExpectInvalidContaining("CREATE TABLE t (a INT", "expected ')'");
  ExpectInvalidContaining("CREATE TABLE t (a INT b TEXT)", "Unknown data type 'INT b TEXT'");
  ExpectInvalidContaining("CREATE TABLE t (a)", "expected a data type for column 'a'");
  ExpectInvalidContaining("CREATE TABLE t (a INT,, b INT)", "expected column name");
  ExpectInvalidContaining("CREATE TABLE t (a INT NOT)",
                          "unexpected 'NOT' in definition of column 'a'");
  ExpectInvalidContaining("CREATE TABLE t (a INT) garbage",
                          "unexpected 'garbage' after the column list");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 5 nonsense",
                          "unexpected 'nonsense'");
  ExpectInvalidContaining("CREATE SHARED x (a INT)", "Unsupported statement type: CREATE");
  ExpectInvalidContaining("CREATE TABLE t (a INT); CREATE TABLE u (b INT)", "unexpected ';'");
}

TEST(CreateTableTest, ColumnCommentIsKept) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT COMMENT 'the ''a'' column')");
  EXPECT_EQ(Col(stmt, 0).comment, "the 'a' column");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: types
// ---------------------------------------------------------------------------------------

TEST(CreateTableTypesTest, TypeSpellings) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a BOOLEAN, b SMALLINT, c INTEGER, d BIGINT, e REAL, f DOUBLE PRECISION, "
      "g DECIMAL(10, 2), h VARCHAR(20), i CHARACTER VARYING (255), j BYTES, k JSON, l TIMESTAMP, "
      "m DATETIME, n DATE, o TIME, p UUID, q numeric ( 5 , 1 ), r TIMESTAMP WITH TIME ZONE, s "
      "bool)");
  ASSERT_EQ(stmt.columns.size(), 19u);
  EXPECT_EQ(Col(stmt, 0).type, Type(TypeKind::kBoolean));
  EXPECT_EQ(Col(stmt, 1).type, Type(TypeKind::kSmallInt));
  EXPECT_EQ(Col(stmt, 2).type, Type(TypeKind::kInt));
  EXPECT_EQ(Col(stmt, 3).type, Type(TypeKind::kBigInt));
  EXPECT_EQ(Col(stmt, 4).type, Type(TypeKind::kFloat));
  EXPECT_EQ(Col(stmt, 5).type, Type(TypeKind::kDouble));
  EXPECT_EQ(Col(stmt, 6).type, (DataType{TypeKind::kDecimal, 10, 2}));
  EXPECT_EQ(Col(stmt, 6).type.SqlName(), "DECIMAL(10,2)");
  EXPECT_EQ(Col(stmt, 7).type, Type(TypeKind::kText));
  EXPECT_EQ(Col(stmt, 8).type, Type(TypeKind::kText));
  EXPECT_EQ(Col(stmt, 9).type, Type(TypeKind::kBytes));
  EXPECT_EQ(Col(stmt, 10).type, Type(TypeKind::kJson));
  EXPECT_EQ(Col(stmt, 11).type, Type(TypeKind::kTimestamp));
  EXPECT_EQ(Col(stmt, 12).type, Type(TypeKind::kDateTime));
  EXPECT_EQ(Col(stmt, 13).type, Type(TypeKind::kDate));
  EXPECT_EQ(Col(stmt, 14).type, Type(TypeKind::kTime));
  EXPECT_EQ(Col(stmt, 15).type, Type(TypeKind::kUuid));
  EXPECT_EQ(Col(stmt, 16).type, (DataType{TypeKind::kDecimal, 5, 1}));
  EXPECT_EQ(Col(stmt, 17).type, Type(TypeKind::kDateTime));
  EXPECT_EQ(Col(stmt, 18).type, Type(TypeKind::kBoolean));
}

TEST(CreateTableTypesTest, DoublePrecisionFollowedByConstraints) {
  const CreateTableStmt stmt =
      ParseCreate("CREATE TABLE t (v DOUBLE PRECISION NOT NULL DEFAULT 1.5)");
  EXPECT_EQ(Col(stmt, 0).type, Type(TypeKind::kDouble));
  EXPECT_FALSE(Col(stmt, 0).nullable);
  EXPECT_EQ(Col(stmt, 0).default_value->literal, "1.5");
}

TEST(CreateTableTypesTest, UnknownTypes) {
  ExpectInvalid("CREATE TABLE t (a FOO)", "Unknown data type 'FOO'");
  ExpectInvalid("CREATE TABLE t (a INT(5))", "Unknown data type 'INT(5)'");
  ExpectInvalid("CREATE TABLE t (a DECIMAL(50, 2))", "Unknown data type 'DECIMAL(50, 2)'");
  ExpectInvalid("CREATE TABLE t (a geometry)", "Unknown data type 'geometry'");
}

TEST(CreateTableTypesTest, FileAndEmbeddingAreNotSupportedYet) {
  ExpectUnsupported("CREATE TABLE t (a FILE)", "Not supported yet: FILE/EMBEDDING column types");
  ExpectUnsupported("CREATE TABLE t (a EMBEDDING(384))",
                    "Not supported yet: FILE/EMBEDDING column types");
  ExpectUnsupported("CREATE TABLE t (a embedding(3) NOT NULL)",
                    "Not supported yet: FILE/EMBEDDING column types");
}

TEST(CreateTableTypesTest, SerialAutoIncrementAndIdentityBecomeSnowflakeBigint) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a SERIAL, b SMALLSERIAL, c BIGSERIAL PRIMARY KEY, d INT AUTO_INCREMENT, "
      "e INT GENERATED ALWAYS AS IDENTITY, f SMALLINT GENERATED BY DEFAULT AS IDENTITY "
      "(START WITH 1 INCREMENT BY 1), g BIGINT NOT NULL AUTO_INCREMENT, "
      "h BIGSERIAL DEFAULT SNOWFLAKE_ID())");
  ASSERT_EQ(stmt.columns.size(), 8u);
  for (const ColumnDefinition& column : stmt.columns) {
    EXPECT_EQ(column.type, Type(TypeKind::kBigInt)) << column.name;
    ASSERT_TRUE(column.default_value.has_value()) << column.name;
    EXPECT_EQ(column.default_value->kind, Kind::kSnowflakeId) << column.name;
    EXPECT_EQ(column.default_value->ToSql(), "SNOWFLAKE_ID()");
  }
  EXPECT_TRUE(Col(stmt, 2).primary_key);
  EXPECT_FALSE(Col(stmt, 2).nullable);
  EXPECT_FALSE(Col(stmt, 6).nullable);
  ExpectInvalidContaining("CREATE TABLE t (a SERIAL DEFAULT 5)",
                          "cannot have a DEFAULT together with");
  ExpectUnsupported("CREATE TABLE t (a INT GENERATED ALWAYS AS (b + 1) STORED)",
                    "Not supported yet: generated (computed) columns");
  ExpectInvalidContaining("CREATE TABLE t (a INT GENERATED AS IDENTITY)", "expected BY");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: NULL, DEFAULT
// ---------------------------------------------------------------------------------------

TEST(CreateTableColumnTest, Nullability) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT NOT NULL, b INT NULL, c INT)");
  EXPECT_FALSE(Col(stmt, 0).nullable);
  EXPECT_TRUE(Col(stmt, 1).nullable);
  EXPECT_TRUE(Col(stmt, 2).nullable);
  ExpectInvalid("CREATE TABLE t (a INT NULL NOT NULL)",
                "Conflicting NULL/NOT NULL declarations for column 'a'");
}

TEST(CreateTableColumnTest, DefaultLiterals) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a INT DEFAULT 42, b INT DEFAULT -7, c DOUBLE DEFAULT 1.25e3, d TEXT DEFAULT "
      "'it''s', e BOOLEAN DEFAULT TRUE, f BOOLEAN DEFAULT false, g TEXT DEFAULT NULL, h INT "
      "DEFAULT "
      "+3, i TEXT DEFAULT '', j INT NOT NULL DEFAULT 0, k INT DEFAULT (5))");
  ASSERT_EQ(stmt.columns.size(), 11u);
  const DefaultValue& a = *Col(stmt, 0).default_value;
  EXPECT_EQ(a.kind, Kind::kLiteral);
  EXPECT_EQ(a.literal, "42");
  EXPECT_FALSE(a.literal_is_string);
  EXPECT_EQ(a.ToSql(), "42");
  EXPECT_EQ(Col(stmt, 1).default_value->literal, "-7");
  EXPECT_EQ(Col(stmt, 2).default_value->literal, "1.25e3");
  const DefaultValue& d = *Col(stmt, 3).default_value;
  EXPECT_EQ(d.literal, "it's");
  EXPECT_TRUE(d.literal_is_string);
  EXPECT_EQ(d.ToSql(), "'it''s'");
  EXPECT_EQ(Col(stmt, 4).default_value->literal, "true");
  EXPECT_FALSE(Col(stmt, 4).default_value->literal_is_string);
  EXPECT_EQ(Col(stmt, 5).default_value->literal, "false");
  EXPECT_EQ(Col(stmt, 6).default_value->kind, Kind::kNull);
  EXPECT_EQ(Col(stmt, 7).default_value->literal, "3");
  EXPECT_EQ(Col(stmt, 8).default_value->literal, "");
  EXPECT_TRUE(Col(stmt, 8).default_value->literal_is_string);
  EXPECT_FALSE(Col(stmt, 9).nullable);
  EXPECT_EQ(Col(stmt, 9).default_value->literal, "0");
  EXPECT_EQ(Col(stmt, 10).default_value->literal, "5");
}

TEST(CreateTableColumnTest, DefaultFunctions) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a TIMESTAMP DEFAULT NOW(), b TIMESTAMP DEFAULT CURRENT_TIMESTAMP, "
      "c BIGINT DEFAULT snowflake_id(), d TEXT DEFAULT UUID_V7(), e TEXT DEFAULT ULID(), "
      "f TEXT DEFAULT CURRENT_USER(), g TEXT DEFAULT CURRENT_USER, h TEXT DEFAULT "
      "current_user_id(), "
      "i TIMESTAMP DEFAULT now ( ), j TIMESTAMP DEFAULT CURRENT_TIMESTAMP() NOT NULL)");
  ASSERT_EQ(stmt.columns.size(), 10u);
  EXPECT_EQ(Col(stmt, 0).default_value->kind, Kind::kNow);
  EXPECT_EQ(Col(stmt, 1).default_value->kind, Kind::kNow);
  EXPECT_EQ(Col(stmt, 2).default_value->kind, Kind::kSnowflakeId);
  EXPECT_EQ(Col(stmt, 3).default_value->kind, Kind::kUuidV7);
  EXPECT_EQ(Col(stmt, 4).default_value->kind, Kind::kUlid);
  EXPECT_EQ(Col(stmt, 5).default_value->kind, Kind::kCurrentUser);
  EXPECT_EQ(Col(stmt, 6).default_value->kind, Kind::kCurrentUser);
  EXPECT_EQ(Col(stmt, 7).default_value->kind, Kind::kCurrentUser);
  EXPECT_EQ(Col(stmt, 8).default_value->kind, Kind::kNow);
  EXPECT_EQ(Col(stmt, 9).default_value->kind, Kind::kNow);
  EXPECT_FALSE(Col(stmt, 9).nullable);
}

TEST(CreateTableColumnTest, ConstraintsInAnyOrderAfterDefault) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (id BIGINT DEFAULT SNOWFLAKE_ID() PRIMARY KEY, name TEXT DEFAULT 'x' NOT "
      "NULL, "
      "n INT NOT NULL DEFAULT -1 COMMENT 'neg')");
  EXPECT_TRUE(Col(stmt, 0).primary_key);
  EXPECT_FALSE(Col(stmt, 0).nullable);
  EXPECT_EQ(Col(stmt, 0).default_value->kind, Kind::kSnowflakeId);
  EXPECT_FALSE(Col(stmt, 1).nullable);
  EXPECT_EQ(Col(stmt, 1).default_value->ToSql(), "'x'");
  EXPECT_EQ(Col(stmt, 2).default_value->ToSql(), "-1");
  EXPECT_EQ(Col(stmt, 2).comment, "neg");
}

TEST(CreateTableColumnTest, UnsupportedDefaults) {
  ExpectInvalid("CREATE TABLE t (a INT DEFAULT 1 + 2)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TIMESTAMP DEFAULT NOW() - INTERVAL '1 hour')",
                UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (x INT, b DOUBLE DEFAULT random())", UnsupportedDefault("b"));
  ExpectInvalid("CREATE TABLE t (a TIMESTAMP DEFAULT NOW)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT UUID())", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT other_column)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT 'x' || 'y')", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a INT DEFAULT 300s)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a INT DEFAULT)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT SNOWFLAKE_ID(1))", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT 'x'::text)", UnsupportedDefault("a"));
  ExpectInvalid("CREATE TABLE t (a INT DEFAULT 1 DEFAULT 2)",
                "Multiple DEFAULT values for column 'a'");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: PRIMARY KEY
// ---------------------------------------------------------------------------------------

TEST(CreateTablePrimaryKeyTest, InlinePrimaryKeyIsNotNull) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT)");
  EXPECT_TRUE(Col(stmt, 0).primary_key);
  EXPECT_FALSE(Col(stmt, 0).nullable);
  EXPECT_FALSE(Col(stmt, 1).primary_key);
  EXPECT_TRUE(Col(stmt, 1).nullable);
  // Even a written NULL cannot make a key nullable.
  EXPECT_FALSE(ParseCreate("CREATE TABLE t (id TEXT NULL PRIMARY KEY)").columns[0].nullable);
}

TEST(CreateTablePrimaryKeyTest, PrimaryKeyIsOptional) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT, b TEXT)");
  for (const ColumnDefinition& column : stmt.columns) EXPECT_FALSE(column.primary_key);
}

TEST(CreateTablePrimaryKeyTest, TableLevelPrimaryKey) {
  CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT, id UUID, PRIMARY KEY (id))");
  EXPECT_FALSE(Col(stmt, 0).primary_key);
  EXPECT_TRUE(Col(stmt, 1).primary_key);
  EXPECT_FALSE(Col(stmt, 1).nullable);

  stmt = ParseCreate("CREATE TABLE t (id TEXT, CONSTRAINT pk_t PRIMARY KEY (\"ID\"),)");
  EXPECT_TRUE(Col(stmt, 0).primary_key);

  stmt = ParseCreate("CREATE TABLE t (PRIMARY KEY (d), d DATE)");
  EXPECT_TRUE(Col(stmt, 0).primary_key);
  ExpectInvalid("CREATE TABLE t (a INT, PRIMARY KEY (b))", "PRIMARY KEY column 'b' does not exist");
}

TEST(CreateTablePrimaryKeyTest, OnlyOnePrimaryKeyColumn) {
  const std::string composite = "Composite PRIMARY KEYs are not supported yet";
  ExpectInvalid("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b))", composite);
  ExpectInvalid("CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY)", composite);
  ExpectInvalid("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))", composite);
  ExpectInvalid("CREATE TABLE t (a INT PRIMARY KEY, PRIMARY KEY (a))", composite);
  ExpectInvalid("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a), PRIMARY KEY (b))", composite);
  ExpectInvalid("CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b))", composite);
}

TEST(CreateTablePrimaryKeyTest, PrimaryKeyTypes) {
  for (const char* type : {"SMALLINT", "INT", "BIGINT", "TEXT", "UUID", "DATE", "TIMESTAMP"}) {
    const CreateTableStmt stmt =
        ParseCreate("CREATE TABLE t (k " + std::string(type) + " PRIMARY KEY)");
    EXPECT_TRUE(Col(stmt, 0).primary_key) << type;
  }
  ExpectInvalid("CREATE TABLE t (k DOUBLE PRIMARY KEY)",
                "Column 'k' of type DOUBLE cannot be a PRIMARY KEY");
  ExpectInvalid("CREATE TABLE t (k BOOLEAN, PRIMARY KEY (k))",
                "Column 'k' of type BOOLEAN cannot be a PRIMARY KEY");
  ExpectInvalid("CREATE TABLE t (k DECIMAL(10,2) PRIMARY KEY)",
                "Column 'k' of type DECIMAL(10,2) cannot be a PRIMARY KEY");
  ExpectInvalid("CREATE TABLE t (k JSON PRIMARY KEY)",
                "Column 'k' of type JSON cannot be a PRIMARY KEY");
}

TEST(CreateTablePrimaryKeyTest, OtherConstraints) {
  ExpectUnsupported("CREATE TABLE t (a INT UNIQUE)", "Not supported yet: UNIQUE constraints");
  ExpectUnsupported("CREATE TABLE t (a INT, UNIQUE (a))", "Not supported yet: UNIQUE constraints");
  ExpectUnsupported("CREATE TABLE t (a INT, CONSTRAINT u UNIQUE (a))",
                    "Not supported yet: UNIQUE constraints");
  ExpectInvalid("CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES u (b))",
                "FOREIGN constraints are not supported");
  ExpectInvalid("CREATE TABLE t (a INT, CHECK (a > 0))", "CHECK constraints are not supported");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: seed clauses
// ---------------------------------------------------------------------------------------

TEST(CreateTableClauseTest, FlushForms) {
  CreateTableStmt stmt =
      ParseCreate("CREATE USER TABLE t (a INT) FLUSH ROW_THRESHOLD 10 INTERVAL 5m");
  EXPECT_EQ(stmt.options.flush_row_limit, 10u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 300u);

  stmt = ParseCreate("CREATE USER TABLE t (a INT) flush interval 300 row_threshold 5000");
  EXPECT_EQ(stmt.options.flush_row_limit, 5000u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 300u);

  stmt = ParseCreate("CREATE TABLE t (a INT) FLUSH INTERVAL 2h");
  EXPECT_EQ(stmt.options.flush_interval_seconds, 7200u);
  EXPECT_FALSE(stmt.options.flush_row_limit.has_value());

  stmt = ParseCreate("CREATE TABLE t (a INT) FLUSH INTERVAL 45S");
  EXPECT_EQ(stmt.options.flush_interval_seconds, 45u);

  stmt = ParseCreate("CREATE TABLE t (a INT) FLUSH POLICY ROW_LIMIT 7 TIME_INTERVAL 9");
  EXPECT_EQ(stmt.options.flush_row_limit, 7u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 9u);

  stmt = ParseCreate("CREATE TABLE t (a INT) FLUSH POLICY TIME_INTERVAL 60 ROW_LIMIT 8");
  EXPECT_EQ(stmt.options.flush_row_limit, 8u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 60u);
  EXPECT_TRUE(stmt.options_set.flush);
}

TEST(CreateTableClauseTest, FlushLimits) {
  EXPECT_EQ(
      ParseCreate("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 999999").options.flush_row_limit,
      999999u);
  EXPECT_EQ(ParseCreate("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 1").options.flush_row_limit,
            1u);
  EXPECT_EQ(
      ParseCreate("CREATE TABLE t (a INT) FLUSH INTERVAL 86399").options.flush_interval_seconds,
      86399u);
  EXPECT_EQ(ParseCreate("CREATE TABLE t (a INT) FLUSH INTERVAL 1s").options.flush_interval_seconds,
            1u);
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 0", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 1000000", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD -5", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 99999999999999999999",
                          "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH INTERVAL 0s", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH INTERVAL 86400", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH INTERVAL 24h", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH INTERVAL 5d", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH INTERVAL 4294967295h", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH POLICY ROW_LIMIT 0", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH", "expected ROW_THRESHOLD or INTERVAL");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH POLICY",
                          "expected ROW_LIMIT or TIME_INTERVAL");
  ExpectInvalidContaining("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD", "a value for FLUSH_POLICY");
}

TEST(CreateTableClauseTest, StreamClauses) {
  CreateTableStmt stmt = ParseCreate("CREATE STREAM TABLE s (a INT) TTL 30 MAX_BUFFER 100");
  EXPECT_EQ(stmt.options.ttl_seconds, 30u);
  EXPECT_EQ(stmt.options.max_buffer, 100u);
  stmt = ParseCreate("CREATE STREAM TABLE s (a INT) EPHEMERAL RETENTION 60");
  EXPECT_EQ(stmt.options.ttl_seconds, 60u);
  EXPECT_FALSE(stmt.options_set.max_buffer);
  EXPECT_EQ(stmt.options.max_buffer, 10000u);
  ExpectInvalid("CREATE STREAM TABLE s (a INT) TTL 0",
                "Invalid value '0' for table option 'TTL_SECONDS'");
  ExpectInvalid("CREATE STREAM TABLE s (a INT) TTL abc",
                "Invalid value 'abc' for table option 'TTL_SECONDS'");
  ExpectInvalid("CREATE STREAM TABLE s (a INT) MAX_BUFFER -1",
                "Invalid value '-1' for table option 'MAX_BUFFER'");
}

TEST(CreateTableClauseTest, StorageAndUsing) {
  CreateTableStmt stmt = ParseCreate("CREATE SHARED TABLE t (a INT) USING kalamdb STORAGE Archive");
  EXPECT_EQ(stmt.options.storage_id.str(), "archive");
  EXPECT_TRUE(stmt.options_set.storage);
  stmt = ParseCreate("CREATE TABLE t (a INT) STORAGE 'local' using KALAMDB");
  EXPECT_EQ(stmt.options.storage_id.str(), "local");
  ExpectInvalid("CREATE TABLE t (a INT) USING parquet", "Unsupported table engine 'parquet'");
  ExpectInvalid("CREATE TABLE t (a INT) STORAGE _bad",
                "Storage name '_bad' must not start with '_' or a digit");
}

TEST(CreateTableClauseTest, ClausesInAnyOrder) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE SHARED TABLE t (a INT) STORAGE s1 FLUSH ROW_THRESHOLD 3 USING kalamdb "
      "WITH (ACCESS_LEVEL = 'PUBLIC', DELETED_RETENTION_HOURS = 24)");
  EXPECT_EQ(stmt.options.storage_id.str(), "s1");
  EXPECT_EQ(stmt.options.flush_row_limit, 3u);
  EXPECT_EQ(stmt.options.access_level, AccessLevel::kPublic);
  EXPECT_EQ(stmt.options.deleted_retention_hours, 24u);
  EXPECT_TRUE(stmt.options_set.access_level);
  EXPECT_TRUE(stmt.options_set.deleted_retention);
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: WITH options
// ---------------------------------------------------------------------------------------

TEST(CreateTableWithTest, AllOptionsQuotedAndBare) {
  CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a INT) WITH (TYPE = 'SHARED', STORAGE_ID = 'local', "
      "FLUSH_POLICY = 'rows:100,interval:60', ACCESS_LEVEL = 'RESTRICTED', "
      "DELETED_RETENTION_HOURS = 0)");
  EXPECT_EQ(stmt.type, TableType::kShared);
  EXPECT_EQ(stmt.options.flush_row_limit, 100u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 60u);
  EXPECT_EQ(stmt.options.access_level, AccessLevel::kRestricted);
  EXPECT_EQ(stmt.options.deleted_retention_hours, 0u);
  EXPECT_TRUE(stmt.options_set.flush && stmt.options_set.storage && stmt.options_set.access_level &&
              stmt.options_set.deleted_retention);

  stmt = ParseCreate(
      "CREATE TABLE t (a INT) with (type = stream, ttl_seconds = 20, max_buffer = 50,)");
  EXPECT_EQ(stmt.type, TableType::kStream);
  EXPECT_EQ(stmt.options.ttl_seconds, 20u);
  EXPECT_EQ(stmt.options.max_buffer, 50u);
  EXPECT_TRUE(stmt.options_set.ttl && stmt.options_set.max_buffer);
  EXPECT_FALSE(stmt.options_set.flush);

  stmt = ParseCreate(
      "CREATE TABLE t (a INT) WITH (Type = 'user', Flush_Policy = 'interval:60', "
      "Storage_Id = Archive, \"deleted_retention_hours\" = '48')");
  EXPECT_EQ(stmt.type, TableType::kUser);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 60u);
  EXPECT_FALSE(stmt.options.flush_row_limit.has_value());
  EXPECT_EQ(stmt.options.FlushPolicyText(), "interval:60");
  EXPECT_EQ(stmt.options.storage_id.str(), "archive");
  EXPECT_EQ(stmt.options.deleted_retention_hours, 48u);

  stmt = ParseCreate(
      "CREATE SHARED TABLE t (a INT) WITH (ACCESS_LEVEL = dba, FLUSH_POLICY = 'rows:5')");
  EXPECT_EQ(stmt.options.access_level, AccessLevel::kDba);
  EXPECT_EQ(stmt.options.flush_row_limit, 5u);
  EXPECT_EQ(ParseCreate("CREATE TABLE t (a INT) WITH ()").columns.size(), 1u);
}

TEST(CreateTableWithTest, AccessLevelValues) {
  EXPECT_EQ(ParseCreate("CREATE SHARED TABLE t (a INT) WITH (ACCESS_LEVEL = 'public')")
                .options.access_level,
            AccessLevel::kPublic);
  EXPECT_EQ(ParseCreate("CREATE SHARED TABLE t (a INT) WITH (ACCESS_LEVEL = PRIVATE)")
                .options.access_level,
            AccessLevel::kPrivate);
  ExpectInvalid("CREATE SHARED TABLE t (a INT) WITH (ACCESS_LEVEL = 'open')",
                "Invalid ACCESS_LEVEL 'open': expected PUBLIC, PRIVATE, RESTRICTED or DBA");
}

TEST(CreateTableWithTest, FlushPolicyText) {
  CreateTableStmt stmt =
      ParseCreate("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'interval:30, rows:10')");
  EXPECT_EQ(stmt.options.flush_row_limit, 10u);
  EXPECT_EQ(stmt.options.flush_interval_seconds, 30u);
  stmt = ParseCreate("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:7')");
  EXPECT_EQ(stmt.options.flush_row_limit, 7u);
  EXPECT_FALSE(stmt.options.flush_interval_seconds.has_value());
  const std::string shape = "': expected 'rows:N', 'interval:S' or 'rows:N,interval:S'";
  ExpectInvalid("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'bogus')",
                "Invalid FLUSH_POLICY 'bogus" + shape);
  ExpectInvalid("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:1,rows:2')",
                "Invalid FLUSH_POLICY 'rows:1,rows:2" + shape);
  ExpectInvalid("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'size:5')",
                "Invalid FLUSH_POLICY 'size:5" + shape);
  ExpectInvalid("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = '')",
                "Invalid FLUSH_POLICY '" + shape);
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:0')", "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:1000000')",
                          "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'interval:86400')",
                          "FLUSH_POLICY");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:x')", "FLUSH_POLICY");
}

TEST(CreateTableWithTest, UnknownOptionIsNamedInUpperCase) {
  ExpectInvalid("CREATE TABLE t (a INT) WITH (foo = 1)", "Unknown table option 'FOO'");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (Compression = 'zstd')",
                "Unknown table option 'COMPRESSION'");
}

TEST(CreateTableWithTest, BadValuesAndSyntax) {
  ExpectInvalid("CREATE TABLE t (a INT) WITH (TYPE = 'table')",
                "Invalid table TYPE 'table': expected USER, SHARED or STREAM");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (DELETED_RETENTION_HOURS = -1)",
                "Invalid value '-1' for table option 'DELETED_RETENTION_HOURS'");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (TYPE 'USER')", "expected '='");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (TYPE = )", "expected a value for TYPE");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH TYPE = 'USER'", "expected '('");
  ExpectInvalidContaining("CREATE TABLE t (a INT) WITH (TYPE = 'USER'", "expected ')'");
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE: type resolution, duplicates, validity
// ---------------------------------------------------------------------------------------

TEST(CreateTableRulesTest, TypeFromPrefixOrWith) {
  EXPECT_EQ(ParseCreate("CREATE USER TABLE t (a INT) WITH (TYPE = 'USER')").type, TableType::kUser);
  EXPECT_EQ(ParseCreate("CREATE TABLE t (a INT) WITH (TYPE = 'STREAM')").type, TableType::kStream);
  ExpectInvalid("CREATE USER TABLE t (a INT) WITH (TYPE = 'SHARED')",
                "Conflicting table type definitions");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) WITH (TYPE = USER)",
                "Conflicting table type definitions");
}

TEST(CreateTableRulesTest, DuplicateSettingsInEitherSyntax) {
  ExpectInvalid("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 5 WITH (FLUSH_POLICY = 'rows:6')",
                "Duplicate table option 'FLUSH_POLICY'");
  ExpectInvalid("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 5 FLUSH INTERVAL 60",
                "Duplicate table option 'FLUSH_POLICY'");
  ExpectInvalid("CREATE TABLE t (a INT) FLUSH ROW_THRESHOLD 5 ROW_THRESHOLD 6",
                "Duplicate table option 'FLUSH_POLICY'");
  ExpectInvalid("CREATE TABLE t (a INT) FLUSH POLICY ROW_LIMIT 5 FLUSH POLICY TIME_INTERVAL 6",
                "Duplicate table option 'FLUSH_POLICY'");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (FLUSH_POLICY = 'rows:5', flush_policy = 'rows:6')",
                "Duplicate table option 'FLUSH_POLICY'");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) TTL 5 RETENTION 6",
                "Duplicate table option 'TTL_SECONDS'");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) TTL 5 WITH (TTL_SECONDS = 6)",
                "Duplicate table option 'TTL_SECONDS'");
  ExpectInvalid("CREATE TABLE t (a INT) STORAGE local WITH (STORAGE_ID = 'local')",
                "Duplicate table option 'STORAGE_ID'");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) MAX_BUFFER 5 WITH (MAX_BUFFER = 6)",
                "Duplicate table option 'MAX_BUFFER'");
  ExpectInvalid(
      "CREATE SHARED TABLE t (a INT) WITH (ACCESS_LEVEL = 'PUBLIC', ACCESS_LEVEL = 'DBA')",
      "Duplicate table option 'ACCESS_LEVEL'");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (TYPE = 'USER', TYPE = 'USER')",
                "Duplicate table option 'TYPE'");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) EPHEMERAL EPHEMERAL",
                "Duplicate table option 'EPHEMERAL'");
  ExpectInvalid(
      "CREATE TABLE t (a INT) WITH (DELETED_RETENTION_HOURS = 1) WITH (DELETED_RETENTION_HOURS = "
      "2)",
      "Duplicate table option 'DELETED_RETENTION_HOURS'");
}

TEST(CreateTableRulesTest, OptionsMustSuitTheType) {
  ExpectInvalid("CREATE USER TABLE t (a INT) TTL 5", "TTL_SECONDS is only valid for STREAM tables");
  ExpectInvalid("CREATE SHARED TABLE t (a INT) WITH (TTL_SECONDS = 5)",
                "TTL_SECONDS is only valid for STREAM tables");
  ExpectInvalid("CREATE TABLE t (a INT) RETENTION 5",
                "TTL_SECONDS is only valid for STREAM tables");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) FLUSH ROW_THRESHOLD 5",
                "FLUSH_POLICY is only valid for USER and SHARED tables");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (TYPE = 'STREAM', FLUSH_POLICY = 'rows:5')",
                "FLUSH_POLICY is only valid for USER and SHARED tables");
  ExpectInvalid("CREATE USER TABLE t (a INT) WITH (ACCESS_LEVEL = 'PUBLIC')",
                "ACCESS_LEVEL is only valid for SHARED tables");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) WITH (ACCESS_LEVEL = 'PUBLIC')",
                "ACCESS_LEVEL is only valid for SHARED tables");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (ACCESS_LEVEL = 'PUBLIC', TYPE = 'USER')",
                "ACCESS_LEVEL is only valid for SHARED tables");
  ExpectInvalid("CREATE USER TABLE t (a INT) MAX_BUFFER 5",
                "MAX_BUFFER is only valid for STREAM tables");
  ExpectInvalid("CREATE TABLE t (a INT) WITH (MAX_BUFFER = 5)",
                "MAX_BUFFER is only valid for STREAM tables");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) STORAGE local",
                "STORAGE_ID is only valid for USER and SHARED tables");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) WITH (STORAGE_ID = 'local')",
                "STORAGE_ID is only valid for USER and SHARED tables");
  ExpectInvalid("CREATE STREAM TABLE t (a INT) WITH (DELETED_RETENTION_HOURS = 1)",
                "DELETED_RETENTION_HOURS is only valid for USER and SHARED tables");
  ExpectInvalid("CREATE USER TABLE t (a INT) EPHEMERAL",
                "EPHEMERAL is only valid for STREAM tables");
}

TEST(CreateTableRulesTest, AccessLevelAcceptedWhenTypeNotWritten) {
  const CreateTableStmt stmt = ParseCreate("CREATE TABLE t (a INT) WITH (ACCESS_LEVEL = 'PUBLIC')");
  EXPECT_FALSE(stmt.type.has_value());
  EXPECT_EQ(stmt.options.access_level, AccessLevel::kPublic);
  EXPECT_TRUE(stmt.options_set.access_level);
}

TEST(CreateTableRulesTest, UserAndSharedOptionsOnDefaultType) {
  const CreateTableStmt stmt = ParseCreate(
      "CREATE TABLE t (a INT) FLUSH INTERVAL 10 STORAGE local WITH (DELETED_RETENTION_HOURS = 5)");
  EXPECT_FALSE(stmt.type.has_value());
  EXPECT_EQ(stmt.options.flush_interval_seconds, 10u);
}

TEST(CreateTableRulesTest, ConflictIsReportedBeforeValidity) {
  ExpectInvalid("CREATE USER TABLE t (a INT) TTL 5 WITH (TYPE = 'SHARED')",
                "Conflicting table type definitions");
}

// ---------------------------------------------------------------------------------------
// EXECUTE AS USER
// ---------------------------------------------------------------------------------------

TEST(ExecuteAsTest, QuotedAndBareNames) {
  ExecuteAsStmt stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER 'alice' (SELECT * FROM app.t)");
  EXPECT_EQ(stmt.user.str(), "alice");
  EXPECT_EQ(stmt.inner_sql, "SELECT * FROM app.t");

  stmt = ParseAs<ExecuteAsStmt>("execute as user 'Alice.Smith@x.com' (SELECT 1);");
  EXPECT_EQ(stmt.user.str(), "Alice.Smith@x.com");

  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER Bob (SELECT 1)");
  EXPECT_EQ(stmt.user.str(), "bob");

  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER \"Carol\" (SELECT 1)");
  EXPECT_EQ(stmt.user.str(), "Carol");
}

TEST(ExecuteAsTest, InnerSqlIsExactTrimmedText) {
  ExecuteAsStmt stmt = ParseAs<ExecuteAsStmt>(
      "EXECUTE AS USER 'alice' (\n  INSERT INTO app.t (a, b) VALUES (1, 'x)'), (2, \"y\");\n)");
  EXPECT_EQ(stmt.inner_sql, "INSERT INTO app.t (a, b) VALUES (1, 'x)'), (2, \"y\")");

  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER alice (  SELECT  (1)  +  (2) ;  ) ;");
  EXPECT_EQ(stmt.inner_sql, "SELECT  (1)  +  (2)");

  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER alice (UPDATE t SET a = ';' WHERE b = 1)");
  EXPECT_EQ(stmt.inner_sql, "UPDATE t SET a = ';' WHERE b = 1");

  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER alice (SELECT 1 /* ) */)");
  EXPECT_EQ(stmt.inner_sql, "SELECT 1 /* ) */");
}

TEST(ExecuteAsTest, InnerStatementMayBeAnyKind) {
  ExecuteAsStmt stmt =
      ParseAs<ExecuteAsStmt>("EXECUTE AS USER 'svc' (DELETE FROM app.t WHERE id IN (1, 2))");
  EXPECT_EQ(stmt.inner_sql, "DELETE FROM app.t WHERE id IN (1, 2)");
  stmt = ParseAs<ExecuteAsStmt>("EXECUTE AS USER 'svc' (SHOW TABLES)");
  EXPECT_EQ(stmt.inner_sql, "SHOW TABLES");
  EXPECT_EQ(ClassifyStatement(stmt.inner_sql), StatementClass::kKalam);
}

TEST(ExecuteAsTest, ExactlyOneStatement) {
  const std::string single = "EXECUTE AS USER requires a single SQL statement";
  ExpectInvalid("EXECUTE AS USER 'alice' (SELECT 1; SELECT 2)", single);
  ExpectInvalid("EXECUTE AS USER 'alice' ()", single);
  ExpectInvalid("EXECUTE AS USER 'alice' (  ;  )", single);
  ExpectInvalid("EXECUTE AS USER 'alice' (-- nothing\n)", single);
}

TEST(ExecuteAsTest, SyntaxErrors) {
  ExpectInvalidContaining("EXECUTE AS USER 'alice' SELECT 1", "expected '(' after EXECUTE AS USER");
  ExpectInvalidContaining("EXECUTE AS USER 'alice' (SELECT 1", "unbalanced parentheses");
  ExpectInvalidContaining("EXECUTE AS USER 'alice' (SELECT 1) extra", "unexpected 'extra'");
  ExpectInvalidContaining("EXECUTE AS USER (SELECT 1)", "expected a user name");
  ExpectInvalidContaining("EXECUTE AS 'alice' (SELECT 1)", "expected USER");
  ExpectInvalidContaining("EXECUTE AS USER 'a b' (SELECT 1)", "Invalid user id");
  ExpectInvalidContaining("EXECUTE AS USER '' (SELECT 1)", "Invalid user id");
}

// ---------------------------------------------------------------------------------------
// Planned, unknown and lexical failures
// ---------------------------------------------------------------------------------------

TEST(FlushStatementTest, FlushAndKillForms) {
  EXPECT_EQ(ParseAs<FlushTableStmt>("FLUSH TABLE app.t").table.table_name.str(), "t");
  EXPECT_EQ(ParseAs<FlushTableStmt>("STORAGE FLUSH TABLE app.t;").table.namespace_id->str(), "app");
  EXPECT_FALSE(ParseAs<FlushAllStmt>("FLUSH ALL TABLES").in_namespace.has_value());
  EXPECT_EQ(ParseAs<FlushAllStmt>("FLUSH ALL TABLES IN app").in_namespace->str(), "app");
  EXPECT_EQ(ParseAs<FlushAllStmt>("STORAGE FLUSH ALL IN NAMESPACE app").in_namespace->str(), "app");
  EXPECT_FALSE(ParseAs<FlushAllStmt>("STORAGE FLUSH ALL").in_namespace.has_value());
  EXPECT_EQ(ParseAs<KillJobStmt>("KILL JOB 'FL-1a2b3c4d5e6f'").job_id, "FL-1a2b3c4d5e6f");
  EXPECT_FALSE(ParseError("FLUSH ALL").ok());
  EXPECT_FALSE(ParseError("FLUSH TABLE").ok());
  EXPECT_FALSE(ParseError("KILL JOB").ok());
}

TEST(KillLiveQueryTest, QuotedOrBareId) {
  EXPECT_EQ(ParseAs<KillLiveQueryStmt>("KILL LIVE QUERY 'alice-c1-orders'").live_id.str(), "alice-c1-orders");
  EXPECT_EQ(ParseAs<KillLiveQueryStmt>("kill live query q1;").live_id.str(), "q1");
  EXPECT_FALSE(ParseError("KILL LIVE QUERY").ok());
  EXPECT_FALSE(ParseError("KILL LIVE QUERY 'a' extra").ok());
}

TEST(SubscribeTest, TableWhereAndOptions) {
  auto s = ParseAs<SubscribeStmt>("SUBSCRIBE TO app.messages WHERE a > 1 AND (b = 'x') OPTIONS (last_rows=10, from='42')");
  ASSERT_TRUE(s.table.namespace_id.has_value());
  EXPECT_EQ(s.table.namespace_id->str(), "app");
  EXPECT_EQ(s.table.table_name.str(), "messages");
  EXPECT_EQ(s.where_text, "a > 1 AND (b = 'x')");
  EXPECT_TRUE(s.options_given);
  ASSERT_EQ(s.options.size(), 2u);
  EXPECT_EQ(s.options[0], std::make_pair(std::string("last_rows"), std::string("10")));
  EXPECT_EQ(s.options[1], std::make_pair(std::string("from"), std::string("42")));
}

TEST(SubscribeTest, BareTableAndEmptyOptions) {
  auto s = ParseAs<SubscribeStmt>("SUBSCRIBE TO messages;");
  EXPECT_FALSE(s.table.namespace_id.has_value());
  EXPECT_TRUE(s.where_text.empty());
  EXPECT_FALSE(s.options_given);
  auto o = ParseAs<SubscribeStmt>("SUBSCRIBE TO app.t OPTIONS ()");
  EXPECT_TRUE(o.options_given);
  EXPECT_TRUE(o.options.empty());
  // A parenthesised OPTIONS call inside the condition is not the clause.
  auto w = ParseAs<SubscribeStmt>("SUBSCRIBE TO app.t WHERE f(options (1)) = 2");
  EXPECT_EQ(w.where_text, "f(options (1)) = 2");
}

TEST(SubscribeTest, Errors) {
  EXPECT_FALSE(ParseError("SUBSCRIBE TO").ok());
  EXPECT_FALSE(ParseError("SUBSCRIBE TO app.t WHERE").ok());
  EXPECT_FALSE(ParseError("SUBSCRIBE TO app.t OPTIONS (last_rows)").ok());
  EXPECT_FALSE(ParseError("SUBSCRIBE TO app.t garbage").ok());
}

TEST(UnbuiltStatementTest, PlannedStatementsAreNotSupportedYet) {
  const std::pair<const char*, const char*> cases[] = {
      {"CREATE VIEW v AS SELECT 1", "CREATE VIEW"},
      {"CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE VIEW"},
      {"CREATE TOPIC t", "CREATE TOPIC"},
      {"SHOW COLUMNS FROM t", "SHOW COLUMNS"},
      {"SET search_path = x", "SET"},
  };
  for (const auto& [sql, name] : cases) {
    ExpectUnsupported(sql, "Not supported yet: " + std::string(name));
  }
}

TEST(UnbuiltStatementTest, UnknownStatements) {
  ExpectInvalid("FROBNICATE everything", "Unsupported statement type: FROBNICATE");
  ExpectInvalid("pragma version", "Unsupported statement type: PRAGMA");
  ExpectInvalid("CREATE FUNCTION f()", "Unsupported statement type: CREATE");
  ExpectInvalid("SHOW USERS", "Unsupported statement type: SHOW");
  ExpectInvalid("EXECUTE prepared_stmt", "Unsupported statement type: EXECUTE");
  ExpectInvalid("SELECT 1", "Unsupported statement type: SELECT");
  ExpectInvalid("", "Empty statement");
  ExpectInvalid("  ;  ", "Empty statement");
  ExpectInvalid("-- just a comment", "Empty statement");
}

TEST(UnbuiltStatementTest, LexicalErrors) {
  ExpectInvalid("CREATE TABLE t (a TEXT DEFAULT 'abc)", "Unterminated string literal");
  ExpectInvalid("CREATE TABLE \"t (a INT)", "Unterminated quoted identifier");
}

TEST(LexicalTest, CommentsAndCaseAreIgnored) {
  const CreateTableStmt stmt = ParseCreate(
      "/* header */ cReAtE -- line\n uSeR /* x */ TaBlE app.t (a INT /* inline */, -- note\n b "
      "TEXT)"
      " fLuSh RoW_tHrEsHoLd 10 -- trailing");
  EXPECT_EQ(stmt.type, TableType::kUser);
  EXPECT_EQ(stmt.columns.size(), 2u);
  EXPECT_EQ(stmt.options.flush_row_limit, 10u);
}

TEST(LexicalTest, QuotedIdentifierEscapes) {
  ExpectInvalid("CREATE NAMESPACE \"a\"\"b\"",
                "Namespace name 'a\"b' may contain only letters, digits and '_'");
}

}  // namespace
}  // namespace kalam::dialect
