// HTTP load generator for kalamdb-server: N client threads, one HTTP/1.1 keep-alive connection
// each, sending `POST /v1/api/sql` for a fixed time after a warm-up (BENCHMARKS.md W1 and the
// read workloads). Prints throughput, latency percentiles and the CPU the server process and the
// client spent per request; after an insert run it checks that `count(*)` grew by exactly the
// number of acknowledged inserts.
//
// Closed loop (--rate 0): each client sends its next request as soon as the previous answer
// arrived; latency = answer time - send time. Open loop (--rate R): requests are scheduled in
// advance at R per second in total, spread evenly over the clients, and latency is measured from
// the *scheduled* send time, so a stall delays every request queued behind it and shows up in the
// percentiles (no coordinated omission). The scheduled time is also embedded in the inserted row.
//
// Usage: bench_http_load --port P [--host 127.0.0.1] [--user root --password PW]
//                        [--clients 1] [--duration 10] [--warmup 2] [--rate 0]
//                        [--mode insert|select200|select] [--sql "SELECT ..."]
//                        [--table bench.messages] [--server-pid PID]
// Exit status: 0 ok; 1 setup failed, errors during the run or the row-count check failed; 64 usage.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_client.h"
#include "load_tool_util.h"

namespace {

using kalam::bench::BasicAuthorization;
using kalam::bench::Connection;
using kalam::bench::Percentile;
using kalam::bench::RequestBuilder;
using kalam::bench::Response;
using kalam::bench::ProcessCpuMicros;
using kalam::bench::SelfCpuMicros;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

enum class Mode { kInsert, kSelect200, kSelect };

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user = "root";
  std::string password = "kalamdb123";
  int clients = 1;
  double duration_s = 10;
  double warmup_s = 2;
  double rate = 0;  // requests per second over all clients; 0 = closed loop
  Mode mode = Mode::kInsert;
  std::string sql;  // --mode select: the query (default: last 20 rows)
  std::string table = "bench.messages";
  int server_pid = 0;
  int body_bytes = 200;
};

[[noreturn]] void Usage(const char* message) {
  if (message) fprintf(stderr, "bench_http_load: %s\n", message);
  fprintf(stderr,
          "usage: bench_http_load --port P [--host H] [--user U] [--password PW] [--clients N]\n"
          "                       [--duration S] [--warmup S] [--rate R] [--mode insert|select200|select]\n"
          "                       [--sql SQL] [--table NS.T] [--server-pid PID] [--body-bytes B]\n");
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
    if (arg == "--host") o.host = value();
    else if (arg == "--port") o.port = std::atoi(value().c_str());
    else if (arg == "--user") o.user = value();
    else if (arg == "--password") o.password = value();
    else if (arg == "--clients") o.clients = std::atoi(value().c_str());
    else if (arg == "--duration") o.duration_s = std::atof(value().c_str());
    else if (arg == "--warmup") o.warmup_s = std::atof(value().c_str());
    else if (arg == "--rate") o.rate = std::atof(value().c_str());
    else if (arg == "--sql") o.sql = value();
    else if (arg == "--table") o.table = value();
    else if (arg == "--server-pid") o.server_pid = std::atoi(value().c_str());
    else if (arg == "--body-bytes") o.body_bytes = std::atoi(value().c_str());
    else if (arg == "--mode") {
      const std::string m = value();
      if (m == "insert") o.mode = Mode::kInsert;
      else if (m == "select200") o.mode = Mode::kSelect200;
      else if (m == "select") o.mode = Mode::kSelect;
      else Usage("--mode must be insert, select200 or select");
    } else if (arg == "--help" || arg == "-h") {
      Usage(nullptr);
    } else {
      Usage(("unknown option " + std::string(arg)).c_str());
    }
  }
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  if (o.clients < 1) Usage("--clients must be >= 1");
  if (o.duration_s <= 0 || o.warmup_s < 0 || o.rate < 0) Usage("bad --duration, --warmup or --rate");
  if (o.body_bytes < 32) Usage("--body-bytes must be >= 32");
  if (o.table.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") != std::string::npos ||
      o.table.find('.') == std::string::npos) {
    Usage("--table must be ns.table in lower case");
  }
  if (o.sql.empty()) o.sql = "SELECT id, conversation_id, role, body, created_at FROM " + o.table +
                              " ORDER BY _seq DESC LIMIT 20";
  return o;
}

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kInsert: return "insert";
    case Mode::kSelect200: return "select200";
    case Mode::kSelect: return "select";
  }
  return "?";
}

