// Noisy-neighbour benchmark for a running kalamdb-server (issue 9): how much one user's heavy
// traffic and a stream of failed logins slow down another user.
//
// The noise, started --warmup seconds before the measured window and kept up until the end:
//  - user nb_noisy runs --statements statements at once, continuously, each on its own keep-alive
//    connection, round-robin over three kinds: `SELECT count(*) FROM range(--scan-range)` (a long
//    scan), an aggregate over its USER table noisy_bench.big (--table-rows rows of ~200 bytes,
//    filled at setup), and a huge answer `SELECT repeat('x', --answer-bytes) FROM
//    range(--answer-rows)` (read and discarded);
//  - --auth-clients clients send wrong passwords, continuously: half as Basic credentials on
//    `POST /v1/api/sql`, half as `POST /v1/api/auth/login`. Every attempt names a user that does
//    not exist (ghost_<client>_<n>), so no lockout makes later attempts cheap.
//  Noise clients that get 429 or 503 wait --noise-backoff-ms (default 100) before the next request.
// What is measured, for user nb_victim (Bearer token, so the failed logins' per-IP auth budget
// does not apply to it), in open loop (latency counts from the scheduled send time, so a stall
// delays every request queued behind it; one connection per stream):
//  - INSERT of one row into its USER table noisy_bench.victim_msgs at --insert-rate per second;
//  - SELECT of its last 20 rows at --select-rate per second;
//  - `GET /health` at --health-rate per second (no credentials);
//  - delivery: one WebSocket subscribed to `SELECT * FROM noisy_bench.victim_msgs`; the time from
//    an INSERT's acknowledgement (its 200 answer read by the client) to the change arriving at
//    the subscriber (0 when the change came first; counted as "before ack"), and for context
//    the time from the INSERT's scheduled send time to the change's arrival;
//  A victim request without an answer after --request-timeout s is abandoned (its connection is
//  closed and reopened) and counted as timed out, with the time waited as its latency (a lower
//  bound); requests still scheduled 10 s after the window are counted as unsent. So a frozen
//  server ends the run on time instead of holding it for as long as it stays frozen.
//  - WebSockets dropped: the subscriber and --idle-ws idle WebSockets of the victim (each with a
//    blocking read pending, so the server's pings are answered); any closed by the server during
//    the run counts, with its close code.
// With --server-pid it also reports the server's CPU (cores busy) and RSS (sampled every 100 ms).
// The last line, `summary: key=value ...`, is what bench/run_noisy_bench.sh reads.
//
// Setup (idempotent, as --admin-user): namespace noisy_bench, users nb_noisy and nb_victim (role
// user), both tables; noisy_bench.big is topped up to --table-rows rows; both users log in once.
//
// Usage: bench_noisy --port P [--host 127.0.0.1] [--admin-user root --admin-password PW]
//                    [--duration 60] [--warmup 5] [--drain 5] [--server-pid PID]
//                    [--statements 16] [--auth-clients 40] [--scan-range 2000000000]
//                    [--table-rows 500000] [--answer-rows 10000] [--answer-bytes 10000]
//                    [--insert-rate 100] [--select-rate 20] [--health-rate 20] [--idle-ws 8]
//                    [--request-timeout 10] [--noise-backoff-ms 100]
// --statements 0 --auth-clients 0 measures the victim alone.
// Exit status: 0 the run completed (goals met or not: see the `goal` lines); 1 setup failed; 64 usage.
#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_client.h"
#include "load_tool_util.h"
#include "ws_client.h"

namespace {

using kalam::bench::AsInt;
using kalam::bench::BasicAuthorization;
using kalam::bench::Connection;
using kalam::bench::JsonQuote;
using kalam::bench::OpenWs;
using kalam::bench::Parse;
using kalam::bench::Percentile;
using kalam::bench::ProcessCpuMicros;
using kalam::bench::ProcessRssBytes;
using kalam::bench::RequestBuilder;
using kalam::bench::Response;
using kalam::bench::StrField;
using kalam::bench::SubscribeMessage;
using kalam::bench::WsStream;
namespace beast = boost::beast;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

constexpr char kNoisyUser[] = "nb_noisy";
constexpr char kVictimUser[] = "nb_victim";
constexpr char kBigTable[] = "noisy_bench.big";
constexpr char kVictimTable[] = "noisy_bench.victim_msgs";

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string admin_user = "root";
  std::string admin_password = "kalamdb123";
  int server_pid = 0;
  double duration_s = 60;
  double warmup_s = 5;
  double drain_s = 5;
  int statements = 16;
  int auth_clients = 40;
  int64_t scan_range = 2'000'000'000;
  int64_t table_rows = 500'000;
  int64_t answer_rows = 10'000;
  int64_t answer_bytes = 10'000;
  double insert_rate = 100;
  double select_rate = 20;
  double health_rate = 20;
  int idle_ws = 8;
  double request_timeout_s = 10;
  int noise_backoff_ms = 100;
};

