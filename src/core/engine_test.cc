#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class EngineTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
  }
};

// ---- namespaces ---------------------------------------------------------------------------

// The messages and errors of namespace DDL are in tests/sql/namespace_rules.test; the acting
// user of a result is not part of what that corpus compares.
TEST_F(EngineTest, DdlResultNamesTheActingUser) {
  EXPECT_EQ(Run(Root(), "CREATE NAMESPACE chat").as_user.str(), "root");
}

// ---- CREATE TABLE ---------------------------------------------------------------------------

TEST_F(EngineTest, EveryColumnTypeRoundTrips) {
  Run(Root(), "CREATE SHARED TABLE app.types (b BOOLEAN, s SMALLINT, i INT, g BIGINT, f FLOAT, d DOUBLE, "
              "n DECIMAL(10,2), t TEXT, y BYTES, j JSON, ts TIMESTAMP, dt DATETIME, da DATE, ti TIME, u UUID)");
  Run(Root(), "INSERT INTO app.types VALUES (true, 12, 345, 9007199254740993, 1.5, 2.25, 200.75, 'héllo \"q\"', "
              "'hi', '{\"a\":1}', '2025-10-28 10:00:00', '2025-10-28T10:00:00Z', '2025-10-28', '10:00:00.5', "
              "'018b6e8a-07d1-7000-8000-0123456789ab')");
  Run(Root(), "INSERT INTO app.types (b) VALUES (NULL)");
  EXPECT_THAT(Query(Root(), "SELECT b, s, i, g, f, d, n, t, y, j, ts, dt, da, ti, u FROM app.types ORDER BY _seq"),
              ElementsAre("true|12|345|9007199254740993|1.5|2.25|200.75|héllo \"q\"|hi|{\"a\":1}|2025-10-28 10:00:00|"
                          "2025-10-28 10:00:00+00|2025-10-28|10:00:00.5|018b6e8a-07d1-7000-8000-0123456789ab",
                          "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL"));
  auto result = Run(Root(), "SELECT * FROM app.types LIMIT 1");
  std::vector<std::string> tags;
  for (const auto& c : result.columns) tags.push_back(c.type.WireTagJson());
  EXPECT_THAT(tags, ElementsAre("\"Boolean\"", "\"SmallInt\"", "\"Int\"", "\"BigInt\"", "\"Float\"", "\"Double\"",
                                "{\"Decimal\":{\"precision\":10,\"scale\":2}}", "\"Text\"", "\"Bytes\"", "\"Json\"",
                                "\"Timestamp\"", "\"DateTime\"", "\"Date\"", "\"Time\"", "\"Uuid\"", "\"BigInt\"",
                                "\"Boolean\""));
}

