// STREAM tables on the real kalamdb-server (docs/sql-reference.md, docs/live-queries.md): per-user
// in-memory buffers with TTL and MAX_BUFFER, physical DELETE, the UPDATE and FLUSH errors, joins
// with USER tables, live delivery with and without filters, initial data and `from` resume,
// stream_eviction jobs, the memory figures of system.stats and SHOW STATS, the global memory
// limit, DROP TABLE / DROP USER, and a restart that empties the buffers but keeps definitions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/json_doc.h"
#include "support/live_server.h"
#include "support/poll.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Rate limits off (tests write in bursts); eviction every second so its jobs show up quickly.
std::map<std::string, std::string> StreamEnv(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env = {{"KALAMDB_RATE_LIMIT_MAX_MESSAGES_PER_SEC", "0"},
                                            {"KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC", "0"},
                                            {"KALAMDB_STREAM_EVICTION_INTERVAL_SECONDS", "1"}};
  for (auto& [key, value] : extra) env[key] = value;
  return env;
}

// A fresh server with users alice, bob and svc (service) and namespace `app`.
std::unique_ptr<LiveServer> StartServer(std::map<std::string, std::string> extra = {}) {
  auto server = std::make_unique<LiveServer>(StreamEnv(std::move(extra)));
  EXPECT_TRUE(server->started()) << server->process().output();
  if (!server->started()) return server;
  server->CreateUser("alice");
  server->CreateUser("bob");
  server->CreateUser("svc", "service");
  server->Sql("CREATE NAMESPACE app");
  return server;
}

// The single value of a one-row, one-column answer, unquoted.
std::string Scalar(LiveServer& s, const std::string& sql, const std::string& user = "root") {
  const auto rows = JsonDoc(s.Sql(sql, user)).ArrayRows();
  if (rows.size() != 1 || rows[0].size() != 1) return "<no single value>";
  return Unquote(rows[0][0]);
}

int64_t Metric(LiveServer& s, const std::string& name) {
  return std::stoll(Scalar(s, "SELECT metric_value FROM system.stats WHERE metric_name = '" + name + "'"));
}

std::string ErrorMessage(const HttpResult& r) { return JsonDoc(r.body).Str("/error/message"); }

class StreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = StartServer().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  LiveServer& S() { return *server_; }

  static LiveServer* server_;
};

LiveServer* StreamTest::server_ = nullptr;

TEST_F(StreamTest, InsertSelectDeleteAndTheRefusedStatements) {
  S().Sql("CREATE STREAM TABLE app.typing (conv TEXT, who TEXT, pos BIGINT) TTL 3600");
  EXPECT_THAT(S().Sql("INSERT INTO app.typing VALUES ('c1', 'alice', 1), ('c2', 'alice', 2)", "alice"),
              HasSubstr("Inserted 2 row(s)"));
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.typing", "alice"), "2");
  // Full SQL over the buffer: filters, aggregates, ORDER BY, `_seq` and `_deleted`.
  auto rows =
      JsonDoc(S().Sql("SELECT conv, _deleted FROM app.typing WHERE pos > 1 ORDER BY _seq DESC", "alice")).ArrayRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Unquote(rows[0][0]), "c2");
  EXPECT_EQ(rows[0][1], "false");

  HttpResult update = S().SqlResult("UPDATE app.typing SET pos = 3", "alice");
  EXPECT_EQ(update.status, 400);
  EXPECT_THAT(ErrorMessage(update), HasSubstr("UPDATE is not supported for STREAM tables"));
  HttpResult flush = S().SqlResult("FLUSH TABLE app.typing");
  EXPECT_EQ(flush.status, 400);
  EXPECT_THAT(ErrorMessage(flush), HasSubstr("STREAM tables are not flushed"));

  EXPECT_THAT(S().Sql("DELETE FROM app.typing WHERE conv = 'c1'", "alice"), HasSubstr("Deleted 1 row(s)"));
  EXPECT_EQ(Scalar(S(), "SELECT string_agg(conv, ',') FROM app.typing", "alice"), "c2");
}