[[noreturn]] void Usage(const char* message) {
  if (message) fprintf(stderr, "bench_noisy: %s\n", message);
  fprintf(stderr,
          "usage: bench_noisy --port P [--host H] [--admin-user U] [--admin-password PW] [--server-pid PID]\n"
          "                   [--duration 60] [--warmup 5] [--drain 5] [--statements 16] [--auth-clients 40]\n"
          "                   [--scan-range N] [--table-rows N] [--answer-rows N] [--answer-bytes N]\n"
          "                   [--insert-rate 100] [--select-rate 20] [--health-rate 20] [--idle-ws 8]\n"
          "                   [--request-timeout 10] [--noise-backoff-ms 100]\n");
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
    auto int_value = [&] { return std::strtoll(value().c_str(), nullptr, 10); };
    auto double_value = [&] { return std::atof(value().c_str()); };
    if (arg == "--host") o.host = value();
    else if (arg == "--port") o.port = static_cast<int>(int_value());
    else if (arg == "--admin-user") o.admin_user = value();
    else if (arg == "--admin-password") o.admin_password = value();
    else if (arg == "--server-pid") o.server_pid = static_cast<int>(int_value());
    else if (arg == "--duration") o.duration_s = double_value();
    else if (arg == "--warmup") o.warmup_s = double_value();
    else if (arg == "--drain") o.drain_s = double_value();
    else if (arg == "--statements") o.statements = static_cast<int>(int_value());
    else if (arg == "--auth-clients") o.auth_clients = static_cast<int>(int_value());
    else if (arg == "--scan-range") o.scan_range = int_value();
    else if (arg == "--table-rows") o.table_rows = int_value();
    else if (arg == "--answer-rows") o.answer_rows = int_value();
    else if (arg == "--answer-bytes") o.answer_bytes = int_value();
    else if (arg == "--insert-rate") o.insert_rate = double_value();
    else if (arg == "--select-rate") o.select_rate = double_value();
    else if (arg == "--health-rate") o.health_rate = double_value();
    else if (arg == "--idle-ws") o.idle_ws = static_cast<int>(int_value());
    else if (arg == "--request-timeout") o.request_timeout_s = double_value();
    else if (arg == "--noise-backoff-ms") o.noise_backoff_ms = static_cast<int>(int_value());
    else if (arg == "--help" || arg == "-h") Usage(nullptr);
    else Usage(("unknown option " + std::string(arg)).c_str());
  }
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  if (o.duration_s <= 0 || o.warmup_s < 0 || o.drain_s < 0) Usage("bad --duration, --warmup or --drain");
  if (o.statements < 0 || o.auth_clients < 0 || o.idle_ws < 0) Usage("counts must be >= 0");
  if (o.scan_range < 1 || o.table_rows < 0 || o.answer_rows < 1 || o.answer_bytes < 1) Usage("sizes must be >= 1");
  if (o.insert_rate <= 0 || o.select_rate <= 0 || o.health_rate <= 0) Usage("rates must be > 0");
  if (o.request_timeout_s <= 0) Usage("--request-timeout must be > 0");
  if (o.noise_backoff_ms < 0) Usage("--noise-backoff-ms must be >= 0");
  return o;
}

std::string UserPassword(const std::string& user) { return "Bench-" + user + "-pw"; }

int64_t MicrosSince(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<microseconds>(to - from).count();
}

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// The value of a top-level string field in a small JSON answer ("access_token":"...").
std::string JsonStringField(const std::string& body, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  const size_t at = body.find(needle);
  if (at == std::string::npos) return {};
  const size_t from = at + needle.size();
  const size_t to = body.find('"', from);
  return to == std::string::npos ? std::string() : body.substr(from, to - from);
}

