#include "kalam/commons/temp_dir.h"
#include "kalam/system/system_tables.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/clock.h"
#include "kalam/registry/schema_registry.h"
#include "kalam/store/storage_backend.h"

namespace kalam::system {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;


DataType T(TypeKind k) { return DataType{k, 0, 0}; }

bool IsNull(const Cell& c) { return std::holds_alternative<std::monostate>(c); }

// A cell as text: NULL, true/false, digits, or the string itself.
std::string Show(const Cell& c) {
  if (IsNull(c)) return "NULL";
  if (const bool* b = std::get_if<bool>(&c)) return *b ? "true" : "false";
  if (const int64_t* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
  return std::get<std::string>(c);
}

std::vector<std::string> Names(const std::vector<RowSetColumn>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

// The column index of `name` in `rs`, failing the test when absent.
size_t Col(const RowSet& rs, std::string_view name) {
  for (size_t i = 0; i < rs.columns.size(); ++i) {
    if (rs.columns[i].name == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

const Cell& At(const RowSet& rs, size_t row, std::string_view column) { return rs.rows.at(row).at(Col(rs, column)); }

// Every row has one cell per column, and every non-null cell has the C++ type its column's
// type promises.
void ExpectWellFormed(const RowSet& rs) {
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    ASSERT_EQ(rs.rows[r].size(), rs.columns.size()) << "row " << r;
    for (size_t c = 0; c < rs.columns.size(); ++c) {
      const Cell& cell = rs.rows[r][c];
      if (IsNull(cell)) continue;
      switch (rs.columns[c].type.kind) {
        case TypeKind::kBoolean:
          EXPECT_TRUE(std::holds_alternative<bool>(cell)) << rs.columns[c].name;
          break;
        case TypeKind::kSmallInt:
        case TypeKind::kInt:
        case TypeKind::kBigInt:
        case TypeKind::kTimestamp:
          EXPECT_TRUE(std::holds_alternative<int64_t>(cell)) << rs.columns[c].name;
          break;
        default:
          EXPECT_TRUE(std::holds_alternative<std::string>(cell)) << rs.columns[c].name;
      }
    }
  }
}

ColumnDefinition Column(std::string name, DataType type, bool pk = false) {
  ColumnDefinition c;
  c.name = std::move(name);
  c.type = type;
  c.primary_key = pk;
  c.nullable = !pk;
  return c;
}

class SystemTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto registry = registry::SchemaRegistry::Open(*backend_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
    tables_ = std::make_unique<SystemTables>(*registry_);
  }

  void CreateNamespace(std::string name) {
    ASSERT_TRUE(registry_->CreateNamespace(NamespaceDefinition{NamespaceId(std::move(name)), NowMicros(), "{}"}).ok());
  }

  std::shared_ptr<const TableDefinition> Create(TableDefinition def) {
    auto created = registry_->CreateTable(std::move(def));
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created.value() : nullptr;
  }

  // USER app.messages: id BIGINT PK DEFAULT SNOWFLAKE_ID(), content TEXT NOT NULL,
  // price DECIMAL(10,2) DEFAULT 0, sent TIMESTAMP DEFAULT NOW() with a comment.
  TableDefinition Messages() {
    TableDefinition def;
    def.id = TableId{NamespaceId("app"), TableName("messages")};
    def.type = TableType::kUser;
    def.options.flush_row_limit = 1000;
    def.options.flush_interval_seconds = 300;
    def.comment = "chat";
    ColumnDefinition id = Column("id", T(TypeKind::kBigInt), true);
    id.default_value = DefaultValue{DefaultValue::Kind::kSnowflakeId, "", false};
    ColumnDefinition content = Column("content", T(TypeKind::kText));
    content.nullable = false;
    ColumnDefinition price = Column("price", DataType{TypeKind::kDecimal, 10, 2});
    price.default_value = DefaultValue{DefaultValue::Kind::kLiteral, "0", false};
    ColumnDefinition sent = Column("sent", T(TypeKind::kTimestamp));
    sent.default_value = DefaultValue{DefaultValue::Kind::kNow, "", false};
    sent.comment = "when sent";
    def.columns = {id, content, price, sent};
    return def;
  }

  TableDefinition Config() {
    TableDefinition def;
    def.id = TableId{NamespaceId("app"), TableName("config")};
    def.type = TableType::kShared;
    def.options.flush_row_limit = 1000;
    def.options.flush_interval_seconds = 300;
    def.options.access_level = AccessLevel::kPublic;
    ColumnDefinition key = Column("key", T(TypeKind::kText), true);
    ColumnDefinition value = Column("value", T(TypeKind::kJson));
    value.default_value = DefaultValue{DefaultValue::Kind::kLiteral, "it's", true};
    def.columns = {key, value};
    return def;
  }

  TableDefinition Events() {
    TableDefinition def;
    def.id = TableId{NamespaceId("default"), TableName("events")};
    def.type = TableType::kStream;
    def.columns = {Column("payload", T(TypeKind::kJson))};
    return def;
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<SystemTables> tables_;
};

TEST(SystemTablesStaticTest, ExistsForEveryTableOfTheProtocol) {
  for (auto name : {"users", "namespaces", "tables", "columns", "schemas", "storages", "jobs", "live", "live_queries",
                    "audit_log", "stats", "settings"}) {
    EXPECT_TRUE(SystemTables::Exists(name)) << name;
    EXPECT_FALSE(SystemTables::Columns(name).empty()) << name;
  }
  for (auto name : {"", "user", "Users", "system.users", "audit", "live_query", "foo"}) {
    EXPECT_FALSE(SystemTables::Exists(name)) << name;
    EXPECT_THAT(SystemTables::Columns(name), IsEmpty()) << name;
  }
}

TEST(SystemTablesStaticTest, ColumnNamesInProtocolOrder) {
  EXPECT_THAT(Names(SystemTables::Columns("users")),
              ElementsAre("user_id", "password_hash", "role", "email", "auth_type", "auth_data", "storage_mode",
                          "storage_id", "failed_login_attempts", "locked_until", "last_login_at", "created_at",
                          "updated_at", "last_seen", "deleted_at"));
  EXPECT_THAT(Names(SystemTables::Columns("namespaces")),
              ElementsAre("namespace_id", "name", "created_at", "options", "table_count"));
  EXPECT_THAT(Names(SystemTables::Columns("tables")),
              ElementsAre("namespace_id", "table_name", "table_type", "storage_id", "version", "options", "comment",
                          "updated_at", "created_at"));
  EXPECT_THAT(Names(SystemTables::Columns("columns")),
              ElementsAre("namespace_id", "table_name", "version", "column_id", "column_name", "comment",
                          "data_type", "default_value", "ordinal", "nullable", "primary_key", "primary_key_pos"));
  EXPECT_THAT(Names(SystemTables::Columns("schemas")),
              ElementsAre("table_id", "table_name", "namespace_id", "table_type", "created_at", "schema_version",
                          "columns", "table_comment", "updated_at", "options", "access_level", "is_latest",
                          "storage_id"));
  EXPECT_THAT(Names(SystemTables::Columns("stats")), ElementsAre("metric_name", "metric_value"));
  EXPECT_THAT(Names(SystemTables::Columns("storages")),
              ElementsAre("storage_id", "storage_name", "description", "storage_type", "base_directory",
                          "credentials", "config_json", "shared_tables_template", "user_tables_template",
                          "created_at", "updated_at"));
  EXPECT_THAT(Names(SystemTables::Columns("jobs")),
              ElementsAre("job_id", "job_type", "status", "parameters", "message", "exception_trace",
                          "idempotency_key", "queue", "priority", "retry_count", "max_retries", "memory_used",
                          "cpu_used", "created_at", "updated_at", "started_at", "finished_at"));
  EXPECT_THAT(Names(SystemTables::Columns("live")),
              ElementsAre("live_id", "connection_id", "subscription_id", "namespace_id", "table_name", "user_id",
                          "query", "options", "status", "created_at", "last_update", "changes", "last_ping_at"));
  EXPECT_THAT(Names(SystemTables::Columns("audit_log")),
              ElementsAre("audit_id", "timestamp", "actor_user_id", "action", "target", "details", "ip_address",
                          "subject_user_id"));
  EXPECT_THAT(Names(SystemTables::Columns("settings")), ElementsAre("name", "value", "description", "category"));
  EXPECT_EQ(Names(SystemTables::Columns("live_queries")), Names(SystemTables::Columns("live")));
}

TEST(SystemTablesStaticTest, ColumnTypesFollowTheProtocolRules) {
  // System tables (docs/sql-reference.md): *_at, timestamp, locked_until TIMESTAMP; options, parameters, columns, auth_data,
  // config_json, details JSON; is_*, nullable, primary_key BOOLEAN; changes, memory_used BIGINT.
  for (auto table : {"users", "namespaces", "tables", "columns", "schemas", "storages", "jobs", "live", "audit_log",
                     "stats", "settings"}) {
    for (const RowSetColumn& c : SystemTables::Columns(table)) {
      const std::string& n = c.name;
      const std::string where = std::string(table) + "." + n;
      if ((n.size() > 3 && n.compare(n.size() - 3, 3, "_at") == 0) || n == "timestamp" || n == "locked_until") {
        EXPECT_EQ(c.type.kind, TypeKind::kTimestamp) << where;
      } else if (n == "options" || n == "parameters" || n == "columns" || n == "auth_data" || n == "config_json" ||
                 n == "details") {
        EXPECT_EQ(c.type.kind, TypeKind::kJson) << where;
      } else if (n.rfind("is_", 0) == 0 || n == "nullable" || n == "primary_key") {
        EXPECT_EQ(c.type.kind, TypeKind::kBoolean) << where;
      } else if (n == "changes" || n == "memory_used") {
        EXPECT_EQ(c.type.kind, TypeKind::kBigInt) << where;
      } else if (n == "table_count" || n == "failed_login_attempts" || n == "retry_count" || n == "max_retries" ||
                 n == "version" || n == "schema_version" || n == "column_id" || n == "ordinal") {
        EXPECT_EQ(c.type.kind, TypeKind::kInt) << where;
      }
    }
  }
  // Enum-like and id columns are TEXT.
  for (const RowSetColumn& c : SystemTables::Columns("users")) {
    if (c.name == "user_id" || c.name == "role" || c.name == "auth_type" || c.name == "password_hash" ||
        c.name == "email" || c.name == "storage_mode") {
      EXPECT_EQ(c.type.kind, TypeKind::kText) << c.name;
    }
  }
  for (const RowSetColumn& c : SystemTables::Columns("stats")) EXPECT_EQ(c.type.kind, TypeKind::kText);
}

TEST(SystemTablesStaticTest, EmptyTables) {
  for (auto name : {"storages", "jobs", "live", "audit_log"}) {
    RowSet rs = SystemTables::Empty(name);
    EXPECT_EQ(Names(rs.columns), Names(SystemTables::Columns(name))) << name;
    EXPECT_THAT(rs.rows, IsEmpty()) << name;
  }
}

TEST_F(SystemTablesTest, NamespacesCountTables) {
  CreateNamespace("app");
  CreateNamespace("empty");
  ASSERT_NE(Create(Messages()), nullptr);
  ASSERT_NE(Create(Config()), nullptr);
  ASSERT_NE(Create(Events()), nullptr);

  RowSet rs = tables_->Namespaces();
  ExpectWellFormed(rs);
  EXPECT_THAT(Names(rs.columns), ElementsAreArray(Names(SystemTables::Columns("namespaces"))));
  ASSERT_EQ(rs.rows.size(), 3u);
  std::vector<std::string> summary;
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    summary.push_back(Show(At(rs, r, "namespace_id")) + "|" + Show(At(rs, r, "name")) + "|" +
                      Show(At(rs, r, "options")) + "|" + Show(At(rs, r, "table_count")));
    EXPECT_TRUE(std::holds_alternative<int64_t>(At(rs, r, "created_at")));
    EXPECT_GT(std::get<int64_t>(At(rs, r, "created_at")), 0);
  }
  EXPECT_THAT(summary, ElementsAre("app|app|{}|2", "default|default|{}|1", "empty|empty|{}|0"));

  // Counts follow drops.
  ASSERT_TRUE(registry_->DropTable(TableId{NamespaceId("app"), TableName("config")}).ok());
  RowSet after = tables_->Namespaces();
  EXPECT_EQ(Show(At(after, 0, "table_count")), "1");
}

TEST_F(SystemTablesTest, TablesOptionsJson) {
  CreateNamespace("app");
  auto messages = Create(Messages());
  auto config = Create(Config());
  auto events = Create(Events());
  ASSERT_NE(messages, nullptr);
  ASSERT_NE(config, nullptr);
  ASSERT_NE(events, nullptr);

  EXPECT_EQ(TableOptionsJson(*messages), R"({"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168})");
  EXPECT_EQ(TableOptionsJson(*config),
            R"({"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168,"access_level":"PUBLIC"})");
  EXPECT_EQ(TableOptionsJson(*events), R"({"ttl_seconds":10,"max_buffer":10000})");

  RowSet rs = tables_->Tables();
  ExpectWellFormed(rs);
  ASSERT_EQ(rs.rows.size(), 3u);
  // Ordered by table id: app.config, app.messages, default.events.
  std::vector<std::string> summary;
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    std::string line;
    for (auto col : {"namespace_id", "table_name", "table_type", "storage_id", "version", "options", "comment"}) {
      if (!line.empty()) line += "|";
      line += Show(At(rs, r, col));
    }
    summary.push_back(line);
  }
  EXPECT_THAT(summary,
              ElementsAre(R"(app|config|shared|local|1|{"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168,"access_level":"PUBLIC"}|NULL)",
                          R"(app|messages|user|local|1|{"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168}|chat)",
                          R"(default|events|stream|NULL|1|{"ttl_seconds":10,"max_buffer":10000}|NULL)"));
  EXPECT_EQ(std::get<int64_t>(At(rs, 1, "created_at")), messages->created_at_us);
  EXPECT_EQ(std::get<int64_t>(At(rs, 1, "updated_at")), messages->updated_at_us);

  // The explicit-list overload shows just what it is given.
  RowSet one = tables_->Tables({events});
  ASSERT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(Show(At(one, 0, "table_name")), "events");
}