TEST_F(StreamTest, UsersAreIsolatedAlsoUnderExecuteAs) {
  S().Sql("CREATE STREAM TABLE app.presence (who TEXT, status TEXT) TTL 3600");
  S().Sql("INSERT INTO app.presence VALUES ('alice', 'online')", "alice");
  S().Sql("INSERT INTO app.presence VALUES ('bob', 'away')", "bob");
  S().Sql("EXECUTE AS USER 'alice' (INSERT INTO app.presence VALUES ('svc-for-alice', 'online'))", "svc");
  EXPECT_EQ(Scalar(S(), "SELECT string_agg(who, ',' ORDER BY _seq) FROM app.presence", "alice"), "alice,svc-for-alice");
  EXPECT_EQ(Scalar(S(), "SELECT string_agg(who, ',') FROM app.presence", "bob"), "bob");
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.presence", "svc"), "0");
  // Admins too see only their own rows.
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.presence"), "0");
  // A DELETE reaches only the acting user's rows.
  S().Sql("DELETE FROM app.presence", "bob");
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.presence", "alice"), "2");
  // SHOW STATS: an admin counts every user's rows, a user its own.
  auto stats = JsonDoc(S().Sql("SHOW STATS FOR TABLE app.presence")).ArrayRows();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(Unquote(stats[0][4]), "2");            // hot_rows: rows buffered
  EXPECT_GT(std::stoll(Unquote(stats[0][7])), 0);  // cold_bytes: their memory
  EXPECT_EQ(Unquote(JsonDoc(S().Sql("SHOW STATS FOR TABLE app.presence", "bob")).ArrayRows()[0][4]), "0");
}

TEST_F(StreamTest, JoinsWithUserAndSharedTables) {
  S().Sql("CREATE STREAM TABLE app.tokens (conv TEXT, chunk TEXT) TTL 3600");
  S().Sql("CREATE USER TABLE app.convs (id TEXT PRIMARY KEY, title TEXT)");
  S().Sql("CREATE SHARED TABLE app.models (conv TEXT PRIMARY KEY, model TEXT) WITH (ACCESS_LEVEL = 'PUBLIC')");
  S().Sql("INSERT INTO app.models VALUES ('k1', 'small')");
  S().Sql("INSERT INTO app.convs VALUES ('k1', 'Hello')", "alice");
  S().Sql("INSERT INTO app.tokens VALUES ('k1', 'Hi'), ('k1', ' there')", "alice");
  auto rows = JsonDoc(S().Sql("SELECT c.title, m.model, string_agg(t.chunk, '' ORDER BY t._seq) FROM app.tokens t "
                              "JOIN app.convs c ON c.id = t.conv JOIN app.models m ON m.conv = t.conv "
                              "GROUP BY c.title, m.model",
                              "alice"))
                  .ArrayRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Unquote(rows[0][0]), "Hello");
  EXPECT_EQ(Unquote(rows[0][1]), "small");
  EXPECT_EQ(Unquote(rows[0][2]), "Hi there");
}

TEST_F(StreamTest, MaxBufferKeepsTheNewestRows) {
  S().Sql("CREATE STREAM TABLE app.recent (n INT) TTL 3600 MAX_BUFFER 3");
  S().Sql("INSERT INTO app.recent VALUES (1), (2)", "alice");
  S().Sql("INSERT INTO app.recent VALUES (3), (4), (5)", "alice");
  EXPECT_EQ(Scalar(S(), "SELECT string_agg(CAST(n AS TEXT), ',' ORDER BY _seq) FROM app.recent", "alice"), "3,4,5");
  // Per user: bob's buffer has its own three slots.
  S().Sql("INSERT INTO app.recent VALUES (9)", "bob");
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.recent", "bob"), "1");
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.recent", "alice"), "3");
}

TEST_F(StreamTest, RowsPastTheTtlDisappearFromReadsAndSubscriptions) {
  S().Sql("CREATE STREAM TABLE app.blink (n INT) TTL 1");
  S().Sql("CREATE STREAM TABLE app.steady (n INT) TTL 3600");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "blink", "SELECT * FROM app.blink");
  S().Sql("INSERT INTO app.blink VALUES (1)", "alice");
  S().Sql("INSERT INTO app.steady VALUES (1)", "alice");
  // The insert was live (its change arrived), then time alone hides it.
  JsonDoc change = Next(*ws);
  EXPECT_EQ(change.ChangeType(), "insert") << change.Raw();
  EXPECT_TRUE(PollUntil([&] { return Scalar(S(), "SELECT count(*) FROM app.blink", "alice") == "0"; }, 10s));
  // Initial data of a new subscription holds no expired row; expiry sent no event.
  EXPECT_TRUE(SubscribeAndLoad(*ws, "again", "SELECT * FROM app.blink", "{}").empty());
  Quiet(*ws);
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM app.steady", "alice"), "1");
}