std::string LoginRequest(const Options& o, const std::string& user, const std::string& password) {
  const std::string body = "{\"user\":" + JsonQuote(user) + ",\"password\":" + JsonQuote(password) + "}";
  return "POST /v1/api/auth/login HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// ---- Setup ----------------------------------------------------------------------------------------

bool Must(Connection& conn, const RequestBuilder& as, const std::string& sql, std::string* body = nullptr) {
  const Response r = conn.RoundTrip(as.Sql(sql));
  if (r.status != 200) {
    fprintf(stderr, "bench_noisy: setup failed: %.300s%s\n  -> HTTP %d %s\n", sql.c_str(),
            sql.size() > 300 ? "..." : "", r.status, r.body.substr(0, 2000).c_str());
    return false;
  }
  if (body) *body = r.body;
  return true;
}

std::optional<std::string> Login(const Options& o, const std::string& user) {
  Connection conn(o.host, o.port);
  const Response r = conn.RoundTrip(LoginRequest(o, user, UserPassword(user)));
  const std::string token = JsonStringField(r.body, "access_token");
  if (r.status != 200 || token.empty()) {
    fprintf(stderr, "bench_noisy: login of %s failed: HTTP %d %s\n", user.c_str(), r.status, r.body.c_str());
    return std::nullopt;
  }
  return token;
}

struct Tokens {
  std::string noisy, victim;  // "Bearer <access JWT>"
};

std::optional<Tokens> Setup(const Options& o) {
  Connection conn(o.host, o.port);
  const RequestBuilder admin(o.host, o.port, BasicAuthorization(o.admin_user, o.admin_password));
  std::string create = "CREATE NAMESPACE IF NOT EXISTS noisy_bench; ";
  for (const char* user : {kNoisyUser, kVictimUser}) {
    create += std::string("CREATE USER IF NOT EXISTS '") + user + "' WITH PASSWORD '" + UserPassword(user) +
              "' ROLE 'user'; ";
  }
  create += std::string("CREATE USER TABLE IF NOT EXISTS ") + kBigTable +
            " (id BIGINT DEFAULT SNOWFLAKE_ID(), grp BIGINT, body TEXT); CREATE USER TABLE IF NOT EXISTS " +
            kVictimTable + " (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), k BIGINT, body TEXT)";
  if (!Must(conn, admin, create)) return std::nullopt;
  Tokens tokens;
  const auto noisy = Login(o, kNoisyUser);
  const auto victim = Login(o, kVictimUser);
  if (!noisy || !victim) return std::nullopt;
  tokens.noisy = "Bearer " + *noisy;
  tokens.victim = "Bearer " + *victim;

  // Top up the noisy user's table in 1000-row statements (VALUES, not INSERT ... SELECT, so the
  // setup does not depend on which table functions a build lets a user call).
  const RequestBuilder as_noisy(o.host, o.port, tokens.noisy);
  std::string body;
  if (!Must(conn, as_noisy, std::string("SELECT count(*) FROM ") + kBigTable, &body)) return std::nullopt;
  const size_t at = body.find("\"rows\":[[\"");
  int64_t have = at == std::string::npos ? 0 : std::strtoll(body.c_str() + at + 10, nullptr, 10);
  const auto t0 = Clock::now();
  const std::string filler(180, 'n');
  while (have < o.table_rows) {
    const int64_t n = std::min<int64_t>(1000, o.table_rows - have);
    std::string sql = std::string("INSERT INTO ") + kBigTable + " (grp, body) VALUES ";
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = have + i;
      sql += (i ? ", (" : "(") + std::to_string(row % 1000) + ", 'row-" + std::to_string(row) + "-" + filler + "')";
    }
    if (!Must(conn, as_noisy, sql)) return std::nullopt;
    have += n;
  }
  printf("   setup: users, tables and %" PRId64 " rows in %s ready (%.1f s)\n", o.table_rows, kBigTable,
         std::chrono::duration<double>(Clock::now() - t0).count());
  return tokens;
}

// ---- Noise ----------------------------------------------------------------------------------------

