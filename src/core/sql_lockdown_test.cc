// Client SQL reaches only what KalamDB exposes: every way into DuckDB's own table functions,
// views, settings and log is refused wherever it is written, and a refused statement never
// takes the process down.
#include "duckdb_config.h"
#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class SqlLockdownTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE SHARED TABLE app.t (v INT) WITH (ACCESS_LEVEL = 'PUBLIC')");
    Run(Root(), "CREATE USER TABLE app.notes (id BIGINT PRIMARY KEY, body TEXT)");
  }

  // Every statement must be refused with PERMISSION_DENIED, for a plain user and for root.
  void ExpectRefused(const std::vector<std::string>& statements, const std::vector<duckdb::Value>& params = {}) {
    for (Session* session : {&As("mallory"), &Root()}) {
      for (const std::string& sql : statements) {
        auto outcome = engine_->Execute(*session, sql, params);
        EXPECT_FALSE(outcome.ok()) << sql << " ran as " << session->user_id().str();
        EXPECT_EQ(outcome.error.code(), StatusCode::kPermissionDenied) << sql << " -> " << outcome.error.ToString();
      }
    }
    ExpectServing();
  }

  void ExpectServing() {
    EXPECT_THAT(Query(As("mallory"), "SELECT count(*) FROM app.t"), ElementsAre("0"));
    EXPECT_THAT(Query(Root(), "SELECT count(*) FROM system.users"), ElementsAre("1"));
  }
};

TEST_F(SqlLockdownTest, TableFunctionsInSubqueriesOfOrderByLimitAndDistinctOnAreRefused) {
  ExpectRefused({
      "SELECT 1 ORDER BY (SELECT count(*) FROM duckdb_settings())",
      "SELECT 1 LIMIT (SELECT count(*) FROM duckdb_settings())",
      "SELECT 1 OFFSET (SELECT count(*) FROM duckdb_settings())",
      "SELECT DISTINCT ON ((SELECT count(*) FROM duckdb_settings())) 1",
      "SELECT v FROM app.t ORDER BY (SELECT max(name) FROM duckdb_settings() WHERE name = 'threads')",
  });
}

TEST_F(SqlLockdownTest, SummarizeDescribeShowAndPivotDoNotHideTableFunctions) {
  ExpectRefused({
      "SELECT * FROM (SUMMARIZE SELECT name, value FROM duckdb_settings())",
      "SELECT * FROM (DESCRIBE SELECT * FROM duckdb_settings())",
      "SELECT * FROM (SHOW SELECT * FROM duckdb_settings())",
      "SELECT * FROM (PIVOT (SELECT name, value FROM duckdb_settings()) ON name IN ('threads') USING first(value))",
      "SELECT * FROM (UNPIVOT (SELECT name, value FROM duckdb_settings()) ON value INTO NAME k VALUE w)",
      "SELECT * FROM (SHOW TABLES)",
      "SELECT * FROM (SHOW ALL TABLES)",
  });
}

TEST_F(SqlLockdownTest, DuckDBDefaultViewsAreRefused) {
  ExpectRefused({
      "SELECT * FROM duckdb_logs",
      "SELECT count(*) FROM information_schema.tables",
      "SELECT count(*) FROM information_schema.columns",
      "SELECT * FROM pg_catalog.pg_class",
      "SELECT * FROM pg_catalog.pg_settings",
      "SELECT * FROM system.main.duckdb_settings()",
      "SELECT 1 WHERE EXISTS (SELECT * FROM duckdb_views)",
  });
}

TEST_F(SqlLockdownTest, FunctionsThatReadSettingsOrVariablesAreRefusedHoweverSpelled) {
  ExpectRefused({
      "SELECT current_setting('threads')",
      "SELECT \"CURRENT_SETTING\"('memory_limit')",
      "SELECT system.main.current_setting('threads')",
      "SELECT getvariable('x')",
      // Arguments of table functions and LIMIT are evaluated while binding.
      "SELECT count(*) FROM range(length(current_setting('memory_limit')))",
      "SELECT 1 LIMIT current_setting('threads')",
      "SELECT write_log('x')",
  });
}