// The chat row of BENCHMARKS.md: fixed-seed filler text; the body starts with the scheduled
// send time (µs on the steady clock) so a stored row tells when it was meant to be sent.
class ChatRows {
 public:
  ChatRows(int body_bytes, uint32_t seed) : body_bytes_(body_bytes), rng_(seed) {
    static constexpr char kWords[] = "abcdefghijklmnopqrstuvwxyz      ";
    std::mt19937 text_rng(42);
    filler_.resize(static_cast<size_t>(body_bytes));
    for (char& c : filler_) c = kWords[text_rng() % (sizeof kWords - 1)];
  }

  // JSON params for INSERT (conversation_id, role, body).
  std::string Params(int64_t send_time_us) {
    const std::string conversation = "conv-" + std::to_string(rng_() % 1000);
    const char* role = (counter_++ % 2) ? "assistant" : "user";
    std::string body = "t=" + std::to_string(send_time_us) + " ";
    body += filler_.substr(0, static_cast<size_t>(body_bytes_) - std::min(body.size(), size_t(body_bytes_)));
    return "[\"" + conversation + "\",\"" + role + "\",\"" + body + "\"]";
  }

  // One literal VALUES tuple (for preparing rows in bulk; the filler has no quotes).
  std::string Tuple() {
    const std::string conversation = "conv-" + std::to_string(rng_() % 1000);
    const char* role = (counter_++ % 2) ? "assistant" : "user";
    return "('" + conversation + "', '" + role + "', '" + filler_ + "')";
  }

 private:
  int body_bytes_;
  std::mt19937 rng_;
  std::string filler_;
  uint64_t counter_ = 0;
};

// ---- Measurement -----------------------------------------------------------------------------

int64_t SteadyMicros(Clock::time_point t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}

struct ClientStats {
  std::vector<uint32_t> latencies_us;  // requests answered with 200 inside the window
  uint64_t errors = 0;                 // non-200, transport failures, wrong row counts (whole run)
  uint64_t window_errors = 0;
  uint64_t acknowledged = 0;           // 200 answers over the whole run (warm-up included)
  std::vector<uint32_t> send_lags_us;  // open loop: actual send time - scheduled time, in the window
  uint64_t late_sends = 0;             // open loop: sent more than 1 ms after the scheduled time
  uint64_t unsent = 0;                 // open loop: scheduled in the window, never sent
};

struct Shared {
  std::mutex mu;
  std::string first_error;  // guarded by mu
  void RecordError(const Response& r) {
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) {
      first_error = "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 2000);
    }
  }
};

bool LooksRight(Mode mode, const Response& r) {
  if (r.status != 200) return false;
  if (mode == Mode::kSelect200) {
    // row_count sits at the end of the result object; look only at the tail.
    const size_t from = r.body.size() > 256 ? r.body.size() - 256 : 0;
    return r.body.find("\"row_count\":200,", from) != std::string::npos;
  }
  return true;
}

