// The resource limits of `[limits]` at the engine: answer bytes, rows written by one statement,
// DuckDB's memory and the statement timeout over the write phase. Each refusal is a
// kInvalidOperation that names its config key, and a refused or timed-out write leaves none of
// its rows behind.
#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class LimitsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
  void ReopenWithLimits(EngineConfig config) {
    config.query_threads = 1;
    ReopenWith(config);
  }
  std::string Count(const std::string& sql) {
    auto rows = Query(Root(), sql);
    return rows.empty() ? "" : rows[0];
  }
};

TEST_F(LimitsTest, AnswerBytesStopACollectingSelect) {
  EngineConfig config;
  config.max_answer_bytes = 1 << 20;
  ReopenWithLimits(config);
  // 20 MB of strings: refused while the rows are collected.
  Status s = Fail(Root(), "SELECT repeat('x', 20000) FROM range(1000)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(s.message(), StartsWith("Statement 1 failed: Answer too large"));
  EXPECT_THAT(s.message(), HasSubstr("limits.max_answer_bytes (1048576 bytes)"));
  // The limit is over the whole request: two answers of 600 KB do not fit together.
  s = Fail(Root(), "SELECT repeat('x', 20000) FROM range(30); SELECT repeat('y', 20000) FROM range(30)");
  EXPECT_THAT(s.message(), StartsWith("Statement 2 failed: Answer too large"));
  // Each fits alone, and the session keeps working.
  EXPECT_EQ(Run(Root(), "SELECT repeat('x', 20000) FROM range(30)").row_count, 30u);
  EXPECT_THAT(Query(Root(), "SELECT 42"), ElementsAre("42"));
}

TEST_F(LimitsTest, RowsWrittenByOneStatementAreBoundedAndNothingIsHalfWritten) {
  EngineConfig config;
  config.max_write_rows = 100;
  ReopenWithLimits(config);
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");

  Status s = Fail(Root(), "INSERT INTO app.t SELECT range, 'a' FROM range(101)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(s.message(), HasSubstr("limits.max_write_rows (100)"));
  EXPECT_EQ(Count("SELECT count(*) FROM app.t"), "0");

  // VALUES lists count too.
  std::string values = "INSERT INTO app.t VALUES (1000, 'a')";
  for (int i = 1; i <= 100; ++i) values += ", (" + std::to_string(1000 + i) + ", 'a')";
  EXPECT_THAT(Fail(Root(), values).message(), HasSubstr("limits.max_write_rows"));
  EXPECT_EQ(Count("SELECT count(*) FROM app.t"), "0");

  // At the limit it writes; a 101st row comes in a second statement.
  EXPECT_EQ(Run(Root(), "INSERT INTO app.t SELECT range, 'a' FROM range(100)").row_count, 100u);
  Run(Root(), "INSERT INTO app.t VALUES (100, 'a')");

  s = Fail(Root(), "UPDATE app.t SET v = 'b'");
  EXPECT_THAT(s.message(), HasSubstr("limits.max_write_rows (100)"));
  EXPECT_EQ(Count("SELECT count(*) FROM app.t WHERE v = 'b'"), "0");

  s = Fail(Root(), "DELETE FROM app.t");
  EXPECT_THAT(s.message(), HasSubstr("limits.max_write_rows (100)"));
  EXPECT_EQ(Count("SELECT count(*) FROM app.t"), "101");

  // A statement within the limit on the same table still writes.
  EXPECT_EQ(Run(Root(), "DELETE FROM app.t WHERE id < 100").row_count, 100u);
  EXPECT_EQ(Count("SELECT count(*) FROM app.t"), "1");
}

TEST_F(LimitsTest, TimedOutWritesLeaveNoRowsBehind) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "INSERT INTO app.t SELECT range, 'a' FROM range(200000)");
  // Small enough that DuckDB's scan ends before the watchdog's first look (it polls every
  // 10 ms at the least): only the write phase's own checks catch these.
  Run(Root(), "CREATE SHARED TABLE app.small (id BIGINT PRIMARY KEY, v TEXT)");
  Run(Root(), "INSERT INTO app.small SELECT range, 'a' FROM range(5000)");
  // A timeout far shorter than any of these writes: each must fail whole, whichever phase
  // (DuckDB's scan or turning rows into writes) the deadline falls in.
  EngineConfig config;
  config.statement_timeout_ms = 1;
  ReopenWithLimits(config);
  for (const char* sql : {"DELETE FROM app.t", "UPDATE app.t SET v = 'b'",
                          "INSERT INTO app.t SELECT range + 1000000, 'c' FROM range(200000)",
                          "DELETE FROM app.small", "UPDATE app.small SET v = 'b'",
                          "INSERT INTO app.small SELECT range + 1000000, 'c' FROM range(5000)"}) {
    Status s = Fail(Root(), sql);
    EXPECT_EQ(s.code(), StatusCode::kInvalidOperation) << sql;
    EXPECT_THAT(s.message(), HasSubstr("Statement timed out")) << sql;
    EXPECT_THAT(s.message(), HasSubstr("limits.statement_timeout_secs")) << sql;
  }
  EngineConfig relaxed;
  ReopenWithLimits(relaxed);
  EXPECT_EQ(Count("SELECT count(*) FROM app.t"), "200000");
  EXPECT_EQ(Count("SELECT count(*) FROM app.t WHERE v = 'a'"), "200000");
  EXPECT_EQ(Count("SELECT count(*) FROM app.small"), "5000");
  EXPECT_EQ(Count("SELECT count(*) FROM app.small WHERE v = 'a'"), "5000");
}

TEST_F(LimitsTest, OperatorsOverTheMemoryLimitSpillUnderTheDataDirectory) {
  EngineConfig config;
  config.query_memory_limit_bytes = 128ull << 20;
  // The sort takes seconds; on a machine busy with other work it must not become a timeout.
  config.statement_timeout_ms = 600'000;
  ReopenWithLimits(config);
  // Sorting 4M strings needs several times the limit.
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM (SELECT s, row_number() OVER (ORDER BY s DESC) AS n FROM "
                            "(SELECT repeat('x', 40) || range::VARCHAR AS s FROM range(4000000)))"),
              ElementsAre("4000000"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/duckdb_tmp"));
}

TEST_F(LimitsTest, DuckDBMemoryLimitNamesItsKey) {
  EngineConfig config;
  config.query_memory_limit_bytes = 32ull << 20;
  ReopenWithLimits(config);
  // A list of 4M strings is one aggregate state: it cannot spill.
  Status s = Fail(Root(), "SELECT length(list(repeat('x', 20) || range)) FROM range(4000000)");
  EXPECT_EQ(s.code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(s.message(), HasSubstr("limits.query_memory_limit_mb (32 MiB)"));
  EXPECT_THAT(Query(Root(), "SELECT 42"), ElementsAre("42"));
}

}  // namespace
}  // namespace kalam::core::testing