TEST_F(SqlLockdownTest, ParametersWritesCtesAndExplainAreCheckedTheSameWay) {
  ExpectRefused({"SELECT $1 ORDER BY (SELECT count(*) FROM duckdb_settings())"}, {duckdb::Value(1)});
  ExpectRefused({
      "INSERT INTO app.t SELECT 1 ORDER BY (SELECT count(*) FROM duckdb_settings())",
      "UPDATE app.t SET v = 1 WHERE v IN (SELECT 1 LIMIT (SELECT count(*) FROM duckdb_settings()))",
      "DELETE FROM app.t WHERE v IN (SELECT 1 ORDER BY (SELECT count(*) FROM duckdb_settings()))",
      "WITH s AS (SELECT 1 AS x ORDER BY (SELECT count(*) FROM duckdb_settings())) SELECT * FROM s",
      "EXPLAIN SELECT 1 ORDER BY (SELECT count(*) FROM duckdb_settings())",
      "SELECT * FROM kalam_scan('app.t') ORDER BY (SELECT count(*) FROM duckdb_logs)",
  });
  EXPECT_THAT(Query(As("mallory"), "SELECT count(*) FROM app.t WHERE v = $1", {duckdb::Value(1)}), ElementsAre("0"));
}

TEST_F(SqlLockdownTest, LoggingCannotBeEnabledAndNobodyReadsAnotherUsersQueryText) {
  // Each of these once reached DuckDB's log switch; the next statement then ended the process.
  ExpectRefused({
      "SELECT 1 ORDER BY (SELECT count(*) FROM enable_logging('QueryLog', storage_path = '" + dir_.path() + "/log'))",
      "SELECT 1 ORDER BY (SELECT count(*) FROM enable_logging('QueryLog'))",
      "SELECT 1 LIMIT (SELECT count(*) FROM enable_logging(level = 'trace'))",
      "SELECT * FROM (SUMMARIZE SELECT * FROM enable_logging())",
  });
  Run(As("alice"), "INSERT INTO app.notes VALUES (1, 'alice-secret-7')");
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.notes WHERE body = 'alice-secret-7'"),
              ElementsAre("alice-secret-7"));
  for (const char* sql : {"SELECT * FROM (SUMMARIZE SELECT message FROM duckdb_logs)",
                          "SELECT 1 LIMIT (SELECT count(*) FROM duckdb_logs WHERE message LIKE '%alice-secret%')",
                          "SELECT * FROM duckdb_logs()", "SELECT * FROM system.main.duckdb_logs",
                          "SELECT * FROM (DESCRIBE SELECT * FROM duckdb_logs)", "SELECT current_query()"}) {
    auto outcome = engine_->Execute(As("bob"), sql);
    if (outcome.ok()) {
      for (const std::string& row : Rows(outcome.results.back())) {
        EXPECT_THAT(row, Not(HasSubstr("alice-secret"))) << sql;
      }
    } else {
      EXPECT_EQ(outcome.error.code(), StatusCode::kPermissionDenied) << sql << " -> " << outcome.error.ToString();
    }
  }
  ExpectServing();
}