void RunClient(int index, const Options& o, const RequestBuilder& builder, Clock::time_point start,
               Clock::time_point window_start, Clock::time_point end, Shared& shared, ClientStats& stats) {
  // Wake up on time: the default 50 µs timer slack would be counted as latency in open loop.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  Connection conn(o.host, o.port);
  ChatRows rows(o.body_bytes, 1000 + static_cast<uint32_t>(index));
  const std::string fixed_request = o.mode == Mode::kSelect200
                                        ? builder.Sql("SELECT id, conversation_id, role, body, created_at FROM " +
                                                      o.table + " LIMIT 200")
                                        : builder.Sql(o.sql);
  const std::string insert_sql =
      "INSERT INTO " + o.table + " (conversation_id, role, body) VALUES ($1, $2, $3)";
  const bool open_loop = o.rate > 0;
  // Open loop: client i sends at start + (i + k * clients) / rate.
  const double interval_s = open_loop ? o.clients / o.rate : 0;
  const auto offset = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(open_loop ? index / o.rate : 0));
  const auto hard_stop = end + std::chrono::seconds(10);
  stats.latencies_us.reserve(open_loop ? static_cast<size_t>(o.rate / o.clients * o.duration_s * 1.1) + 16
                                       : 1 << 16);
  for (uint64_t k = 0;; ++k) {
    Clock::time_point scheduled;
    if (open_loop) {
      scheduled = start + offset +
                  std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k * interval_s));
      if (scheduled >= end) break;
      const auto now = Clock::now();
      if (now >= hard_stop) {
        // Count what this client was meant to send in the window but never did.
        for (uint64_t j = k;; ++j) {
          const auto s = start + offset +
                         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(j * interval_s));
          if (s >= end) break;
          if (s >= window_start) ++stats.unsent;
        }
        break;
      }
      if (now < scheduled) std::this_thread::sleep_until(scheduled);
      const auto lag = Clock::now() - scheduled;
      if (lag > microseconds(1000)) ++stats.late_sends;
      if (scheduled >= window_start) {
        stats.send_lags_us.push_back(
            static_cast<uint32_t>(std::min<int64_t>(std::chrono::duration_cast<microseconds>(lag).count(), UINT32_MAX)));
      }
    } else {
      scheduled = Clock::now();
      if (scheduled >= end) break;
    }
    const Response r =
        o.mode == Mode::kInsert ? conn.RoundTrip(builder.Sql(insert_sql, rows.Params(SteadyMicros(scheduled))))
                                : conn.RoundTrip(fixed_request);
    const auto done = Clock::now();
    const bool in_window = open_loop ? scheduled >= window_start : (done >= window_start && done < end);
    if (r.status == 200) ++stats.acknowledged;
    if (!LooksRight(o.mode, r)) {
      ++stats.errors;
      if (in_window) ++stats.window_errors;
      shared.RecordError(r);
      if (r.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (in_window) {
      const int64_t us = std::chrono::duration_cast<microseconds>(done - scheduled).count();
      stats.latencies_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    }
  }
}

// ---- Setup and checks --------------------------------------------------------------------------

// Runs one SQL request; prints and returns false on a non-200 answer.
bool Must(Connection& conn, const RequestBuilder& builder, const std::string& sql, std::string* body = nullptr) {
  const Response r = conn.RoundTrip(builder.Sql(sql));
  if (r.status != 200) {
    fprintf(stderr, "bench_http_load: setup failed: %s\n  -> HTTP %d %s\n", sql.c_str(), r.status, r.body.c_str());
    return false;
  }
  if (body) *body = r.body;
  return true;
}

// The value of `SELECT count(*) ...` (a BigInt encoded as a string: [["123"]]).
std::optional<uint64_t> CountRows(Connection& conn, const RequestBuilder& builder, const std::string& table) {
  std::string body;
  if (!Must(conn, builder, "SELECT count(*) FROM " + table, &body)) return std::nullopt;
  const size_t at = body.find("\"rows\":[[\"");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(body.c_str() + at + 10, nullptr, 10);
}

