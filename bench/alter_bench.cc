// ALTER TABLE ADD COLUMN on a large table (issue 12): the ALTER's time, which must not depend
// on the row count (no row or segment is rewritten), and the time of the first reads after
// it, which project every older row onto the new schema.
//   bench_alter [users] [rows_per_user] [flush]
// defaults 10000 users x 100 rows (1M rows in a USER table, plus the same 1M rows in one
// SHARED table); flush=1 moves every row to Parquet before the ALTER (one segment per user).
// Prints one line per measurement; a one-shot timing, not a Google Benchmark loop, because the
// first read after an ALTER happens once.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_db.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Values(int rows, int offset) {
  std::string values;
  for (int i = 0; i < rows; ++i) {
    values += std::string(i ? ", " : "") + "(" + std::to_string(offset + i) + ", 'message body number " +
              std::to_string(offset + i) + "')";
  }
  return values;
}

template <typename F>
double Time(F&& f) {
  const auto start = Clock::now();
  f();
  return MsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int users = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int per_user = argc > 2 ? std::atoi(argv[2]) : 100;
  const bool flush = argc > 3 && std::atoi(argv[3]) != 0;
  kalam::bench::BenchDb db("alter");
  db.Must("CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT) FLUSH ROW_THRESHOLD 999999");
  db.Must("CREATE SHARED TABLE app.log (id BIGINT PRIMARY KEY, body TEXT) FLUSH ROW_THRESHOLD 999999");
  db.Must("CREATE USER TABLE app.tiny (id BIGINT PRIMARY KEY, body TEXT)");
  db.Must("INSERT INTO app.tiny VALUES (1, 'one')");
  const auto load_start = Clock::now();
  for (int u = 0; u < users; ++u) {
    auto s = db.engine->CreateSession(kalam::UserId("u" + std::to_string(u)), kalam::Role::kUser);
    db.Must("INSERT INTO app.messages VALUES " + Values(per_user, 0), s.get());
    db.Must("INSERT INTO app.log VALUES " + Values(per_user, u * per_user));
  }
  if (flush) {
    db.Must("FLUSH TABLE app.messages");
    db.Must("FLUSH TABLE app.log");
  }
  std::printf("setup: %d users x %d rows (x2 tables), %s, %.0f ms\n", users, per_user, flush ? "flushed" : "hot",
              MsSince(load_start));

  auto u0 = db.engine->CreateSession(kalam::UserId("u0"), kalam::Role::kUser);
  const std::string user_read = "SELECT id, body FROM app.messages ORDER BY _seq DESC LIMIT 50";
  const std::string user_read_new = "SELECT id, body, tokens FROM app.messages ORDER BY _seq DESC LIMIT 50";
  const std::string scan = "SELECT count(*), sum(length(body)) FROM app.log";
  const std::string scan_new = "SELECT count(*), sum(length(body)), sum(tokens) FROM app.log";
  std::printf("before: user read %.2f ms, full scan of app.log %.1f ms\n", Time([&] { db.Must(user_read, u0.get()); }),
              Time([&] { db.Must(scan); }));

  std::printf("ALTER TABLE app.tiny (1 row) ADD COLUMN: %.2f ms\n",
              Time([&] { db.Must("ALTER TABLE app.tiny ADD COLUMN tokens INT DEFAULT 0"); }));
  std::printf("ALTER TABLE app.messages (%d rows) ADD COLUMN: %.2f ms\n", users * per_user,
              Time([&] { db.Must("ALTER TABLE app.messages ADD COLUMN tokens INT DEFAULT 0"); }));
  std::printf("ALTER TABLE app.log (%d rows) ADD COLUMN: %.2f ms\n", users * per_user,
              Time([&] { db.Must("ALTER TABLE app.log ADD COLUMN tokens INT DEFAULT 0"); }));
  std::printf("after: first user read %.2f ms, second %.2f ms\n", Time([&] { db.Must(user_read_new, u0.get()); }),
              Time([&] { db.Must(user_read_new, u0.get()); }));
  std::printf("after: first full scan of app.log %.1f ms, second %.1f ms\n", Time([&] { db.Must(scan_new); }),
              Time([&] { db.Must(scan_new); }));
  return 0;
}