TEST_F(EngineTest, ReadmeExamplesRunVerbatim) {
  Run(Root(), R"(CREATE USER TABLE app.messages (
  id BIGINT DEFAULT SNOWFLAKE_ID(),
  content TEXT,
  timestamp TIMESTAMP DEFAULT NOW()
) FLUSH ROW_THRESHOLD 1000;)");
  Run(Root(), R"(CREATE USER TABLE app.conversations (
  id BIGINT DEFAULT SNOWFLAKE_ID(),
  user_id TEXT DEFAULT CURRENT_USER(),
  message TEXT,
  created_at TIMESTAMP DEFAULT NOW()
) FLUSH ROW_THRESHOLD 1000;)");
  Run(As("alice"), "INSERT INTO app.conversations (message) VALUES ('hello')");
  EXPECT_THAT(Query(As("alice"), R"(SELECT user_id, message FROM app.conversations
WHERE created_at > NOW() - INTERVAL '1 hour'
ORDER BY id DESC;)"),
              ElementsAre("alice|hello"));
  Run(Root(), "CREATE SHARED TABLE app.analytics (event_name TEXT, count BIGINT, timestamp TIMESTAMP) FLUSH POLICY TIME_INTERVAL 300;");
  Run(Root(), "CREATE STREAM TABLE app.events (event_id TEXT, data TEXT) RETENTION 10 EPHEMERAL MAX_BUFFER 5000;");
  Run(Root(), "CREATE NAMESPACE ai");
  Run(Root(), R"(CREATE USER TABLE ai.conversations (
  id BIGINT DEFAULT SNOWFLAKE_ID(),
  conversation_id TEXT DEFAULT UUID_V7(),
  role TEXT,  -- 'user' or 'assistant'
  content TEXT,
  model TEXT,
  tokens INT,
  created_at TIMESTAMP DEFAULT NOW()
) FLUSH INTERVAL 600s ROW_THRESHOLD 5000;)");
  Run(As("alice"), "INSERT INTO ai.conversations (role, content, model, tokens) VALUES ('user', 'hi', 'gpt', 3)");
  // The row above has a fresh UUID_V7() conversation id, so this conversation is empty.
  EXPECT_THAT(Query(As("alice"), R"(SELECT content, role, created_at
FROM ai.conversations
WHERE conversation_id = '018b6e8a-07d1-7000-8000-0123456789ab'
  AND created_at > NOW() - INTERVAL '1 hour'
ORDER BY created_at ASC;)"),
              IsEmpty());
  Run(Root(), "CREATE NAMESPACE docs");
  Run(Root(), R"(CREATE SHARED TABLE docs.content (
  doc_id TEXT,
  version INT,
  content TEXT,
  author TEXT DEFAULT CURRENT_USER(),
  updated_at TIMESTAMP DEFAULT NOW()
) FLUSH INTERVAL 60s;)");
  Run(Root(), "CREATE NAMESPACE iot");
  Run(Root(), R"(CREATE SHARED TABLE iot.metrics (
  sensor_id TEXT,
  avg_temp DOUBLE,
  max_temp DOUBLE,
  min_temp DOUBLE,
  hour TIMESTAMP
) FLUSH INTERVAL 3600s;)");
  // Namespace, name and type of each (the rest are options and timestamps).
  std::vector<std::string> tables;
  for (const auto& row : Query(Root(), "SHOW TABLES IN app;")) {
    size_t end = 0;
    for (int cell = 0; cell < 3 && end != std::string::npos; ++cell) end = row.find('|', end + (cell > 0));
    tables.push_back(row.substr(0, end));
  }
  EXPECT_THAT(tables, ElementsAre("app|analytics|shared", "app|conversations|user", "app|events|stream",
                                  "app|messages|user"));
  EXPECT_THAT(Query(Root(), "DESCRIBE TABLE app.messages;"),
              ElementsAre("id|1|1|BIGINT|true|false|SNOWFLAKE_ID()|NULL|1", "content|2|2|TEXT|true|false|NULL|NULL|1",
                          "timestamp|3|3|TIMESTAMP|true|false|NOW()|NULL|1", "_seq|4|0|BIGINT|false|false|NULL|NULL|1",
                          "_deleted|5|-1|BOOLEAN|false|false|false|NULL|1"));
  // Nothing was written to app.messages: no rows in either tier, no segment, no subscriber.
  EXPECT_THAT(Query(Root(), "SHOW STATS FOR TABLE app.messages;"), ElementsAre("app|messages|user|1|0|0|0|0|0"));
  EXPECT_THAT(Query(Root(), "SELECT * FROM system.users WHERE role = 'dba';"), IsEmpty());
  Run(Root(), "CREATE USER ops WITH PASSWORD 'OpsPass123!' ROLE dba");
  EXPECT_THAT(Query(Root(), "SELECT user_id, role FROM system.users WHERE role = 'dba';"), ElementsAre("ops|dba"));
}

// ---- DML -------------------------------------------------------------------------------------

TEST_F(EngineTest, InsertForms) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, score INT DEFAULT 5)");
  EXPECT_EQ(Run(Root(), "INSERT INTO app.t VALUES (1, 'a', 1), (2, 'b', 2)").message, "Inserted 2 row(s)");
  Run(Root(), "INSERT INTO app.t (name, id) VALUES ('c', 3)");
  Run(Root(), "INSERT INTO app.t VALUES (4, 'd', DEFAULT)");
  Run(Root(), "INSERT INTO app.t VALUES (5, upper('e') || 'x', 2 + 3)");
  Run(Root(), "INSERT INTO app.t (id, name) VALUES ($1, $2)", {duckdb::Value("6"), duckdb::Value("f")});
  Run(Root(), "INSERT INTO app.t SELECT id + 100, name || '!', score * 10 FROM app.t WHERE id <= 2");
  EXPECT_THAT(Query(Root(), "SELECT id, name, score FROM app.t ORDER BY id"),
              ElementsAre("1|a|1", "2|b|2", "3|c|5", "4|d|5", "5|Ex|5", "6|f|5", "101|a!|10", "102|b!|20"));
}