TEST_F(SystemTablesTest, TableOptionsJsonVariants) {
  TableDefinition def = Messages();
  def.options.flush_row_limit.reset();
  def.options.flush_interval_seconds = 60;
  def.options.deleted_retention_hours = 24;
  EXPECT_EQ(TableOptionsJson(def), R"({"flush_policy":"interval:60","deleted_retention_hours":24})");
  def.options.flush_row_limit = 5;
  def.options.flush_interval_seconds.reset();
  EXPECT_EQ(TableOptionsJson(def), R"({"flush_policy":"rows:5","deleted_retention_hours":24})");

  TableDefinition shared = Config();
  for (AccessLevel level : {AccessLevel::kPublic, AccessLevel::kPrivate, AccessLevel::kRestricted, AccessLevel::kDba}) {
    shared.options.access_level = level;
    EXPECT_EQ(TableOptionsJson(shared), R"({"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168,)"
                                        R"("access_level":")" +
                                            std::string(AccessLevelName(level)) + "\"}");
  }

  TableDefinition stream = Events();
  stream.options.ttl_seconds = 3600;
  stream.options.max_buffer = 5;
  stream.options.flush_row_limit = 1;  // not shown for streams
  EXPECT_EQ(TableOptionsJson(stream), R"({"ttl_seconds":3600,"max_buffer":5})");
}