TEST_F(StreamTest, DeliveryWithAndWithoutFiltersAndDeletes) {
  S().Sql("CREATE STREAM TABLE app.chat_tokens (conv TEXT, chunk TEXT) TTL 3600");
  auto all = S().Connect("alice");
  auto filtered = S().Connect("alice");
  auto bob = S().Connect("bob");
  ASSERT_TRUE(all && filtered && bob);
  SubscribeAndLoad(*all, "all", "SELECT * FROM app.chat_tokens");
  SubscribeAndLoad(*filtered, "c1", "SELECT chunk FROM app.chat_tokens WHERE conv = 'c1'");
  SubscribeAndLoad(*bob, "bob", "SELECT * FROM app.chat_tokens");
  S().Sql("INSERT INTO app.chat_tokens VALUES ('c2', 'x')", "alice");
  S().Sql("EXECUTE AS USER 'alice' (INSERT INTO app.chat_tokens VALUES ('c1', 'Hel'))", "svc");
  S().Sql("EXECUTE AS USER 'alice' (INSERT INTO app.chat_tokens VALUES ('c1', 'lo'))", "svc");
  EXPECT_EQ(Next(*all).Str("/rows/0/conv"), "c2");
  JsonDoc first = Next(*all);
  JsonDoc second = Next(*all);
  EXPECT_EQ(first.Str("/rows/0/chunk"), "Hel");
  EXPECT_EQ(second.Str("/rows/0/chunk"), "lo");
  // Changes of one subscription arrive in increasing `seq`.
  EXPECT_LT(std::stoll(first.Seq()), std::stoll(second.Seq()));
  EXPECT_EQ(Next(*filtered).Str("/rows/0/chunk"), "Hel");
  JsonDoc lo = Next(*filtered);
  EXPECT_EQ(lo.Str("/rows/0/chunk"), "lo");
  EXPECT_FALSE(lo.Has("/rows/0/conv"));  // projected
  Quiet(*bob);
  // A physical DELETE is a delete event carrying the removed row.
  S().Sql("DELETE FROM app.chat_tokens WHERE conv = 'c2'", "alice");
  JsonDoc removed = Next(*all);
  EXPECT_EQ(removed.ChangeType(), "delete") << removed.Raw();
  EXPECT_EQ(removed.Str("/old_values/0/conv"), "c2");
  Quiet(*filtered);
  // system.live lists the subscriptions.
  EXPECT_EQ(Scalar(S(), "SELECT count(*) FROM system.live WHERE table_name = 'chat_tokens'"), "3");
}

TEST_F(StreamTest, InitialDataHonoursLastRowsAndFrom) {
  S().Sql("CREATE STREAM TABLE app.answer (n INT) TTL 3600");
  S().Sql("INSERT INTO app.answer VALUES (1)", "alice");
  std::string checkpoint;
  {
    auto ws = S().Connect("alice");
    ASSERT_TRUE(ws);
    auto first = SubscribeAndLoad(*ws, "first", "SELECT * FROM app.answer", "{}", &checkpoint);
    ASSERT_EQ(first.size(), 1u);
  }
  S().Sql("INSERT INTO app.answer VALUES (2), (3)", "alice");
  // A client that saw everything up to `checkpoint` resumes without gaps or repeats.
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  auto resumed = SubscribeAndLoad(*ws, "resume", "SELECT * FROM app.answer", R"({"from":")" + checkpoint + "\"}");
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[0]["n"], "2");
  EXPECT_EQ(resumed[1]["n"], "3");
  auto other = S().Connect("alice");
  ASSERT_TRUE(other);
  auto last = SubscribeAndLoad(*other, "last", "SELECT * FROM app.answer", R"({"last_rows":1})");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0]["n"], "3");
}

