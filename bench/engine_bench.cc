// Embedded-engine benchmarks for the foundation workloads:
//   BM_InsertSingleRow     one-row INSERT into a USER table (WAL on, no fsync)
//   BM_InsertBatch1000     one 1000-row INSERT statement
//   BM_HotScanCountMax     SELECT count(*), max(x) over 1M rows of one user
//   BM_LastRowsOfUser      "last 50 rows of a user" with 10 vs 100,000 users x 100 rows
// Run: build/release/bench/bench_engine [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench_db.h"

namespace {

using kalam::EngineConfig;
using kalam::Role;
using kalam::UserId;
using kalam::core::Engine;
using kalam::core::Session;

using kalam::bench::BenchDb;

const char* kChatTable =
    "CREATE USER TABLE app.messages (id BIGINT DEFAULT SNOWFLAKE_ID(), conversation_id TEXT, role TEXT, "
    "body TEXT, created_at TIMESTAMP DEFAULT NOW())";
const std::string kBody(200, 'x');

void BM_InsertSingleRow(benchmark::State& state) {
  BenchDb db("insert1");
  db.Must(kChatTable);
  auto alice = db.engine->CreateSession(UserId("alice"), Role::kUser);
  const std::string sql = "INSERT INTO app.messages (conversation_id, role, body) VALUES ($1, $2, $3)";
  std::vector<duckdb::Value> params = {duckdb::Value("c1"), duckdb::Value("user"), duckdb::Value(kBody)};
  for (auto _ : state) db.Must(sql, alice.get(), params);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InsertSingleRow)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_InsertSingleRowLiteral(benchmark::State& state) {
  BenchDb db("insert1lit");
  db.Must(kChatTable);
  auto alice = db.engine->CreateSession(UserId("alice"), Role::kUser);
  int64_t i = 0;
  for (auto _ : state) {
    db.Must("INSERT INTO app.messages (conversation_id, role, body) VALUES ('c" + std::to_string(i++ % 100) +
                "', 'user', '" + kBody + "')",
            alice.get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InsertSingleRowLiteral)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_InsertBatch1000(benchmark::State& state) {
  BenchDb db("insert1000");
  db.Must(kChatTable);
  auto alice = db.engine->CreateSession(UserId("alice"), Role::kUser);
  std::string sql = "INSERT INTO app.messages (conversation_id, role, body) VALUES ";
  for (int i = 0; i < 1000; ++i) sql += std::string(i ? ", " : "") + "('c" + std::to_string(i % 7) + "', 'user', '" + kBody + "')";
  for (auto _ : state) db.Must(sql, alice.get());
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_InsertBatch1000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_HotScanCountMax(benchmark::State& state) {
  BenchDb db("scan");
  db.Must("CREATE USER TABLE app.points (x BIGINT, label TEXT)");
  auto alice = db.engine->CreateSession(UserId("alice"), Role::kUser);
  const int kRows = 1'000'000;
  for (int b = 0; b < kRows / 1000; ++b) {
    std::string sql = "INSERT INTO app.points VALUES ";
    for (int i = 0; i < 1000; ++i) sql += std::string(i ? ", " : "") + "(" + std::to_string(b * 1000 + i) + ", 'p')";
    db.Must(sql, alice.get());
  }
  for (auto _ : state) db.Must("SELECT count(*), max(x) FROM app.points", alice.get());
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_HotScanCountMax)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_LastRowsOfUser(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  BenchDb db("last50_" + std::to_string(users));
  db.Must(kChatTable);
  const int kRowsPerUser = 100;
  std::string values;
  for (int i = 0; i < kRowsPerUser; ++i) values += std::string(i ? ", " : "") + "('c', 'user', 'message body')";
  for (int u = 0; u < users; ++u) {
    db.Must("EXECUTE AS USER 'root' (SELECT 1)");  // keeps the root session warm
    auto s = db.engine->CreateSession(UserId("u" + std::to_string(u)), Role::kUser);
    db.Must("INSERT INTO app.messages (conversation_id, role, body) VALUES " + values, s.get());
  }
  auto sessions = db.RandomUserSessions(users, 16);
  size_t i = 0;
  for (auto _ : state) {
    db.Must("SELECT id, body, created_at FROM app.messages ORDER BY _seq DESC LIMIT 50", sessions[i++ % sessions.size()].get());
  }
}
BENCHMARK(BM_LastRowsOfUser)->Arg(10)->Arg(100000)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