TEST_F(EngineTest, ParametersBindAndValidate) {
  Run(Root(), "CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, ts TIMESTAMP)");
  Run(Root(), "INSERT INTO app.t VALUES ($1, $2)", {duckdb::Value("274812739841982464"), duckdb::Value::BIGINT(1761645600000000)});
  EXPECT_THAT(Query(Root(), "SELECT ts FROM app.t WHERE id = $1", {duckdb::Value("274812739841982464")}),
              ElementsAre("2025-10-28 10:00:00"));
  auto missing = engine_->Execute(Root(), "SELECT * FROM app.t WHERE id = $1 AND id = $2", {duckdb::Value(1)});
  EXPECT_EQ(missing.error_kind, RequestErrorKind::kInvalidParameter);
  EXPECT_THAT(missing.error.message(), HasSubstr("Parameter $2 invalid"));
  auto batch = engine_->Execute(Root(), "SELECT 1; SELECT 2", {duckdb::Value(1)});
  EXPECT_EQ(batch.error_kind, RequestErrorKind::kParamsWithBatch);
}

// Every path that blames a parameter answers INVALID_PARAMETER; the blame belongs to its
// statement only, so the session's next failure is a plain statement failure again.
TEST_F(EngineTest, ParameterFailuresAreTheRequestsOnEveryPath) {
  Run(Root(), "CREATE SHARED TABLE app.p (id BIGINT PRIMARY KEY, v INT)");
  const std::vector<std::pair<std::string, std::vector<duckdb::Value>>> cases = {
      {"INSERT INTO app.p (id, v) VALUES ($1, $2)", {duckdb::Value::BIGINT(1)}},    // simple insert, missing
      {"INSERT INTO app.p (id, v) VALUES ($1, 1)", {duckdb::Value("x")}},           // simple insert, bad value
      {"SELECT * FROM app.p WHERE id = $1", {duckdb::Value(1), duckdb::Value(2)}},  // DuckDB, extra
      {"CREATE NAMESPACE IF NOT EXISTS q", {duckdb::Value(1)}},                     // KalamDB statement
  };
  for (const auto& [sql, params] : cases) {
    auto outcome = engine_->Execute(Root(), sql, params);
    EXPECT_EQ(outcome.error_kind, RequestErrorKind::kInvalidParameter) << sql;
    EXPECT_THAT(outcome.error.message(), HasSubstr("Parameter $")) << sql;
    auto next = engine_->Execute(Root(), "CREATE SHARED TABLE app.p (id BIGINT PRIMARY KEY)");
    EXPECT_EQ(next.error_kind, RequestErrorKind::kStatement) << sql;
  }
}

TEST_F(EngineTest, RequestLevelErrors) {
  EXPECT_EQ(engine_->Execute(Root(), "  ;; -- nothing\n").error_kind, RequestErrorKind::kEmptySql);
  EXPECT_EQ(engine_->Execute(Root(), "SELECT 'unterminated").error_kind, RequestErrorKind::kBatchParse);
  auto bad = engine_->Execute(Root(), "SELECT 1; SELEC 2; CREATE NAMESPACE never");
  EXPECT_EQ(bad.error_kind, RequestErrorKind::kStatement);
  EXPECT_EQ(bad.failed_statement, 2u);
  EXPECT_EQ(bad.error.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.error.message(), HasSubstr("Statement 2 failed: "));
  EXPECT_THAT(bad.results, IsEmpty());  // validation runs before anything executes
  EXPECT_FALSE(engine_->Execute(Root(), "SELECT 1").results.empty());
  auto partial = engine_->Execute(Root(), "CREATE NAMESPACE p1; CREATE NAMESPACE p1; CREATE NAMESPACE p2");
  EXPECT_EQ(partial.failed_statement, 2u);
  EXPECT_THAT(partial.results, SizeIs(1));
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM system.namespaces WHERE namespace_id IN ('p1', 'p2')"),
              ElementsAre("1"));
  EXPECT_THAT(Fail(Root(), "COPY (SELECT 1) TO '/tmp/x.csv'").message(), HasSubstr("Unsupported statement type"));
  EXPECT_THAT(Fail(Root(), "SELECT * FROM read_csv('/etc/passwd')").message(), HasSubstr("is not available"));
  EXPECT_THAT(Fail(Root(), "CREATE VIEW v AS SELECT 1").message(), HasSubstr("Not supported yet"));
}

// ---- SELECT -----------------------------------------------------------------------------------