// Its own server: the memory figures must not move with other tests' rows.
TEST(StreamMemoryTest, DropsAndEvictionJobsReturnMemoryToItsBaseline) {
  auto server = StartServer();
  ASSERT_TRUE(server->started());
  LiveServer& s = *server;
  EXPECT_EQ(Metric(s, "stream_buffered_bytes"), 0);
  EXPECT_EQ(Metric(s, "stream_max_total_bytes"), 268435456);
  // DROP TABLE and DROP USER free their buffers at once.
  s.CreateUser("carol");
  s.Sql("CREATE STREAM TABLE app.kept (body TEXT) TTL 3600");
  s.Sql("INSERT INTO app.kept VALUES ('a'), ('b')", "carol");
  s.Sql("INSERT INTO app.kept VALUES ('c')", "alice");
  auto buffered = [&] { return Unquote(JsonDoc(s.Sql("SHOW STATS FOR TABLE app.kept")).ArrayRows()[0][4]); };
  EXPECT_EQ(buffered(), "3");
  s.Sql("DROP USER carol");
  EXPECT_EQ(buffered(), "1");
  EXPECT_EQ(Metric(s, "stream_buffered_rows"), 1);
  s.Sql("DROP TABLE app.kept");
  EXPECT_EQ(Metric(s, "stream_buffered_rows"), 0);
  EXPECT_EQ(Metric(s, "stream_buffered_bytes"), 0);
  s.Sql("CREATE STREAM TABLE app.typing (conv TEXT, who TEXT) TTL 1");
  for (const char* user : {"alice", "bob"}) {
    s.Sql("INSERT INTO app.typing VALUES ('c1', 'someone'), ('c2', 'someone else')", user);
  }
  EXPECT_GT(Metric(s, "stream_buffered_bytes"), 0);
  // Nobody writes again: only the stream_eviction job can free the rows.
  EXPECT_TRUE(PollUntil([&] { return Metric(s, "stream_buffered_bytes") == 0; }, 20s));
  EXPECT_EQ(Metric(s, "stream_buffered_rows"), 0);
  // The job that freed them: an SE- id, its count in the message.
  const auto jobs = JsonDoc(s.Sql("SELECT job_id, message FROM system.jobs WHERE job_type = 'stream_eviction' "
                                  "AND status = 'completed' AND message NOT LIKE 'Evicted 0 %'"))
                        .ArrayRows();
  ASSERT_FALSE(jobs.empty());
  EXPECT_THAT(Unquote(jobs[0][0]), ::testing::StartsWith("SE-"));
  EXPECT_THAT(jobs[0][1], HasSubstr("expired row(s)"));
}

TEST(StreamMemoryTest, TheGlobalLimitRefusesWritesWithoutTouchingOtherUsers) {
  auto server = StartServer({{"KALAMDB_STREAM_MAX_TOTAL_BYTES", "1048576"}});
  ASSERT_TRUE(server->started());
  LiveServer& s = *server;
  s.Sql("CREATE STREAM TABLE app.big (body TEXT) TTL 3600 MAX_BUFFER 100000");
  s.Sql("INSERT INTO app.big VALUES ('bob was here')", "bob");
  std::string values;
  for (int i = 0; i < 100; ++i) values += std::string(i ? "," : "") + "('" + std::string(1000, 'x') + "')";
  HttpResult refused;
  for (int i = 0; i < 20; ++i) {
    refused = s.SqlResult("INSERT INTO app.big VALUES " + values, "alice");
    if (refused.status != 200) break;
  }
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_THAT(ErrorMessage(refused), HasSubstr("stream.max_total_bytes"));
  EXPECT_LE(Metric(s, "stream_buffered_bytes"), 1048576);
  // Whole statements only, and nobody else's rows were dropped to make room.
  EXPECT_EQ(std::stoll(Scalar(s, "SELECT count(*) FROM app.big", "alice")) % 100, 0);
  EXPECT_EQ(Scalar(s, "SELECT body FROM app.big", "bob"), "bob was here");
  // Room again once rows go.
  s.Sql("DELETE FROM app.big", "alice");
  s.Sql("INSERT INTO app.big VALUES " + values, "alice");
}

TEST(StreamRestartTest, ARestartEmptiesTheBuffersButKeepsTheDefinitions) {
  auto server = StartServer();
  ASSERT_TRUE(server->started());
  LiveServer& s = *server;
  s.Sql("CREATE STREAM TABLE app.presence (who TEXT) TTL 3600 MAX_BUFFER 7");
  s.Sql("INSERT INTO app.presence VALUES ('alice')", "alice");
  ASSERT_TRUE(s.Restart()) << s.process().output();
  EXPECT_EQ(Scalar(s, "SELECT count(*) FROM app.presence", "alice"), "0");
  EXPECT_EQ(Scalar(s, "SELECT table_type FROM system.tables WHERE table_name = 'presence'"), "stream");
  EXPECT_THAT(s.Sql("SELECT options FROM system.tables WHERE table_name = 'presence'"), HasSubstr("max_buffer"));
  s.Sql("INSERT INTO app.presence VALUES ('alice again')", "alice");
  EXPECT_EQ(Scalar(s, "SELECT who FROM app.presence", "alice"), "alice again");
}

}  // namespace
}  // namespace kalam::testing
