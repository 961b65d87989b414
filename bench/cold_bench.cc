// Cold-tier benchmarks (embedded engine, flushes inline):
//   BM_LastMessagesMostlyFlushed/U  "last 50 messages of a user", U users x 1000 messages,
//                                   90% of each user's rows flushed to Parquet
//   BM_SharedSegmentsCountFilter    COUNT(*) with a filter over 20 segments x 10,000 rows
//   BM_FlushThroughput              rows/s moved from the hot tier to Parquet
// Run: build/release/bench/bench_cold [--benchmark_filter=...]
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

std::string Values(int rows, int offset) {
  std::string values;
  for (int i = 0; i < rows; ++i) {
    values += std::string(i ? ", " : "") + "(" + std::to_string(offset + i) + ", 'c" + std::to_string(i % 5) +
              "', 'user', 'message body number " + std::to_string(offset + i) + " with some text')";
  }
  return values;
}

void BM_LastMessagesMostlyFlushed(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  BenchDb db("last50_" + std::to_string(users));
  db.Must("CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, conversation_id TEXT, role TEXT, body TEXT) "
          "FLUSH ROW_THRESHOLD 999999");
  for (int u = 0; u < users; ++u) {
    auto s = db.engine->CreateSession(UserId("u" + std::to_string(u)), Role::kUser);
    db.Must("INSERT INTO app.messages VALUES " + Values(900, 0), s.get());
  }
  db.Must("FLUSH TABLE app.messages");
  for (int u = 0; u < users; ++u) {
    auto s = db.engine->CreateSession(UserId("u" + std::to_string(u)), Role::kUser);
    db.Must("INSERT INTO app.messages VALUES " + Values(100, 900), s.get());
  }
  auto sessions = db.RandomUserSessions(users, 32);
  size_t i = 0;
  for (auto _ : state) {
    db.Must("SELECT id, body FROM app.messages ORDER BY _seq DESC LIMIT 50", sessions[i++ % sessions.size()].get());
  }
}
BENCHMARK(BM_LastMessagesMostlyFlushed)->Arg(100)->Arg(2000)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_SharedSegmentsCountFilter(benchmark::State& state) {
  BenchDb db("segments");
  db.Must("CREATE SHARED TABLE app.events (id BIGINT PRIMARY KEY, kind TEXT, amount INT) FLUSH ROW_THRESHOLD 999999");
  for (int s = 0; s < 20; ++s) {
    for (int b = 0; b < 10; ++b) {
      std::string values;
      for (int i = 0; i < 1000; ++i) {
        const int id = s * 10000 + b * 1000 + i;
        values += std::string(i ? ", " : "") + "(" + std::to_string(id) + ", 'k" + std::to_string(id % 7) + "', " +
                  std::to_string(id % 100) + ")";
      }
      db.Must("INSERT INTO app.events VALUES " + values);
    }
    db.Must("FLUSH TABLE app.events");
  }
  for (auto _ : state) db.Must("SELECT count(*) FROM app.events WHERE kind = 'k3' AND amount > 50");
  state.SetItemsProcessed(state.iterations() * 200000);
}
BENCHMARK(BM_SharedSegmentsCountFilter)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_FlushThroughput(benchmark::State& state) {
  BenchDb db("flush");
  db.Must("CREATE SHARED TABLE app.log (id BIGINT PRIMARY KEY, body TEXT) FLUSH ROW_THRESHOLD 999999");
  int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int b = 0; b < 50; ++b) {
      std::string values;
      for (int i = 0; i < 1000; ++i) values += std::string(i ? ", " : "") + "(" + std::to_string(next++) + ", 'row body text')";
      db.Must("INSERT INTO app.log VALUES " + values);
    }
    state.ResumeTiming();
    db.Must("FLUSH TABLE app.log");
  }
  state.SetItemsProcessed(state.iterations() * 50000);
}
BENCHMARK(BM_FlushThroughput)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
