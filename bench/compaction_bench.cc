// Compaction benchmarks (embedded engine; flushes and compactions run inline). One user of a
// USER chat table with 100 Parquet segments of 100 messages each (a flush per 100 messages),
// every tenth message edited in a later segment, read as a scan reads it, before and after
// STORAGE COMPACT merged the segments into one:
//   BM_CountOverSegments/C       SELECT COUNT(*) of the user's messages; C = 0 before, 1 after
//   BM_Last50OverSegments/C      the last 50 messages (ORDER BY _seq DESC LIMIT 50)
//   BM_CompactScope              the one compaction of the 100 segments, between the two
// Run: build/release/bench/bench_compaction [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include "bench_db.h"

namespace {

using kalam::Role;
using kalam::UserId;
using kalam::bench::BenchDb;

constexpr int kSegments = 100;
constexpr int kRowsPerSegment = 100;

// The user's history: 100 flushes, each of 100 new messages plus edits of 10 older ones.
std::unique_ptr<BenchDb> HundredSegments(const std::string& name, std::unique_ptr<kalam::core::Session>* alice) {
  auto db = std::make_unique<BenchDb>(name);
  db->Must(
      "CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, conversation_id TEXT, role TEXT, body TEXT) "
      "FLUSH ROW_THRESHOLD 999999");
  *alice = db->engine->CreateSession(UserId("alice"), Role::kUser);
  for (int s = 0; s < kSegments; ++s) {
    std::string values;
    for (int i = 0; i < kRowsPerSegment; ++i) {
      const int id = s * kRowsPerSegment + i;
      values += std::string(i ? ", " : "") + "(" + std::to_string(id) + ", 'c" + std::to_string(id % 5) +
                "', 'user', 'message body number " + std::to_string(id) + " with some text')";
    }
    db->Must("INSERT INTO app.messages VALUES " + values, alice->get());
    // Edits by primary key (a lookup, not a scan of the growing history).
    for (int i = 0; s > 0 && i < kRowsPerSegment; i += 10) {
      db->Must("UPDATE app.messages SET body = 'edited' WHERE id = " + std::to_string((s - 1) * kRowsPerSegment + i),
               alice->get());
    }
    db->Must("FLUSH TABLE app.messages");
  }
  return db;
}

// One history for every benchmark (building it takes 100 flushes): the reads before run on
// the 100 segments, BM_CompactScope compacts them once, the reads after run on the result.
// Registered in that order; Google Benchmark runs them in registration order.
struct Shared {
  std::unique_ptr<BenchDb> db;
  std::unique_ptr<kalam::core::Session> alice;  // closed before the engine
  bool compacted = false;
};
Shared& History() {
  // Destroyed at exit, which removes the temporary data directory.
  static const std::unique_ptr<Shared> shared = [] {
    auto s = std::make_unique<Shared>();
    s->db = HundredSegments("compaction", &s->alice);
    return s;
  }();
  return *shared;
}

void Read(benchmark::State& state, const std::string& sql) {
  Shared& h = History();
  const bool want_compacted = state.range(0) == 1;
  if (want_compacted != h.compacted) {
    state.SkipWithError("run the benchmarks in registration order");
    return;
  }
  for (auto _ : state) h.db->Must(sql, h.alice.get());
  state.SetLabel(h.compacted ? "1 segment (compacted)" : "100 segments");
}

void BM_CountOverSegments(benchmark::State& state) { Read(state, "SELECT COUNT(*) FROM app.messages"); }
void BM_Last50OverSegments(benchmark::State& state) {
  Read(state, "SELECT id, body FROM app.messages ORDER BY _seq DESC LIMIT 50");
}

void BM_CompactScope(benchmark::State& state) {
  Shared& h = History();
  for (auto _ : state) h.db->Must("STORAGE COMPACT TABLE app.messages");
  h.compacted = true;
}

BENCHMARK(BM_CountOverSegments)->Arg(0)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_Last50OverSegments)->Arg(0)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_CompactScope)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_CountOverSegments)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(BM_Last50OverSegments)->Arg(1)->Unit(benchmark::kMicrosecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