// The SQL over USER and SHARED tables is in tests/sql/user_shared_sql.test; the column flags of
// a result are not part of what that corpus compares.
TEST_F(EngineTest, ResultColumnsCarryKeyFlags) {
  Run(Root(), "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, room_id TEXT, body TEXT)");
  Run(As("alice"), "INSERT INTO app.messages VALUES (1, 'general', 'hi')");
  auto result = Run(As("alice"), "SELECT id, body, _seq FROM app.messages WHERE id = 1");
  ASSERT_THAT(result.columns, SizeIs(3));
  EXPECT_THAT(result.columns[0].flags, ElementsAre("pk", "nn", "uq"));
  EXPECT_THAT(result.columns[1].flags, IsEmpty());
  EXPECT_THAT(result.columns[2].flags, ElementsAre("nn"));
}

TEST_F(EngineTest, ResultRowsAreCappedAndMarkedTruncated) {
  EngineConfig config;
  config.max_result_rows = 10;
  ReopenWith(config);
  auto result = Run(Root(), "SELECT * FROM range(25)");
  EXPECT_TRUE(result.truncated);
  EXPECT_EQ(result.row_count, 10u);
  EXPECT_FALSE(Run(Root(), "SELECT * FROM range(10)").truncated);
}

TEST_F(EngineTest, PushedDownFiltersKeepResultsExact) {
  Run(Root(), "CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT)");
  Run(As("alice"), "INSERT INTO app.m VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  Run(As("bob"), "INSERT INTO app.m VALUES (2, 'bob')");
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2"), ElementsAre("b"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE 2 = id AND body = 'b'"), ElementsAre("b"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2 OR id = 3 ORDER BY 1"), ElementsAre("b", "c"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 9"), IsEmpty());
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = $1", {duckdb::Value("3")}), ElementsAre("c"));
  Run(As("alice"), "UPDATE app.m SET body = 'bb' WHERE id = 2");
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2"), ElementsAre("bb"));
  Run(As("alice"), "DELETE FROM app.m WHERE id = 2");
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2"), IsEmpty());
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE id = 2 AND _deleted"), ElementsAre("bb"));
  EXPECT_THAT(Query(As("bob"), "SELECT body FROM app.m WHERE id = 2"), ElementsAre("bob"));

  auto seqs = Query(As("alice"), "SELECT _seq FROM app.m ORDER BY _seq");
  ASSERT_THAT(seqs, SizeIs(2));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE _seq > " + seqs[0]), ElementsAre("c"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE _seq >= " + seqs[0] + " ORDER BY _seq"),
              ElementsAre("a", "c"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE _seq < " + seqs[1]), ElementsAre("a"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE _seq = " + seqs[1]), ElementsAre("c"));
  EXPECT_THAT(Query(As("alice"), "SELECT body FROM app.m WHERE _seq > 9223372036854775807"), IsEmpty());
  EXPECT_THAT(Query(As("alice"), "SELECT count(*) FROM app.m WHERE _seq > -5"), ElementsAre("2"));
  // Writes through the same pushdown: UPDATE by primary key touches one row.
  EXPECT_EQ(Run(As("alice"), "UPDATE app.m SET body = 'A' WHERE id = 1").row_count, 1u);
}

TEST_F(EngineTest, LongStatementsAreInterruptedAtTheTimeout) {
  EngineConfig config;
  config.statement_timeout_ms = 300;
  ReopenWith(config);
  Status s = Fail(Root(), "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3");
  EXPECT_THAT(s.message(), HasSubstr("Statement timed out"));
  // The session stays usable.
  EXPECT_THAT(Query(Root(), "SELECT 42"), ElementsAre("42"));
}

// ---- EXECUTE AS USER --------------------------------------------------------------------------

// The rules of EXECUTE AS USER are in tests/sql/execute_as_rules.test; the acting user of a
// result is not part of what that corpus compares.
TEST_F(EngineTest, ExecuteAsUserResultNamesTheTarget) {
  SeedUsers({{"alice", Role::kUser}});
  Run(Root(), "CREATE USER TABLE app.inbox (v TEXT)");
  auto r = Run(Root(), "EXECUTE AS USER 'alice' (INSERT INTO app.inbox VALUES ('for alice'))");
  EXPECT_EQ(r.as_user.str(), "alice");
  auto read = Run(Root(), "EXECUTE AS USER alice (SELECT v, CURRENT_USER() FROM app.inbox)");
  EXPECT_THAT(Rows(read), ElementsAre("for alice|alice"));
  EXPECT_EQ(read.as_user.str(), "alice");
}

}  // namespace
}  // namespace kalam::core::testing