// Outcomes of one kind of noise request: answers by HTTP status (0 = transport failure).
class NoiseStats {
 public:
  explicit NoiseStats(std::string name) : name_(std::move(name)) {}
  void Record(const Response& r, int64_t us) {
    std::lock_guard<std::mutex> lock(mu_);
    ++by_status_[r.status];
    latencies_us_.push_back(us);
    bytes_ += r.body_bytes;
    if (r.status != 200 && first_error_.empty()) {
      first_error_ = "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300);
    }
  }
  void Print() {
    std::lock_guard<std::mutex> lock(mu_);
    std::sort(latencies_us_.begin(), latencies_us_.end());
    std::string statuses;
    for (const auto& [status, n] : by_status_) {
      statuses += (statuses.empty() ? "" : ", ") + std::to_string(n) + "x" + (status ? std::to_string(status) : "transport");
    }
    printf("   noise %-22s %6zu answered (%s); %.1f MB read; p50 %.1f ms  p99 %.1f ms\n", name_.c_str(),
           latencies_us_.size(), statuses.empty() ? "none" : statuses.c_str(), bytes_ / 1e6,
           Percentile(latencies_us_, 50) / 1e3, Percentile(latencies_us_, 99) / 1e3);
    if (!first_error_.empty()) printf("         first non-200: %s\n", first_error_.c_str());
  }

 private:
  std::string name_;
  std::mutex mu_;
  std::map<int, uint64_t> by_status_;
  std::vector<int64_t> latencies_us_;
  uint64_t bytes_ = 0;
  std::string first_error_;
};

// Sends `make(n)` for n = 0, 1, ... until `stop`, recording each answer. After a refusal (429,
// 503) it waits --noise-backoff-ms, as a client honouring Retry-After would (shorter than asked):
// without that, refusals answered in microseconds turn the noise into a loopback request flood.
void NoiseLoop(const Options& o, const std::atomic<bool>& stop, NoiseStats& stats,
               const std::function<std::string(uint64_t)>& make, bool keep_body) {
  Connection conn(o.host, o.port);
  for (uint64_t n = 0; !stop; ++n) {
    const auto t0 = Clock::now();
    const Response r = conn.RoundTrip(make(n), keep_body);
    stats.Record(r, MicrosSince(t0, Clock::now()));
    if (r.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));  // server gone: do not spin
    if (r.status == 429 || r.status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(o.noise_backoff_ms));
  }
}

// ---- Victim ---------------------------------------------------------------------------------------

struct StreamStats {
  std::vector<int64_t> latencies_us;  // 200 answers and timeouts, from the scheduled send time
  uint64_t timeouts = 0;  // in latencies_us with the time waited: a lower bound
  uint64_t errors = 0;    // other failures
  uint64_t unsent = 0;  // scheduled in the window, never sent (the server stalled past end + 10 s)
  std::string first_error;
};

// Open loop: request k is scheduled at start + k / rate; stops at `end`. send(k, scheduled)
// returns the answer.
void OpenLoop(double rate, Clock::time_point start, Clock::time_point end, StreamStats& stats,
              const std::function<Response(uint64_t, Clock::time_point)>& send) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // wake up on time: slack would count as latency
  const auto hard_stop = end + std::chrono::seconds(10);
  for (uint64_t k = 0;; ++k) {
    const auto scheduled = start + Seconds(k / rate);
    if (scheduled >= end) break;
    if (Clock::now() >= hard_stop) {
      for (uint64_t j = k; start + Seconds(j / rate) < end; ++j) ++stats.unsent;
      break;
    }
    std::this_thread::sleep_until(scheduled);
    const Response r = send(k, scheduled);
    const int64_t us = MicrosSince(scheduled, Clock::now());
    if (r.status == 200 || r.timed_out) stats.latencies_us.push_back(us);
    if (r.timed_out) {
      ++stats.timeouts;
    } else if (r.status != 200) {
      ++stats.errors;
      if (stats.first_error.empty()) stats.first_error = "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 300);
    }
  }
}