TEST_F(SystemTablesTest, ColumnsTable) {
  CreateNamespace("app");
  ASSERT_NE(Create(Messages()), nullptr);
  RowSet rs = tables_->ColumnsTable();
  ExpectWellFormed(rs);
  std::vector<std::string> summary;
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    std::string line;
    for (const auto& cell : rs.rows[r]) {
      if (!line.empty()) line += "|";
      line += Show(cell);
    }
    summary.push_back(line);
  }
  EXPECT_THAT(summary, ElementsAre("app|messages|1|1|id|NULL|BIGINT|SNOWFLAKE_ID()|1|false|true|1",
                                   "app|messages|1|2|content|NULL|TEXT|NULL|2|false|false|NULL",
                                   "app|messages|1|3|price|NULL|DECIMAL(10,2)|0|3|true|false|NULL",
                                   "app|messages|1|4|sent|when sent|TIMESTAMP|NOW()|4|true|false|NULL"));
}

TEST_F(SystemTablesTest, Schemas) {
  CreateNamespace("app");
  ASSERT_NE(Create(Config()), nullptr);
  ASSERT_NE(Create(Events()), nullptr);
  auto result = tables_->Schemas();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const RowSet& rs = result.value();
  ExpectWellFormed(rs);
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(Show(At(rs, 0, "table_id")), "app.config");
  EXPECT_EQ(Show(At(rs, 0, "table_name")), "config");
  EXPECT_EQ(Show(At(rs, 0, "namespace_id")), "app");
  EXPECT_EQ(Show(At(rs, 0, "table_type")), "shared");
  EXPECT_EQ(Show(At(rs, 0, "schema_version")), "1");
  EXPECT_EQ(Show(At(rs, 0, "columns")),
            R"([{"column_id":1,"name":"key","data_type":"TEXT","nullable":false,"primary_key":true,"default":null},)"
            R"({"column_id":2,"name":"value","data_type":"JSON","nullable":true,"primary_key":false,"default":"'it''s'"}])");
  EXPECT_EQ(Show(At(rs, 0, "table_comment")), "NULL");
  EXPECT_EQ(Show(At(rs, 0, "access_level")), "PUBLIC");
  EXPECT_EQ(Show(At(rs, 0, "is_latest")), "true");
  EXPECT_EQ(Show(At(rs, 0, "storage_id")), "local");
  EXPECT_EQ(Show(At(rs, 0, "options")),
            R"({"flush_policy":"rows:1000,interval:300","deleted_retention_hours":168,"access_level":"PUBLIC"})");

  EXPECT_EQ(Show(At(rs, 1, "table_id")), "default.events");
  EXPECT_EQ(Show(At(rs, 1, "table_type")), "stream");
  EXPECT_EQ(Show(At(rs, 1, "access_level")), "NULL");
  EXPECT_EQ(Show(At(rs, 1, "storage_id")), "NULL");
  EXPECT_EQ(Show(At(rs, 1, "options")), R"({"ttl_seconds":10,"max_buffer":10000})");
}

