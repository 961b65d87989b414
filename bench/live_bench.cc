// Embedded live-query benchmarks (no sockets; a connection that only counts what it is sent):
//   BM_Subscribe           subscribe + unsubscribe of `SELECT * FROM app.msgs WHERE ...`
//   BM_HeapPerSubscription 100,000 idle subscriptions on 1,000 connections; reports the
//                          allocator's live bytes per subscription (mallinfo2), which is what
//                          the subscription costs apart from allocator fragmentation
//   BM_InsertBesideFanOut  an INSERT into one table while another thread's inserts fan out to
//                          10,000 subscribers of a SHARED table
//   BM_NotifyOneOfManyUsers one INSERT by user u0 with 0, 1 or 10,000 users subscribed (one
//                          subscription each): the write path's cost of live queries
// Run: build/release/bench/bench_live_embedded [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <thread>

#include "bench_db.h"
#include "kalam/live/live_query_manager.h"

namespace {

using kalam::Role;
using kalam::UserId;
using kalam::bench::BenchDb;
using kalam::live::LiveConnection;
using kalam::live::LiveQueryManager;
using kalam::live::SubscribeRequest;

class CountingConnection final : public LiveConnection {
 public:
  bool Send(std::string message) override {
    bytes += message.size();
    messages.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  bool SendReply(std::string message) override { return Send(std::move(message)); }
  void Close(uint16_t, std::string) override {}
  std::atomic<uint64_t> messages{0};
  uint64_t bytes = 0;
};

struct LiveDb {
  BenchDb db{"live"};
  LiveQueryManager live{*db.engine, kalam::live::LiveLimits{0, 0, 100000}};
  LiveDb() {
    db.engine->live_queries().SetLiveQueries(&live, &live);
    db.Must("CREATE USER TABLE app.msgs (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), body TEXT, n INT)");
  }
  ~LiveDb() { db.engine->live_queries().SetLiveQueries(nullptr, nullptr); }
};

SubscribeRequest Request(const std::string& id, const std::string& sql) {
  SubscribeRequest r;
  r.id = id;
  r.sql = sql;
  return r;
}

void BM_Subscribe(benchmark::State& state) {
  LiveDb ldb;
  auto conn = std::make_shared<CountingConnection>();
  auto session = ldb.live.Attach(conn, "c1", UserId("alice"), Role::kUser);
  const auto request = Request("s", "SELECT id, body FROM app.msgs WHERE n > 5 AND body LIKE 'a%'");
  for (auto _ : state) {
    ldb.live.Subscribe(*session, request);
    ldb.live.Unsubscribe(*session, "s");
  }
  state.SetItemsProcessed(state.iterations());
  ldb.live.Detach(*session);
}
BENCHMARK(BM_Subscribe)->Unit(benchmark::kMicrosecond);

void BM_HeapPerSubscription(benchmark::State& state) {
  constexpr int kConnections = 1000;
  constexpr int kPerConnection = 100;
  for (auto _ : state) {
    LiveDb ldb;
    std::vector<std::shared_ptr<CountingConnection>> conns;
    std::vector<std::shared_ptr<kalam::live::LiveSession>> sessions;
    for (int c = 0; c < kConnections; ++c) {
      conns.push_back(std::make_shared<CountingConnection>());
      sessions.push_back(
          ldb.live.Attach(conns.back(), "c" + std::to_string(c), UserId("u" + std::to_string(c)), Role::kUser));
    }
    malloc_trim(0);
    const size_t before = mallinfo2().uordblks;
    for (int c = 0; c < kConnections; ++c) {
      for (int i = 0; i < kPerConnection; ++i) {
        ldb.live.Subscribe(*sessions[c], Request("i" + std::to_string(i), "SELECT * FROM app.msgs"));
      }
    }
    const size_t after = mallinfo2().uordblks;
    state.counters["heap_bytes_per_sub"] =
        static_cast<double>(after - before) / static_cast<double>(kConnections * kPerConnection);
    for (auto& s : sessions) ldb.live.Detach(*s);
  }
}
BENCHMARK(BM_HeapPerSubscription)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_NotifyOneOfManyUsers(benchmark::State& state) {
  LiveDb ldb;
  const int users = static_cast<int>(state.range(0));
  std::vector<std::shared_ptr<CountingConnection>> conns;
  std::vector<std::shared_ptr<kalam::live::LiveSession>> sessions;
  for (int u = 0; u < users; ++u) {
    conns.push_back(std::make_shared<CountingConnection>());
    sessions.push_back(
        ldb.live.Attach(conns.back(), "c" + std::to_string(u), UserId("u" + std::to_string(u)), Role::kUser));
    ldb.live.Subscribe(*sessions.back(), Request("s", "SELECT * FROM app.msgs WHERE n >= 0"));
  }
  auto writer = ldb.db.engine->CreateSession(UserId("u0"), Role::kUser);
  const std::string sql = "INSERT INTO app.msgs (body, n) VALUES ('hello', 1)";
  for (auto _ : state) ldb.db.Must(sql, writer.get());
  ldb.live.WaitForDeliveries();
  state.SetItemsProcessed(state.iterations());
  if (!conns.empty()) state.counters["delivered"] = static_cast<double>(conns[0]->messages.load());
  for (auto& s : sessions) ldb.live.Detach(*s);
}
BENCHMARK(BM_NotifyOneOfManyUsers)->Arg(0)->Arg(1)->Arg(10000)->Unit(benchmark::kMicrosecond);

// While another thread keeps inserting into a SHARED table watched by 10,000 subscriptions
// (each insert fans out 10,000 messages), the time of an INSERT into another table: fan-out
// runs after the commit lock is released, so it should stay near BM_NotifyOneOfManyUsers/0.
void BM_InsertBesideFanOut(benchmark::State& state) {
  LiveDb ldb;
  ldb.db.Must("CREATE SHARED TABLE app.news (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), title TEXT) "
           "WITH (ACCESS_LEVEL = 'PUBLIC')");
  auto conn = std::make_shared<CountingConnection>();
  std::vector<std::shared_ptr<kalam::live::LiveSession>> sessions;
  for (int c = 0; c < 100; ++c) {
    sessions.push_back(ldb.live.Attach(conn, "c" + std::to_string(c), UserId("u" + std::to_string(c)), Role::kUser));
    for (int i = 0; i < 100; ++i) {
      ldb.live.Subscribe(*sessions.back(), Request("n" + std::to_string(i), "SELECT * FROM app.news"));
    }
  }
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    auto svc = ldb.db.engine->CreateSession(UserId("svc"), Role::kService);
    while (!stop.load()) ldb.db.Must("INSERT INTO app.news (title) VALUES ('breaking')", svc.get());
  });
  auto writer = ldb.db.engine->CreateSession(UserId("u0"), Role::kUser);
  for (auto _ : state) ldb.db.Must("INSERT INTO app.msgs (body, n) VALUES ('hello', 1)", writer.get());
  stop.store(true);
  publisher.join();
  state.SetItemsProcessed(state.iterations());
  state.counters["fanout_msgs"] = static_cast<double>(conn->messages.load());
  for (auto& s : sessions) ldb.live.Detach(*s);
}
BENCHMARK(BM_InsertBesideFanOut)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
