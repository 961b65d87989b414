// Cold-tier benchmarks (embedded engine, flushes inline):
//   BM_LastMessagesMostlyFlushed/U  "last 50 messages of a user", U users x 1000 messages,
//                                   90% of each user's rows flushed to Parquet
//   BM_SharedSegmentsCountFilter    COUNT(*) with a filter over 20 segments x 10,000 rows; also
//                                   times raw DuckDB (read_parquet over the same files, same
//                                   filter) in the same run and reports the ratio (issue 11 C1)
//   BM_FlushThroughput              rows/s moved from the hot tier to Parquet
// Run: build/release/bench/bench_cold [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "bench_db.h"
#include "duckdb.hpp"

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

constexpr const char* kCountFilter = "count(*) FROM app.events WHERE kind = 'k3' AND amount > 50";

// The segment files the engine wrote for the benchmark's table, found on disk (the layout is
// the engine's business: the walk only picks up what it wrote).
std::vector<std::string> SegmentFiles(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".parquet") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

int64_t EngineCount(BenchDb& db) {
  auto outcome = db.engine->Execute(*db.root, std::string("SELECT ") + kCountFilter);
  if (!outcome.ok()) std::abort();
  return outcome.results.back().rows->GetRows().GetValue(0, 0).GetValue<int64_t>();
}

// Wall-clock and process CPU milliseconds of one run of `f`. CPU time counts every thread
// (DuckDB's included) and is what to compare on a busy machine, where wall time also counts
// waiting for a core.
struct Timing {
  double wall_ms = 0;
  double cpu_ms = 0;
};
template <typename F>
Timing Time(F&& f) {
  timespec cpu0{}, cpu1{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
  const auto wall0 = std::chrono::steady_clock::now();
  f();
  const auto wall1 = std::chrono::steady_clock::now();
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
  return {std::chrono::duration<double, std::milli>(wall1 - wall0).count(),
          (cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6};
}
Timing Median(std::vector<Timing> runs) {
  Timing out;
  std::sort(runs.begin(), runs.end(), [](const Timing& a, const Timing& b) { return a.wall_ms < b.wall_ms; });
  out.wall_ms = runs[runs.size() / 2].wall_ms;
  std::sort(runs.begin(), runs.end(), [](const Timing& a, const Timing& b) { return a.cpu_ms < b.cpu_ms; });
  out.cpu_ms = runs[runs.size() / 2].cpu_ms;
  return out;
}

// Raw DuckDB over the same files with the same filter: the C1 yardstick. `threads` as
// DuckDB's own setting (0: its default, one per core).
struct RawDuckDb {
  duckdb::DuckDB db;
  duckdb::Connection con;
  std::string sql;
  RawDuckDb(const std::vector<std::string>& files, int threads) : db(nullptr), con(db) {
    if (threads > 0) con.Query("SET threads = " + std::to_string(threads));
    sql = "SELECT count(*) FROM read_parquet([";
    for (size_t i = 0; i < files.size(); ++i) sql += (i ? ", '" : "'") + files[i] + "'";
    sql += "]) WHERE kind = 'k3' AND amount > 50";
  }
  int64_t Count() {
    auto result = con.Query(sql);
    if (result->HasError()) {
      std::fprintf(stderr, "%s -> %s\n", sql.c_str(), result->GetError().c_str());
      std::abort();
    }
    return result->GetValue(0, 0).GetValue<int64_t>();
  }
  std::vector<Timing> Runs(int n) {
    std::vector<Timing> runs;
    for (int i = 0; i < n; ++i) runs.push_back(Time([&] { benchmark::DoNotOptimize(Count()); }));
    return runs;
  }
};

// Adds the medians of raw runs before and after the measured loop (a machine that got busier
// meanwhile shows as a spread rather than a skewed ratio).
Timing RawMedian(RawDuckDb& raw, std::vector<Timing> before) {
  auto after = raw.Runs(static_cast<int>(before.size()));
  before.insert(before.end(), after.begin(), after.end());
  return Median(std::move(before));
}

// Arg: the engine's query_threads (0 = one per CPU, the default).
void BM_SharedSegmentsCountFilter(benchmark::State& state) {
  BenchDb db("segments", static_cast<uint32_t>(state.range(0)));
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
  const std::vector<std::string> files = SegmentFiles(db.dir);
  RawDuckDb raw1(files, 1), raw_default(files, 0);
  const int64_t want = raw1.Count();
  if (files.size() != 20 || EngineCount(db) != want || raw_default.Count() != want) {
    std::fprintf(stderr, "C1: %zu files; engine and raw DuckDB counts differ\n", files.size());
    std::abort();
  }
  auto raw1_before = raw1.Runs(51);
  auto raw_default_before = raw_default.Runs(51);
  std::vector<Timing> ours;
  for (auto _ : state) ours.push_back(Time([&] { db.Must(std::string("SELECT ") + kCountFilter); }));
  const Timing mine = Median(ours);
  const Timing r1 = RawMedian(raw1, std::move(raw1_before));
  const Timing rd = RawMedian(raw_default, std::move(raw_default_before));
  state.SetItemsProcessed(state.iterations() * 200000);
  state.counters["ms"] = mine.wall_ms;
  state.counters["cpu_ms"] = mine.cpu_ms;
  state.counters["raw1_ms"] = r1.wall_ms;
  state.counters["raw1_cpu_ms"] = r1.cpu_ms;
  state.counters["rawN_ms"] = rd.wall_ms;
  state.counters["rawN_cpu_ms"] = rd.cpu_ms;
  state.counters["ratio1"] = mine.wall_ms / r1.wall_ms;
  state.counters["ratio1_cpu"] = mine.cpu_ms / r1.cpu_ms;
  state.counters["ratioN"] = mine.wall_ms / rd.wall_ms;
}
BENCHMARK(BM_SharedSegmentsCountFilter)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);

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