TEST_F(SystemTablesTest, UsersMaskPasswordHash) {
  UserRecord root;
  root.id = UserId("root");
  root.password_hash = "$2b$12$secret-hash";
  root.role = Role::kSystem;
  root.email = "root@localhost";
  root.auth_type = AuthType::kInternal;
  root.created_at_us = 1761645600000000;
  root.updated_at_us = 1761645600000001;

  UserRecord oauth;
  oauth.id = UserId("bob");
  oauth.role = Role::kService;
  oauth.auth_type = AuthType::kOAuth;
  oauth.auth_data = R"({"provider":"google"})";
  oauth.failed_login_attempts = 3;
  oauth.locked_until_us = 5;
  oauth.last_login_at_us = 6;
  oauth.last_seen_us = 7;
  oauth.deleted_at_us = 8;

  RowSet rs = tables_->Users({root, oauth});
  ExpectWellFormed(rs);
  EXPECT_THAT(Names(rs.columns), ElementsAreArray(Names(SystemTables::Columns("users"))));
  ASSERT_EQ(rs.rows.size(), 2u);
  std::vector<std::string> lines;
  for (const auto& row : rs.rows) {
    std::string line;
    for (const auto& cell : row) {
      if (!line.empty()) line += "|";
      line += Show(cell);
    }
    lines.push_back(line);
  }
  EXPECT_THAT(lines,
              ElementsAre("root|***|system|root@localhost|internal|NULL|table|local|0|NULL|NULL|1761645600000000|"
                          "1761645600000001|NULL|NULL",
                          R"(bob|NULL|service|NULL|oauth|{"provider":"google"}|table|local|3|5|6|NULL|NULL|7|8)"));
  // The hash itself never appears anywhere in the row set.
  for (const auto& row : rs.rows) {
    for (const auto& cell : row) EXPECT_EQ(Show(cell).find("secret"), std::string::npos);
  }
  EXPECT_THAT(tables_->Users({}).rows, IsEmpty());
}

