// Loads a chat history into a running kalamdb-server over HTTP and reports the server's
// resident memory afterwards (the "Memory" figure of bench/README.md): --users users, each with
// --rows-per-user messages in the USER table --table, written as multi-row INSERTs of --batch rows
// run as that user (EXECUTE AS USER) by --clients connections in parallel. Users are created
// WITH INTERNAL (no password hashing). Prints the load rate and the server's RSS (VmRSS of
// /proc/PID/status) before and after, and checks count(*) of one user.
//
// Usage: bench_bulk_load --port P --server-pid PID [--user root --password PW] [--users 10000]
//                        [--rows-per-user 1000] [--batch 1000] [--clients 2] [--body-bytes 200]
//                        [--table bench.history]
// Exit status: 0 ok; 1 a request failed or the check failed; 64 usage.
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_client.h"
#include "load_tool_util.h"

namespace {

using kalam::bench::BasicAuthorization;
using kalam::bench::Connection;
using kalam::bench::RequestBuilder;
using kalam::bench::Response;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int server_pid = 0;
  std::string user = "root";
  std::string password = "kalamdb123";
  int users = 10000;
  int rows_per_user = 1000;
  int batch = 1000;
  int clients = 2;
  int body_bytes = 200;
  std::string table = "bench.history";
};

[[noreturn]] void Usage(const char* message) {
  if (message) fprintf(stderr, "bench_bulk_load: %s\n", message);
  fprintf(stderr,
          "usage: bench_bulk_load --port P --server-pid PID [--host H] [--user U] [--password PW]\n"
          "                       [--users N] [--rows-per-user M] [--batch B] [--clients C]\n"
          "                       [--body-bytes B] [--table NS.T]\n");
  exit(64);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(("missing value for " + std::string(arg)).c_str());
      return argv[++i];
    };
    if (arg == "--host")
      o.host = value();
    else if (arg == "--port")
      o.port = std::atoi(value().c_str());
    else if (arg == "--server-pid")
      o.server_pid = std::atoi(value().c_str());
    else if (arg == "--user")
      o.user = value();
    else if (arg == "--password")
      o.password = value();
    else if (arg == "--users")
      o.users = std::atoi(value().c_str());
    else if (arg == "--rows-per-user")
      o.rows_per_user = std::atoi(value().c_str());
    else if (arg == "--batch")
      o.batch = std::atoi(value().c_str());
    else if (arg == "--clients")
      o.clients = std::atoi(value().c_str());
    else if (arg == "--body-bytes")
      o.body_bytes = std::atoi(value().c_str());
    else if (arg == "--table")
      o.table = value();
    else if (arg == "--help" || arg == "-h")
      Usage(nullptr);
    else
      Usage(("unknown option " + std::string(arg)).c_str());
  }
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  if (o.server_pid <= 0) Usage("--server-pid is required");
  if (o.users < 1 || o.rows_per_user < 1 || o.batch < 1 || o.clients < 1 || o.body_bytes < 1) {
    Usage("--users, --rows-per-user, --batch, --clients and --body-bytes must be >= 1");
  }
  if (o.table.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") != std::string::npos ||
      o.table.find('.') == std::string::npos) {
    Usage("--table must be ns.table in lower case");
  }
  return o;
}

void PrintMemory(const char* when, int pid) {
  const auto rss = kalam::bench::ProcessRssBytes(pid);
  printf("   server RSS %s: %.1f MiB\n", when, rss ? *rss / 1048576.0 : -1.0);
}

bool Must(Connection& conn, const RequestBuilder& builder, const std::string& sql, std::string* body = nullptr) {
  const Response r = conn.RoundTrip(builder.Sql(sql));
  if (r.status != 200) {
    fprintf(stderr, "bench_bulk_load: %s\n  -> HTTP %d %s\n", sql.substr(0, 200).c_str(), r.status,
            r.body.substr(0, 2000).c_str());
    return false;
  }
  if (body) *body = r.body;
  return true;
}

std::string UserName(int u) { return "load" + std::to_string(u); }

// Creates the users u = first, first + step, ... and writes their messages.
bool LoadUsers(const Options& o, const RequestBuilder& builder, int first, int step, std::atomic<bool>& failed) {
  Connection conn(o.host, o.port);
  std::mt19937 rng(1234 + static_cast<uint32_t>(first));
  static constexpr char kWords[] = "abcdefghijklmnopqrstuvwxyz      ";
  std::string body(static_cast<size_t>(o.body_bytes), ' ');
  for (int u = first; u < o.users && !failed.load(); u += step) {
    const std::string name = UserName(u);
    if (!Must(conn, builder, "CREATE USER IF NOT EXISTS '" + name + "' WITH INTERNAL ROLE user")) return false;
    for (int done = 0; done < o.rows_per_user;) {
      const int n = std::min(o.batch, o.rows_per_user - done);
      std::string sql =
          "EXECUTE AS USER '" + name + "' (INSERT INTO " + o.table + " (conversation_id, role, body) VALUES ";
      for (int i = 0; i < n; ++i) {
        for (char& c : body) c = kWords[rng() % (sizeof kWords - 1)];
        sql += i ? ", " : "";
        sql += "('conv-" + std::to_string(rng() % 20) + "', '" + ((done + i) % 2 ? "assistant" : "user") + "', '" +
               body + "')";
      }
      sql += ")";
      if (!Must(conn, builder, sql)) return false;
      done += n;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const RequestBuilder builder(o.host, o.port, BasicAuthorization(o.user, o.password));
  {
    Connection conn(o.host, o.port);
    const std::string ns = o.table.substr(0, o.table.find('.'));
    if (!Must(conn, builder,
              "CREATE NAMESPACE IF NOT EXISTS " + ns + "; CREATE USER TABLE IF NOT EXISTS " + o.table +
                  " (id BIGINT DEFAULT SNOWFLAKE_ID(), conversation_id TEXT, role TEXT, body TEXT, "
                  "created_at TIMESTAMP DEFAULT NOW())")) {
      return 1;
    }
  }
  const int64_t total_rows = static_cast<int64_t>(o.users) * o.rows_per_user;
  printf("== bench_bulk_load users=%d rows/user=%d (%" PRId64 " rows of %d-byte bodies) batch=%d clients=%d\n", o.users,
         o.rows_per_user, total_rows, o.body_bytes, o.batch, o.clients);
  PrintMemory("before", o.server_pid);

  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      if (!LoadUsers(o, builder, c, o.clients, failed)) failed = true;
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) return 1;
  printf("   loaded in %.1f s: %.0f rows/s\n", seconds, total_rows / seconds);
  PrintMemory("after loading", o.server_pid);

  // One user's history is all there.
  Connection conn(o.host, o.port);
  std::string answer;
  if (!Must(conn, builder, "EXECUTE AS USER '" + UserName(o.users - 1) + "' (SELECT count(*) FROM " + o.table + ")",
            &answer)) {
    return 1;
  }
  const std::string expected = "\"rows\":[[\"" + std::to_string(o.rows_per_user) + "\"]]";
  const bool ok = answer.find(expected) != std::string::npos;
  printf("   check: count(*) of user %s = %d: %s\n", UserName(o.users - 1).c_str(), o.rows_per_user,
         ok ? "OK" : "MISMATCH");
  return ok ? 0 : 1;
}