// Acknowledgement and arrival times (µs on the steady clock) of victim insert k.
class DeliveryTracker {
 public:
  explicit DeliveryTracker(size_t n) : scheduled_(n), acked_(n), arrived_(n) {
    for (size_t i = 0; i < n; ++i) {
      scheduled_[i] = -1;
      acked_[i] = -1;
      arrived_[i] = -1;
    }
  }
  void Acked(uint64_t k, Clock::time_point scheduled, Clock::time_point t) {
    if (k >= acked_.size()) return;
    scheduled_[k] = SteadyMicros(scheduled);
    acked_[k] = SteadyMicros(t);
  }
  void Arrived(int64_t k, Clock::time_point t) {
    if (k < 0 || static_cast<size_t>(k) >= arrived_.size()) {
      ++unknown;
      return;
    }
    int64_t expected = -1;
    if (!arrived_[static_cast<size_t>(k)].compare_exchange_strong(expected, SteadyMicros(t))) ++duplicates;
  }
  size_t acked_count() const {
    return static_cast<size_t>(std::count_if(acked_.begin(), acked_.end(), [](const auto& a) { return a >= 0; }));
  }
  size_t missing() const {
    size_t n = 0;
    for (size_t i = 0; i < acked_.size(); ++i) n += acked_[i] >= 0 && arrived_[i] < 0;
    return n;
  }
  // Delivery latency of every acknowledged and delivered insert; `before_ack` counts changes
  // that arrived before their acknowledgement (latency 0).
  // `from_send` gets the same inserts' time from the scheduled send to the arrival.
  std::vector<int64_t> Latencies(uint64_t* before_ack, std::vector<int64_t>* from_send) const {
    std::vector<int64_t> out;
    for (size_t i = 0; i < acked_.size(); ++i) {
      const int64_t ack = acked_[i], arrival = arrived_[i];
      if (ack < 0 || arrival < 0) continue;
      if (arrival < ack) ++*before_ack;
      out.push_back(std::max<int64_t>(0, arrival - ack));
      from_send->push_back(arrival - scheduled_[i]);
    }
    return out;
  }
  std::atomic<uint64_t> duplicates{0}, unknown{0};

 private:
  static int64_t SteadyMicros(Clock::time_point t) {
    return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
  }
  std::vector<std::atomic<int64_t>> scheduled_, acked_, arrived_;
};

// The victim's WebSockets: one subscriber and idle ones. Each has a thread blocked in read (Beast
// answers the server's pings there); a close or error before `stopping` counts as dropped.
class VictimSockets {
 public:
  VictimSockets(const Options& o, DeliveryTracker& tracker) : o_(o), tracker_(tracker) {}

  bool Open(const std::string& authorization) {
    for (int i = 0; i <= o_.idle_ws; ++i) {
      std::string error;
      auto ws = OpenWs(io_.get_executor(), o_.host, o_.port, authorization, &error);
      if (!ws) {
        fprintf(stderr, "bench_noisy: victim WebSocket %d: %s\n", i, error.c_str());
        return false;
      }
      if (i == 0) {
        beast::error_code ec;
        ws->write(net::buffer(SubscribeMessage("victim", std::string("SELECT * FROM ") + kVictimTable)), ec);
        if (ec) {
          fprintf(stderr, "bench_noisy: subscribe: %s\n", ec.message().c_str());
          return false;
        }
      }
      sockets_.push_back(std::move(ws));
    }
    for (size_t i = 0; i < sockets_.size(); ++i) threads_.emplace_back([this, i] { ReadLoop(i); });
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!subscribed_ && !failed_ && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!subscribed_) fprintf(stderr, "bench_noisy: subscription not acknowledged: %s\n", FirstProblem().c_str());
    return subscribed_;
  }

  size_t count() const { return sockets_.size(); }
  uint64_t dropped() const { return dropped_; }
  uint64_t error_messages() const { return error_messages_; }
  void Stopping() { stopping_ = true; }
  std::string FirstProblem() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_problem_;
  }
  // The threads stay blocked in read; the process ends with them (see main).

 private:
  void ReadLoop(size_t index) {
    WsStream& ws = *sockets_[index];
    beast::flat_buffer buffer;
    for (;;) {
      beast::error_code ec;
      ws.read(buffer, ec);
      const auto arrival = Clock::now();
      if (ec) {
        if (!stopping_) {
          ++dropped_;
          const auto& reason = ws.reason();
          Problem("WebSocket " + std::to_string(index) + " closed by the server: " +
                  (reason.code ? std::to_string(reason.code) + " " + std::string(reason.reason.data(), reason.reason.size())
                               : ec.message()));
          if (index == 0) failed_ = true;
        }
        return;
      }
      const auto data = buffer.cdata();
      if (index == 0) OnMessage(std::string_view(static_cast<const char*>(data.data()), data.size()), arrival);
      buffer.consume(buffer.size());
    }
  }

  void OnMessage(std::string_view text, Clock::time_point arrival) {
    auto msg = Parse(text);
    if (!msg) {
      Problem("unparsable message: " + std::string(text.substr(0, 300)));
      return;
    }
    const std::string_view type = StrField(*msg, "type");
    if (type == "subscription_ack") {
      subscribed_ = true;
    } else if (type == "change") {
      simdjson::dom::array rows;
      if ((*msg)["rows"].get(rows) != simdjson::SUCCESS) return;
      for (auto row : rows) {
        auto k = row["k"];
        const auto value = k.error() ? std::nullopt : AsInt(k.value_unsafe());
        tracker_.Arrived(value ? *value : -1, arrival);
      }
    } else if (type == "error") {
      ++error_messages_;
      failed_ = !subscribed_;
      Problem("error message: " + std::string(text.substr(0, 300)));
    }
  }

  void Problem(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_problem_.empty()) first_problem_ = what;
  }

  const Options& o_;
  DeliveryTracker& tracker_;
  net::io_context io_;  // never run: the sockets are used synchronously, one thread each
  std::vector<std::unique_ptr<WsStream>> sockets_;
  std::vector<std::thread> threads_;
  std::atomic<bool> subscribed_{false}, failed_{false}, stopping_{false};
  std::atomic<uint64_t> dropped_{0}, error_messages_{0};
  std::mutex mu_;
  std::string first_problem_;
};