TEST_F(SystemTablesTest, Stats) {
  CreateNamespace("app");
  ASSERT_NE(Create(Messages()), nullptr);
  ASSERT_NE(Create(Config()), nullptr);
  EngineStats stats;
  stats.version = "0.1.0";
  stats.uptime_seconds = 42;
  stats.active_connections = 3;
  stats.active_subscriptions = 4;
  stats.jobs_queued = 5;
  stats.jobs_running = 6;
  stats.stream_buffered_rows = 8;
  stats.stream_buffered_bytes = 9;
  stats.stream_max_total_bytes = 10;
  RowSet rs = tables_->Stats(stats, 7);
  ExpectWellFormed(rs);
  std::vector<std::string> lines;
  for (const auto& row : rs.rows) lines.push_back(Show(row[0]) + "=" + Show(row[1]));
  EXPECT_THAT(lines, ElementsAre("version=0.1.0", "uptime_seconds=42", "total_users=7", "total_namespaces=2",
                                 "total_tables=2", "active_connections=3", "active_subscriptions=4", "jobs_queued=5",
                                 "jobs_running=6", "stream_buffered_rows=8", "stream_buffered_bytes=9",
                                 "stream_max_total_bytes=10"));
}

TEST_F(SystemTablesTest, DescribeEndsWithSystemColumns) {
  CreateNamespace("app");
  auto messages = Create(Messages());
  ASSERT_NE(messages, nullptr);
  RowSet rs = tables_->Describe(*messages);
  ExpectWellFormed(rs);
  EXPECT_THAT(Names(rs.columns),
              ElementsAre("column_name", "ordinal_position", "column_id", "data_type", "is_nullable",
                          "is_primary_key", "column_default", "column_comment", "schema_version"));
  EXPECT_EQ(rs.columns[4].type.kind, TypeKind::kBoolean);
  EXPECT_EQ(rs.columns[5].type.kind, TypeKind::kBoolean);
  ASSERT_EQ(rs.rows.size(), 6u);
  auto line = [&](size_t r) {
    std::string out;
    for (auto col : {"column_name", "ordinal_position", "data_type", "is_nullable", "is_primary_key",
                     "column_default", "column_comment", "schema_version"}) {
      if (!out.empty()) out += "|";
      out += Show(At(rs, r, col));
    }
    return out;
  };
  EXPECT_EQ(line(0), "id|1|BIGINT|false|true|SNOWFLAKE_ID()|NULL|1");
  EXPECT_EQ(line(1), "content|2|TEXT|false|false|NULL|NULL|1");
  EXPECT_EQ(line(2), "price|3|DECIMAL(10,2)|true|false|0|NULL|1");
  EXPECT_EQ(line(3), "sent|4|TIMESTAMP|true|false|NOW()|when sent|1");
  EXPECT_EQ(line(4), "_seq|5|BIGINT|false|false|NULL|NULL|1");
  EXPECT_EQ(line(5), "_deleted|6|BOOLEAN|false|false|false|NULL|1");
  for (size_t r = 0; r < 4; ++r) EXPECT_EQ(Show(At(rs, r, "column_id")), std::to_string(r + 1));
  // `_seq` is column id 0 (docs/cold-tier.md: manifest column_stats key "0").
  EXPECT_EQ(Show(At(rs, 4, "column_id")), "0");
  EXPECT_NE(Show(At(rs, 5, "column_id")), Show(At(rs, 4, "column_id")));
}