bool Setup(const Options& o, const RequestBuilder& builder) {
  Connection conn(o.host, o.port);
  const std::string ns = o.table.substr(0, o.table.find('.'));
  if (!Must(conn, builder,
            "CREATE NAMESPACE IF NOT EXISTS " + ns + "; CREATE USER TABLE IF NOT EXISTS " + o.table +
                " (id BIGINT DEFAULT SNOWFLAKE_ID(), conversation_id TEXT, role TEXT, body TEXT, "
                "created_at TIMESTAMP DEFAULT NOW())")) {
    return false;
  }
  if (o.mode == Mode::kInsert) return true;
  const auto count = CountRows(conn, builder, o.table);
  if (!count) return false;
  if (*count < 200) {
    ChatRows rows(o.body_bytes, 7);
    std::string sql = "INSERT INTO " + o.table + " (conversation_id, role, body) VALUES ";
    for (uint64_t i = *count; i < 200; ++i) sql += (i == *count ? "" : ", ") + rows.Tuple();
    if (!Must(conn, builder, sql)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const RequestBuilder builder(o.host, o.port, BasicAuthorization(o.user, o.password));
  if (!Setup(o, builder)) return 1;

  std::optional<uint64_t> rows_before;
  if (o.mode == Mode::kInsert) {
    Connection conn(o.host, o.port);
    rows_before = CountRows(conn, builder, o.table);
    if (!rows_before) return 1;
  }

  Shared shared;
  std::vector<ClientStats> stats(static_cast<size_t>(o.clients));
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto window_start =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup_s));
  const auto end =
      window_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));
  std::vector<std::thread> threads;
  threads.reserve(stats.size());
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back([&, i] {
      std::this_thread::sleep_until(start);
      RunClient(i, o, builder, start, window_start, end, shared, stats[static_cast<size_t>(i)]);
    });
  }
  std::this_thread::sleep_until(window_start);
  const auto server_cpu_0 = o.server_pid ? ProcessCpuMicros(o.server_pid) : std::nullopt;
  const int64_t client_cpu_0 = SelfCpuMicros();
  std::this_thread::sleep_until(end);
  const auto server_cpu_1 = o.server_pid ? ProcessCpuMicros(o.server_pid) : std::nullopt;
  const int64_t client_cpu_1 = SelfCpuMicros();
  for (auto& t : threads) t.join();

  ClientStats total;
  for (auto& s : stats) {
    total.latencies_us.insert(total.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    total.errors += s.errors;
    total.window_errors += s.window_errors;
    total.acknowledged += s.acknowledged;
    total.send_lags_us.insert(total.send_lags_us.end(), s.send_lags_us.begin(), s.send_lags_us.end());
    total.late_sends += s.late_sends;
    total.unsent += s.unsent;
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  std::sort(total.send_lags_us.begin(), total.send_lags_us.end());
  const uint64_t requests = total.latencies_us.size();
  const double throughput = requests / o.duration_s;

  printf("== bench_http_load mode=%s clients=%d %s duration=%.1fs warmup=%.1fs\n", ModeName(o.mode), o.clients,
         o.rate > 0 ? ("open-loop rate=" + std::to_string(static_cast<int64_t>(o.rate)) + "/s").c_str()
                    : "closed-loop",
         o.duration_s, o.warmup_s);
  if (o.mode == Mode::kSelect) printf("   sql: %s\n", o.sql.c_str());
  printf("   requests %" PRIu64 " ok, errors %" PRIu64 " in window (%" PRIu64 " in the whole run)\n", requests,
         total.window_errors, total.errors);
  printf("   throughput %.0f req/s\n", throughput);
  printf("   latency us: p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64 "  p99.9 %" PRIu64 "  max %" PRIu64 "\n",
         Percentile(total.latencies_us, 50), Percentile(total.latencies_us, 90), Percentile(total.latencies_us, 99),
         Percentile(total.latencies_us, 99.9), total.latencies_us.empty() ? 0 : uint64_t(total.latencies_us.back()));
  if (o.rate > 0) {
    printf("   open loop: client send lag us p50 %" PRIu64 "  p99 %" PRIu64 "  max %" PRIu64
           " (included in the latency); %" PRIu64 " sends more than 1 ms late, %" PRIu64 " never sent\n",
           Percentile(total.send_lags_us, 50), Percentile(total.send_lags_us, 99),
           total.send_lags_us.empty() ? 0 : uint64_t(total.send_lags_us.back()), total.late_sends, total.unsent);
  }
  const uint64_t handled = requests + total.window_errors;
  if (server_cpu_0 && server_cpu_1 && handled > 0) {
    const double cpu_us = static_cast<double>(*server_cpu_1 - *server_cpu_0);
    printf("   server CPU %.1f us/request (%.2f cores busy)\n", cpu_us / handled, cpu_us / 1e6 / o.duration_s);
  } else if (o.server_pid) {
    printf("   server CPU: /proc/%d/stat not readable\n", o.server_pid);
  }
  if (handled > 0) {
    const double cpu_us = static_cast<double>(client_cpu_1 - client_cpu_0);
    printf("   client CPU %.1f us/request (%.2f cores busy)\n", cpu_us / handled, cpu_us / 1e6 / o.duration_s);
  }
  if (!shared.first_error.empty()) printf("   first error: %s\n", shared.first_error.c_str());

  bool ok = total.errors == 0 && total.unsent == 0 && requests > 0;
  if (o.mode == Mode::kInsert) {
    Connection conn(o.host, o.port);
    const auto rows_after = CountRows(conn, builder, o.table);
    const uint64_t expected = *rows_before + total.acknowledged;
    const bool match = rows_after && *rows_after == expected;
    printf("   check: count(*) %s = rows before %" PRIu64 " + acknowledged inserts %" PRIu64 " = %" PRIu64 ": %s\n",
           rows_after ? std::to_string(*rows_after).c_str() : "?", *rows_before, total.acknowledged, expected,
           match ? "OK" : "MISMATCH");
    ok = ok && match;
  }
  return ok ? 0 : 1;
}