void PrintStream(const char* label, StreamStats& s) {
  std::sort(s.latencies_us.begin(), s.latencies_us.end());
  const auto& l = s.latencies_us;
  printf("   %-28s n=%zu (%" PRIu64 " timed out), %" PRIu64 " errors, %" PRIu64 " unsent; us p50 %" PRId64
         "  p90 %" PRId64 "  p99 %" PRId64 "  max %" PRId64 "\n",
         label, l.size(), s.timeouts, s.errors, s.unsent, Percentile(l, 50), Percentile(l, 90), Percentile(l, 99),
         l.empty() ? int64_t{0} : l.back());
  if (!s.first_error.empty()) printf("         first error: %s\n", s.first_error.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  printf("== bench_noisy duration=%.0fs warmup=%.0fs; noise: %d statements at once (count(*) over range(%" PRId64
         "), scan of %" PRId64 " rows, answers of %" PRId64 " x %" PRId64 " B), %d wrong-password clients\n",
         o.duration_s, o.warmup_s, o.statements, o.scan_range, o.table_rows, o.answer_rows, o.answer_bytes,
         o.auth_clients);
  const auto tokens = Setup(o);
  if (!tokens) return 1;

  const size_t inserts = static_cast<size_t>(o.insert_rate * o.duration_s) + 1;
  DeliveryTracker tracker(inserts);
  VictimSockets sockets(o, tracker);
  if (!sockets.Open(tokens->victim)) {
    fflush(stdout);
    std::_Exit(1);  // the sockets' reader threads cannot be joined
  }

  // Noise.
  std::atomic<bool> stop_noise{false};
  NoiseStats range_stats("count(*) over range"), scan_stats("scan of big table"), answer_stats("huge answer"),
      basic_stats("wrong Basic password"), login_stats("wrong login");
  const RequestBuilder as_noisy(o.host, o.port, tokens->noisy);
  const std::string range_sql = as_noisy.Sql("SELECT count(*) FROM range(" + std::to_string(o.scan_range) + ")");
  const std::string scan_sql = as_noisy.Sql(std::string("SELECT grp, count(*), max(length(body)), min(body) FROM ") +
                                            kBigTable + " GROUP BY grp ORDER BY 2 DESC, 1 LIMIT 5");
  const std::string answer_sql = as_noisy.Sql("SELECT repeat('x', " + std::to_string(o.answer_bytes) +
                                              ") AS s FROM range(" + std::to_string(o.answer_rows) + ")");
  std::vector<std::thread> noise;
  for (int i = 0; i < o.statements; ++i) {
    NoiseStats* stats[] = {&range_stats, &scan_stats, &answer_stats};
    const std::string* sql[] = {&range_sql, &scan_sql, &answer_sql};
    noise.emplace_back([&, stats = stats[i % 3], sql = sql[i % 3]] {
      NoiseLoop(o, stop_noise, *stats, [sql](uint64_t) { return *sql; }, /*keep_body=*/false);
    });
  }
  for (int i = 0; i < o.auth_clients; ++i) {
    const bool basic = i % 2 == 0;
    noise.emplace_back([&, i, basic] {
      NoiseLoop(
          o, stop_noise, basic ? basic_stats : login_stats,
          [&, i, basic](uint64_t n) {
            const std::string ghost = "ghost_" + std::to_string(i) + "_" + std::to_string(n);
            return basic ? RequestBuilder(o.host, o.port, BasicAuthorization(ghost, "wrong-password")).Sql("SELECT 1")
                         : LoginRequest(o, ghost, "wrong-password");
          },
          /*keep_body=*/true);
    });
  }

  // Victim, after the warm-up.
  const auto start = Clock::now() + Seconds(o.warmup_s);
  const auto end = start + Seconds(o.duration_s);
  std::atomic<bool> sampling{true};
  int64_t rss_max = 0;
  std::thread sampler([&] {
    while (sampling) {
      if (const auto rss = ProcessRssBytes(o.server_pid)) rss_max = std::max(rss_max, *rss);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const auto rss_start = ProcessRssBytes(o.server_pid);
  StreamStats insert_stats, select_stats, health_stats;
  const RequestBuilder as_victim(o.host, o.port, tokens->victim);
  const auto request_timeout = std::chrono::milliseconds(static_cast<int64_t>(o.request_timeout_s * 1000));
  std::thread insert_thread([&] {
    Connection conn(o.host, o.port);
    conn.set_timeout(request_timeout);
    const std::string filler(100, 'v');
    OpenLoop(o.insert_rate, start, end, insert_stats, [&](uint64_t k, Clock::time_point scheduled) {
      const std::string sql = std::string("INSERT INTO ") + kVictimTable + " (k, body) VALUES (" + std::to_string(k) +
                              ", 'victim-" + std::to_string(k) + "-" + filler + "')";
      Response r = conn.RoundTrip(as_victim.Sql(sql));
      if (r.status == 200) tracker.Acked(k, scheduled, Clock::now());
      return r;
    });
  });
  std::thread select_thread([&] {
    Connection conn(o.host, o.port);
    conn.set_timeout(request_timeout);
    const std::string request =
        as_victim.Sql(std::string("SELECT id, k, body FROM ") + kVictimTable + " ORDER BY _seq DESC LIMIT 20");
    OpenLoop(o.select_rate, start, end, select_stats, [&](uint64_t, Clock::time_point) { return conn.RoundTrip(request); });
  });
  std::thread health_thread([&] {
    Connection conn(o.host, o.port);
    conn.set_timeout(request_timeout);
    const std::string request = "GET /health HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) + "\r\n\r\n";
    OpenLoop(o.health_rate, start, end, health_stats, [&](uint64_t, Clock::time_point) { return conn.RoundTrip(request); });
  });
  std::this_thread::sleep_until(start);
  const auto cpu_start = ProcessCpuMicros(o.server_pid);
  std::this_thread::sleep_until(end);
  const auto cpu_end = ProcessCpuMicros(o.server_pid);
  insert_thread.join();
  select_thread.join();
  health_thread.join();
  // Changes still on their way: wait for them (with the noise still running) up to --drain s.
  const auto drain_deadline = Clock::now() + Seconds(o.drain_s);
  while (tracker.missing() > 0 && Clock::now() < drain_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  sockets.Stopping();
  stop_noise = true;
  sampling = false;
  sampler.join();
  const auto rss_end = ProcessRssBytes(o.server_pid);

  printf("   victim (user %s, open loop, latency from the scheduled send time):\n", kVictimUser);
  PrintStream(("INSERT, " + std::to_string(static_cast<int>(o.insert_rate)) + "/s").c_str(), insert_stats);
  PrintStream(("SELECT last 20, " + std::to_string(static_cast<int>(o.select_rate)) + "/s").c_str(), select_stats);
  PrintStream(("GET /health, " + std::to_string(static_cast<int>(o.health_rate)) + "/s").c_str(), health_stats);
  uint64_t before_ack = 0;
  std::vector<int64_t> from_send;
  std::vector<int64_t> delivery = tracker.Latencies(&before_ack, &from_send);
  std::sort(delivery.begin(), delivery.end());
  std::sort(from_send.begin(), from_send.end());
  const size_t lost = tracker.missing();
  printf("   %-28s n=%zu of %zu acknowledged, %zu lost, %" PRIu64 " duplicates, %" PRIu64 " unknown k, %" PRIu64
         " before the ack; us p50 %" PRId64 "  p90 %" PRId64 "  p99 %" PRId64 "  max %" PRId64 "\n",
         "delivery (ack -> change)", delivery.size(), tracker.acked_count(), lost, tracker.duplicates.load(),
         tracker.unknown.load(), before_ack,
         Percentile(delivery, 50), Percentile(delivery, 90), Percentile(delivery, 99),
         delivery.empty() ? int64_t{0} : delivery.back());
  printf("   %-28s us p50 %" PRId64 "  p90 %" PRId64 "  p99 %" PRId64 "  max %" PRId64 "\n",
         "delivery (scheduled send -> change)", Percentile(from_send, 50), Percentile(from_send, 90),
         Percentile(from_send, 99), from_send.empty() ? int64_t{0} : from_send.back());
  printf("   WebSockets: %zu open (1 subscriber + %d idle), %" PRIu64 " dropped by the server, %" PRIu64
         " error messages%s%s\n",
         sockets.count(), o.idle_ws, sockets.dropped(), sockets.error_messages(),
         sockets.FirstProblem().empty() ? "" : "; first: ", sockets.FirstProblem().c_str());
  range_stats.Print();
  scan_stats.Print();
  answer_stats.Print();
  basic_stats.Print();
  login_stats.Print();
  if (cpu_start && cpu_end && rss_start && rss_end) {
    printf("   server: %.2f cores busy in the window; RSS %.0f MB at start, %.0f MB max, %.0f MB at the end\n",
           (*cpu_end - *cpu_start) / 1e6 / o.duration_s, *rss_start / 1e6, rss_max / 1e6, *rss_end / 1e6);
  }
  auto failed = [](const StreamStats& st) { return st.errors + st.timeouts + st.unsent; };
  const int64_t insert_p99 = Percentile(insert_stats.latencies_us, 99);
  const uint64_t insert_failures = failed(insert_stats);
  const bool insert_goal = !insert_stats.latencies_us.empty() && insert_failures == 0 && insert_p99 <= 5000;
  printf("   goal: victim INSERT p99 <= 5 ms (all acknowledged): %s\n", insert_goal ? "met" : "NOT met");
  printf("   goal: no WebSocket dropped: %s\n", sockets.dropped() == 0 ? "met" : "NOT met");
  // key=value pairs; a percentile of no samples is "none" (not 0, which would read as fast).
  std::string summary;
  auto add = [&summary](const char* key, const std::string& value) { summary += std::string(" ") + key + "=" + value; };
  auto pct = [](const std::vector<int64_t>& sorted, double p) {
    return sorted.empty() ? std::string("none") : std::to_string(Percentile(sorted, p));
  };
  add("insert_p50_us", pct(insert_stats.latencies_us, 50));
  add("insert_p99_us", pct(insert_stats.latencies_us, 99));
  add("insert_failed", std::to_string(insert_failures));
  add("select_p50_us", pct(select_stats.latencies_us, 50));
  add("select_p99_us", pct(select_stats.latencies_us, 99));
  add("select_failed", std::to_string(failed(select_stats)));
  add("health_p50_us", pct(health_stats.latencies_us, 50));
  add("health_p99_us", pct(health_stats.latencies_us, 99));
  add("health_max_us", pct(health_stats.latencies_us, 100));
  add("health_failed", std::to_string(failed(health_stats)));
  add("delivery_p50_us", pct(delivery, 50));
  add("delivery_p99_us", pct(delivery, 99));
  add("delivery_lost", std::to_string(lost));
  add("ws_dropped", std::to_string(sockets.dropped()));
  add("rss_max_mb", o.server_pid ? std::to_string(rss_max / 1'000'000) : "none");
  printf("summary:%s\n", summary.c_str());
  fflush(stdout);
  // Noise requests and WebSocket reads may still be blocked on the server (a statement that runs
  // for seconds, a frozen server): end the process without waiting for them.
  std::_Exit(0);
}