TEST_F(SqlLockdownTest, ExplainTakesOnlySelect) {
  for (const char* sql :
       {"EXPLAIN ANALYZE CREATE SCHEMA s", "EXPLAIN ANALYZE CREATE TABLE app.t (v INT)",
        "EXPLAIN ANALYZE SET threads = 1", "EXPLAIN ANALYZE CALL duckdb_settings()",
        "EXPLAIN INSERT INTO app.t VALUES (1)", "EXPLAIN ANALYZE DELETE FROM app.t",
        "EXPLAIN ANALYZE CREATE TABLE app.shadow (v INT)", "EXPLAIN ANALYZE PRAGMA disable_optimizer"}) {
    Status s = Fail(Root(), sql);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << sql << " -> " << s.ToString();
    EXPECT_THAT(s.message(), HasSubstr("Unsupported statement type")) << sql;
  }
  // Nothing was created in DuckDB's catalog that could shadow a KalamDB table.
  Run(Root(), "INSERT INTO app.t VALUES (5)");
  EXPECT_THAT(Query(As("mallory"), "SELECT v FROM app.t"), ElementsAre("5"));
  EXPECT_THAT(Query(Root(), "EXPLAIN SELECT v FROM app.t"), Not(::testing::IsEmpty()));
  EXPECT_THAT(Query(Root(), "EXPLAIN ANALYZE SELECT v FROM app.t"), Not(::testing::IsEmpty()));
  EXPECT_EQ(Fail(As("mallory"), "EXPLAIN SELECT 1").code(), StatusCode::kPermissionDenied);
}

TEST_F(SqlLockdownTest, AllowedTableFunctionsAndKalamScansStillWork) {
  Run(As("alice"), "INSERT INTO app.notes VALUES (1, 'a'), (2, 'b')");
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM range(5) JOIN generate_series(1, 2) g ON true"),
              ElementsAre("10"));
  EXPECT_THAT(Query(As("alice"), "SELECT * FROM unnest([1, 2])"), ElementsAre("1", "2"));
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM kalam_scan('app.notes')"), ElementsAre("2"));
  EXPECT_THAT(Query(As("bob"), "SELECT count(*) FROM kalam_scan('app.notes')"), ElementsAre("0"));
  EXPECT_THAT(Query(As("alice"), "SELECT id FROM app.notes ORDER BY (SELECT 1) LIMIT (SELECT 1 + 1)"),
              ElementsAre("1", "2"));
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM (SUMMARIZE SELECT id FROM app.notes)"), ElementsAre("1"));
  EXPECT_THAT(Query(As("alice"), "SELECT column_name FROM (DESCRIBE SELECT id FROM app.notes)"), ElementsAre("id"));
  EXPECT_THAT(Query(As("alice"), "SELECT current_user(), current_role()"), ElementsAre("alice|user"));
  // KalamDB's internal scans answer only the references KalamDB builds itself.
  EXPECT_EQ(Fail(As("alice"), "SELECT * FROM kalam_scan_for_write('app.notes')").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Fail(Root(), "SELECT * FROM kalam_system_scan('users')").code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM system.users"), ElementsAre("1"));
  Run(As("alice"), "UPDATE app.notes SET body = 'c' WHERE id = 2");
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.notes ORDER BY id"), ElementsAre("a", "c"));
  // System tables keep their own role check.
  EXPECT_EQ(Fail(As("alice"), "SELECT * FROM system.users").code(), StatusCode::kPermissionDenied);
}

TEST(DuckDBConfigurationTest, ConfigurationIsLockedAndExternalAccessStaysOff) {
  duckdb::DBConfig config;
  EngineConfig engine_config;
  engine_config.query_threads = 1;
  ConfigureDuckDB(config, engine_config);
  duckdb::DuckDB db(nullptr, &config);
  duckdb::Connection connection(db);
  for (const char* sql : {"SET threads = 2", "SET GLOBAL enable_external_access = true", "RESET threads",
                          "SET lock_configuration = false", "SET autoload_known_extensions = true",
                          "SET disabled_optimizers = 'extension'"}) {
    auto result = connection.Query(sql);
    EXPECT_TRUE(result->HasError()) << sql;
    EXPECT_THAT(result->GetError(), HasSubstr("configuration has been locked")) << sql;
  }
  EXPECT_FALSE(db.instance->config.options.enable_external_access);
  EXPECT_FALSE(db.instance->config.options.autoload_known_extensions);
}

}  // namespace
}  // namespace kalam::core::testing