TEST_F(SystemTablesTest, DescribeTableWithoutColumnsStillListsSystemColumns) {
  TableDefinition def;
  def.id = TableId{NamespaceId("default"), TableName("bare")};
  def.schema_version = 3;
  RowSet rs = tables_->Describe(def);
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(Show(At(rs, 0, "column_name")), "_seq");
  EXPECT_EQ(Show(At(rs, 0, "ordinal_position")), "1");
  EXPECT_EQ(Show(At(rs, 1, "column_name")), "_deleted");
  EXPECT_EQ(Show(At(rs, 1, "ordinal_position")), "2");
  EXPECT_EQ(Show(At(rs, 1, "schema_version")), "3");
}

TEST_F(SystemTablesTest, JsonTextIsEscaped) {
  TableDefinition def;
  def.id = TableId{NamespaceId("default"), TableName("odd")};
  def.type = TableType::kShared;
  ColumnDefinition c = Column("q", T(TypeKind::kText));
  c.default_value = DefaultValue{DefaultValue::Kind::kLiteral, "a\"b\\c\nd", true};
  def.columns = {c};
  ASSERT_NE(Create(def), nullptr);
  auto schemas = tables_->Schemas();
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(Show(At(schemas.value(), 0, "columns")),
            R"([{"column_id":1,"name":"q","data_type":"TEXT","nullable":true,"primary_key":false,"default":"'a\"b\\c\nd'"}])");
}

}  // namespace
}  // namespace kalam::system
