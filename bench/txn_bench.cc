// A 10-INSERT transaction vs 10 separate requests vs one 10-statement request without a
// transaction, over HTTP against a running kalamdb-server (issue 12). One keep-alive
// connection; the three shapes alternate round by round so that machine noise hits them alike.
// Prints, per shape, the median and p99 time to get 10 rows written and acknowledged, and
// checks afterwards that the table holds exactly the rows acknowledged.
//
// Usage: bench_txn --port P [--host 127.0.0.1] [--user root --password PW] [--rounds 300]
// Start the server with KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0: the separate requests go
// faster than the default per-user rate.
// Exit status: 0 ok; 1 setup or a request failed, or the row count is off; 64 usage.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "http_client.h"
#include "load_tool_util.h"

namespace {

using kalam::bench::BasicAuthorization;
using kalam::bench::Connection;
using kalam::bench::Percentile;
using kalam::bench::RequestBuilder;
using Clock = std::chrono::steady_clock;

constexpr int kRowsPerRound = 10;

std::string Insert(int64_t id) {
  return "INSERT INTO bench.txn (id, role, body) VALUES (" + std::to_string(id) +
         ", 'user', 'a message body of some forty characters....')";
}

bool Ok(Connection& conn, const RequestBuilder& builder, const std::string& sql, std::string* body = nullptr) {
  const auto r = conn.RoundTrip(builder.Sql(sql));
  if (r.status != 200) {
    fprintf(stderr, "bench_txn: %s\n  -> HTTP %d %s\n", sql.substr(0, 200).c_str(), r.status, r.body.c_str());
    return false;
  }
  if (body) *body = r.body;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user = "root";
  std::string password = "kalamdb123";
  int rounds = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const std::string value = argv[i + 1];
    if (arg == "--host")
      host = value;
    else if (arg == "--port")
      port = std::atoi(value.c_str());
    else if (arg == "--user")
      user = value;
    else if (arg == "--password")
      password = value;
    else if (arg == "--rounds")
      rounds = std::atoi(value.c_str());
    else {
      fprintf(stderr, "bench_txn: unknown option %s\n", arg.c_str());
      return 64;
    }
  }
  if (port <= 0 || rounds <= 0) {
    fprintf(stderr, "usage: bench_txn --port P [--host H] [--user U --password PW] [--rounds N]\n");
    return 64;
  }
  const RequestBuilder builder(host, port, BasicAuthorization(user, password));
  Connection conn(host, port);
  if (!Ok(conn, builder, "CREATE NAMESPACE IF NOT EXISTS bench") ||
      !Ok(conn, builder, "DROP TABLE IF EXISTS bench.txn") ||
      !Ok(conn, builder, "CREATE USER TABLE bench.txn (id BIGINT PRIMARY KEY, role TEXT, body TEXT)")) {
    return 1;
  }
  enum Shape { kSeparate, kTransaction, kBatch, kShapes };
  const char* names[kShapes] = {"10 separate requests", "1 request: BEGIN; 10 INSERT; COMMIT",
                                "1 request: 10 INSERT (no transaction)"};
  std::vector<int64_t> micros[kShapes];
  int64_t next_id = 1;
  for (int round = -20; round < rounds; ++round) {  // 20 warm-up rounds, not recorded
    for (int shape = 0; shape < kShapes; ++shape) {
      const auto start = Clock::now();
      if (shape == kSeparate) {
        for (int k = 0; k < kRowsPerRound; ++k) {
          if (!Ok(conn, builder, Insert(next_id++))) return 1;
        }
      } else {
        std::string sql = shape == kTransaction ? "BEGIN; " : "";
        for (int k = 0; k < kRowsPerRound; ++k) sql += Insert(next_id++) + "; ";
        if (shape == kTransaction) sql += "COMMIT";
        if (!Ok(conn, builder, sql)) return 1;
      }
      const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
      if (round >= 0) micros[shape].push_back(took);
    }
  }
  printf("%d rounds of %d rows each, one connection\n", rounds, kRowsPerRound);
  printf("%-40s %12s %12s %14s\n", "shape", "p50 (us)", "p99 (us)", "p50 per row");
  for (int shape = 0; shape < kShapes; ++shape) {
    std::sort(micros[shape].begin(), micros[shape].end());
    const auto p50 = Percentile(micros[shape], 50);
    printf("%-40s %12lld %12lld %14.1f\n", names[shape], static_cast<long long>(p50),
           static_cast<long long>(Percentile(micros[shape], 99)), static_cast<double>(p50) / kRowsPerRound);
  }
  std::string body;
  if (!Ok(conn, builder, "SELECT count(*) FROM bench.txn", &body)) return 1;
  const std::string expected = "[[\"" + std::to_string(next_id - 1) + "\"]]";
  if (body.find(expected) == std::string::npos) {
    fprintf(stderr, "bench_txn: row count is off: expected %lld rows, got %s\n", static_cast<long long>(next_id - 1),
            body.c_str());
    return 1;
  }
  printf("rows check: %lld rows, as acknowledged\n", static_cast<long long>(next_id - 1));
  return 0;
}
