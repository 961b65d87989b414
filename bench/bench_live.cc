// Live-query (WebSocket, docs/live-queries.md) load tool for a running kalamdb-server. Five modes:
//
//   latency  N users (default 1000), one WebSocket each (Basic auth at the upgrade), each
//            subscribed to `SELECT * FROM bench.live_msgs` (a USER table, no options). An open-loop
//            generator inserts --rate rows/s for --duration s over --http-conns keep-alive HTTP
//            connections, as root: `EXECUTE AS USER 'lu_<k % N>' (INSERT ...)`, round-robin over
//            the users. Latency = arrival of the change at that user's socket minus (a) the
//            scheduled send time (no coordinated omission) and (b) the actual send time. Reports
//            sent/acknowledged/received/lost/duplicates/misrouted and p50/p90/p99/p99.9/max in µs.
//            --stream: the same over a STREAM table (`bench.live_stream`, TTL 60): typing
//            indicators, or streamed AI tokens written for each user by one service.
//   fanout   one SHARED table (ACCESS_LEVEL PUBLIC) with --subs S subscriptions (default 10000)
//            spread over --conns C connections (default 100), authenticated as --users users;
//            then --inserts I rows (default 10), one per --interval s, as root. Per insert: time
//            until the first and until all S change messages arrived; delivered messages/s; with
//            --server-pid the server CPU seconds and delivered messages per server CPU-second.
//   idle     --conns C (default 1000) × --subs-per-conn K (default 100) idle subscriptions.
//            Reports the subscribe rate and, with --server-pid, the server's RSS before/after and
//            RSS per connection and per subscription; holds them --hold s (default 15, longer
//            than the server's heartbeat timeout) and checks that none was closed.
//   initial  one user with --rows rows (default 1000) in a fresh USER table; --reps times:
//            subscribe with {"batch_size": B} on one connection → time to the `ready` batch
//            (client-driven next_batch when B < rows); p50/p99/max.
//   resume   --reps times: subscribe (no options), keep the ack's last_seq_id, close, insert
//            --rows rows, reconnect and subscribe with {"from": last, "batch_size": B} → time
//            until the `ready` batch (all rows received); p50/p99/max.
//
// Setup (idempotent, runs as --user/--password, an admin): CREATE NAMESPACE IF NOT EXISTS bench,
// the tables, and users `<prefix><i>` (role user, password "Bench-<name>-pw") with CREATE USER IF
// NOT EXISTS in batches. `initial` and `resume` drop and recreate their tables.
//
// Server limits that matter (all defaults of docs/configuration.md; env names in brackets):
//  - auth verifications 20/s per IP, loopback included [KALAMDB_RATE_LIMIT_MAX_AUTH_REQUESTS_PER_IP_PER_SEC=0]:
//    each first WebSocket login of a user is one; refused upgrades (429/503) are retried here
//    after 1 s, so the setup is just slower. bcrypt cost 12 makes CREATE USER and first logins
//    slow [KALAMDB_AUTH_BCRYPT_COST=4].
//  - 1000 queries/s per user [KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0]: all inserts run as root.
//  - 50 client messages/s per connection [KALAMDB_RATE_LIMIT_MAX_MESSAGES_PER_SEC=0]: this tool
//    paces its own messages per connection at --msg-rate (default 45/s; 0 = unpaced).
//  - 100 subscriptions per user and per connection [KALAMDB_RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_USER,
//    ..._PER_CONNECTION]: the default --users keep every user at ≤ 100 subscriptions.
//  - 100 connections per IP: loopback is exempt by default.
//  - file descriptors: this tool raises its RLIMIT_NOFILE to the hard limit; the server needs
//    enough too (ulimit -n before starting it).
//
// Usage: bench_live --mode latency|fanout|idle|initial|resume --port P [--host 127.0.0.1]
//                   [--user root --password PW] [--server-pid PID] [--io-threads 4]
//                   [--msg-rate 45] [--user-prefix lu_] [--setup-threads 16]
//   latency: [--users 1000] [--rate 500] [--duration 10] [--warmup 1] [--http-conns 8] [--drain 5]
//   fanout:  [--subs 10000] [--conns 100] [--users ceil(S/100)] [--inserts 10] [--interval 1]
//   idle:    [--conns 1000] [--subs-per-conn 100] [--users ...] [--hold 15]
//   initial, resume: [--rows 1000] [--batch-size 1000] [--reps 20] [--body-bytes 100]
// Exit status: 0 ok; 1 setup failed, errors, losses or a failed check; 64 usage.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <simdjson.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http_client.h"
#include "load_tool_util.h"
#include "ws_client.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using kalam::bench::AsInt;
using kalam::bench::BasicAuthorization;
using kalam::bench::OpenWs;
using kalam::bench::Parse;
using kalam::bench::StrField;
using kalam::bench::SubscribeMessage;
using kalam::bench::WsStream;
using kalam::bench::JsonQuote;
using kalam::bench::Percentile;
using kalam::bench::ProcessCpuMicros;
using kalam::bench::ProcessRssBytes;
using kalam::bench::SelfCpuMicros;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

enum class Mode { kLatency, kFanout, kIdle, kInitial, kResume };

struct Options {
  Mode mode = Mode::kLatency;
  bool mode_set = false;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user = "root";
  std::string password = "kalamdb123";
  int server_pid = 0;
  bool stream = false;  // latency: a STREAM table (bench.live_stream) instead of the USER table
  int io_threads = 4;
  int setup_threads = 16;
  double msg_rate = 45;  // client messages per second per connection; 0 = unpaced
  std::string user_prefix = "lu_";
  // latency
  int users = -1;  // -1 = per-mode default
  double rate = 500;
  double duration_s = 10;
  double warmup_s = 1;
  int http_conns = 8;
  double drain_s = 5;
  // fanout / idle
  int subs = 10000;
  int conns = -1;  // -1 = per-mode default
  int inserts = 10;
  double interval_s = 1;
  int subs_per_conn = 100;
  double hold_s = 15;
  // initial / resume
  int rows = 1000;
  int batch_size = 1000;
  int reps = 20;
  int body_bytes = 100;
};

[[noreturn]] void Usage(const char* message) {
  if (message) fprintf(stderr, "bench_live: %s\n", message);
  fprintf(stderr,
          "usage: bench_live --mode latency|fanout|idle|initial|resume --port P [--host H] [--user U]\n"
          "                  [--password PW] [--server-pid PID] [--io-threads 4] [--setup-threads 16]\n"
          "                  [--msg-rate 45] [--user-prefix lu_]\n"
          "  latency: [--users 1000] [--rate 500] [--duration 10] [--warmup 1] [--http-conns 8] [--drain 5] [--stream]\n"
          "  fanout:  [--subs 10000] [--conns 100] [--users ceil(subs/100)] [--inserts 10] [--interval 1]\n"
          "  idle:    [--conns 1000] [--subs-per-conn 100] [--users N] [--hold 15]\n"
          "  initial, resume: [--rows 1000] [--batch-size 1000] [--reps 20] [--body-bytes 100]\n");
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
    auto int_value = [&] { return std::atoi(value().c_str()); };
    auto double_value = [&] { return std::atof(value().c_str()); };
    if (arg == "--mode") {
      const std::string m = value();
      o.mode_set = true;
      if (m == "latency")
        o.mode = Mode::kLatency;
      else if (m == "fanout")
        o.mode = Mode::kFanout;
      else if (m == "idle")
        o.mode = Mode::kIdle;
      else if (m == "initial")
        o.mode = Mode::kInitial;
      else if (m == "resume")
        o.mode = Mode::kResume;
      else
        Usage("--mode must be latency, fanout, idle, initial or resume");
    } else if (arg == "--host")
      o.host = value();
    else if (arg == "--port")
      o.port = int_value();
    else if (arg == "--user")
      o.user = value();
    else if (arg == "--password")
      o.password = value();
    else if (arg == "--server-pid")
      o.server_pid = int_value();
    else if (arg == "--io-threads")
      o.io_threads = int_value();
    else if (arg == "--setup-threads")
      o.setup_threads = int_value();
    else if (arg == "--msg-rate")
      o.msg_rate = double_value();
    else if (arg == "--user-prefix")
      o.user_prefix = value();
    else if (arg == "--users")
      o.users = int_value();
    else if (arg == "--rate")
      o.rate = double_value();
    else if (arg == "--duration")
      o.duration_s = double_value();
    else if (arg == "--warmup")
      o.warmup_s = double_value();
    else if (arg == "--http-conns")
      o.http_conns = int_value();
    else if (arg == "--drain")
      o.drain_s = double_value();
    else if (arg == "--subs")
      o.subs = int_value();
    else if (arg == "--conns")
      o.conns = int_value();
    else if (arg == "--inserts")
      o.inserts = int_value();
    else if (arg == "--interval")
      o.interval_s = double_value();
    else if (arg == "--subs-per-conn")
      o.subs_per_conn = int_value();
    else if (arg == "--hold")
      o.hold_s = double_value();
    else if (arg == "--rows")
      o.rows = int_value();
    else if (arg == "--batch-size")
      o.batch_size = int_value();
    else if (arg == "--reps")
      o.reps = int_value();
    else if (arg == "--body-bytes")
      o.body_bytes = int_value();
    else if (arg == "--stream")
      o.stream = true;
    else if (arg == "--help" || arg == "-h")
      Usage(nullptr);
    else
      Usage(("unknown option " + std::string(arg)).c_str());
  }
  if (!o.mode_set) Usage("--mode is required");
  if (o.port <= 0 || o.port > 65535) Usage("--port is required");
  if (o.io_threads < 1 || o.setup_threads < 1 || o.msg_rate < 0)
    Usage("bad --io-threads, --setup-threads or --msg-rate");
  if (o.user_prefix.empty() ||
      o.user_prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    Usage("--user-prefix must be [a-z0-9_]+");
  }
  switch (o.mode) {
    case Mode::kLatency:
      if (o.users < 0) o.users = 1000;
      if (o.users < 1 || o.rate <= 0 || o.duration_s <= 0 || o.warmup_s < 0 || o.http_conns < 1 || o.drain_s < 0) {
        Usage("latency needs --users >= 1, --rate > 0, --duration > 0, --http-conns >= 1");
      }
      break;
    case Mode::kFanout:
      if (o.conns < 0) o.conns = 100;
      if (o.subs < 1 || o.conns < 1 || o.conns > o.subs || o.inserts < 1 || o.interval_s < 0) {
        Usage("fanout needs --subs >= --conns >= 1, --inserts >= 1");
      }
      // The server allows 100 subscriptions per user by default.
      if (o.users < 0) o.users = std::min(o.conns, (o.subs + 99) / 100);
      if (o.users < 1) Usage("--users must be >= 1");
      break;
    case Mode::kIdle:
      if (o.conns < 0) o.conns = 1000;
      if (o.conns < 1 || o.subs_per_conn < 0 || o.hold_s < 0) Usage("idle needs --conns >= 1, --subs-per-conn >= 0");
      if (o.users < 0) {
        const int64_t total = int64_t(o.conns) * o.subs_per_conn;
        o.users = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(o.conns, (total + 99) / 100)));
      }
      if (o.users < 1) Usage("--users must be >= 1");
      break;
    case Mode::kInitial:
    case Mode::kResume:
      if (o.rows < 0 || o.batch_size < 1 || o.batch_size > 10000 || o.reps < 1 || o.body_bytes < 0) {
        Usage("initial/resume need --rows >= 0, 1 <= --batch-size <= 10000, --reps >= 1");
      }
      o.users = 1;
      break;
  }
  return o;
}

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kLatency: return "latency";
    case Mode::kFanout: return "fanout";
    case Mode::kIdle: return "idle";
    case Mode::kInitial: return "initial";
    case Mode::kResume: return "resume";
  }
  return "?";
}

// ---- Small helpers ----------------------------------------------------------------------------

int64_t SteadyMicros(Clock::time_point t) {
  return std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
}
int64_t MicrosBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<microseconds>(b - a).count();
}
Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

std::string UserName(const Options& o, int i) { return o.user_prefix + std::to_string(i); }
std::string UserPassword(const std::string& name) { return "Bench-" + name + "-pw"; }

void RaiseFdLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

void PrintLatencies(const char* label, std::vector<int64_t> us) {
  std::sort(us.begin(), us.end());
  printf("   %s us (n=%zu): p50 %" PRId64 "  p90 %" PRId64 "  p99 %" PRId64 "  p99.9 %" PRId64 "  max %" PRId64 "\n",
         label, us.size(), Percentile(us, 50), Percentile(us, 90), Percentile(us, 99), Percentile(us, 99.9),
         us.empty() ? 0 : us.back());
}

// Keeps one connection's messages at most floor(rate) within any one-second interval (so also
// within the server's fixed one-second windows); rate 0 = no limit. Wait(reserve) returns when
// `reserve` messages (this one included) can be sent now, so a multi-message exchange that
// follows (a subscribe and its next_batch requests) is not delayed halfway.
class Pacer {
 public:
  explicit Pacer(double rate) : limit_(rate > 0 ? std::max(1, static_cast<int>(rate)) : 0) {}
  void Wait(int reserve = 1) {
    if (limit_ == 0) return;
    reserve = std::min(reserve, limit_);
    for (;;) {
      const auto now = Clock::now();
      while (!sent_.empty() && sent_.front() <= now - std::chrono::seconds(1)) sent_.pop_front();
      if (static_cast<int>(sent_.size()) + reserve <= limit_) break;
      std::this_thread::sleep_until(sent_[sent_.size() + reserve - limit_ - 1] + std::chrono::seconds(1));
    }
    sent_.push_back(Clock::now());
  }

 private:
  int limit_;
  std::deque<Clock::time_point> sent_;  // send times within the last second
};

// ---- SQL over HTTP (one blocking keep-alive connection) ---------------------------------------

struct SqlResponse {
  int status = 0;  // 0 = transport failure
  std::string body;
};

class SqlClient {
 public:
  explicit SqlClient(const Options& o)
      : host_(o.host), port_(o.port), authorization_(BasicAuthorization(o.user, o.password)) {}

  SqlResponse Run(const std::string& sql) {
    http::request<http::string_body> req{http::verb::post, "/v1/api/sql", 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    req.set(http::field::authorization, authorization_);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = "{\"sql\":" + JsonQuote(sql) + "}";
    req.prepare_payload();
    std::string failure;
    for (int attempt = 0; attempt < 2; ++attempt) {  // a kept-alive connection may have been closed
      beast::error_code ec;
      if (!stream_) {
        stream_.emplace(io_);
        stream_->connect(tcp::endpoint(net::ip::make_address(host_), static_cast<uint16_t>(port_)), ec);
        if (!ec) stream_->socket().set_option(tcp::no_delay(true), ec);
        if (ec) {
          stream_.reset();
          return {0, "connect: " + ec.message()};
        }
        buffer_.clear();
      }
      http::write(*stream_, req, ec);
      http::response_parser<http::string_body> parser;
      parser.body_limit(256 * 1024 * 1024);
      if (!ec) http::read(*stream_, buffer_, parser, ec);
      if (ec) {
        failure = ec.message();
        stream_.reset();
        continue;
      }
      auto res = parser.release();
      if (!res.keep_alive()) stream_.reset();
      return {static_cast<int>(res.result_int()), std::move(res.body())};
    }
    return {0, "transport: " + failure};
  }

 private:
  std::string host_;
  int port_;
  std::string authorization_;
  net::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

bool Must(SqlClient& sql, const std::string& text, std::string* body = nullptr) {
  const SqlResponse r = sql.Run(text);
  if (r.status != 200) {
    fprintf(stderr, "bench_live: setup failed: %.300s%s\n  -> HTTP %d %s\n", text.c_str(),
            text.size() > 300 ? "..." : "", r.status, r.body.substr(0, 2000).c_str());
    return false;
  }
  if (body) *body = r.body;
  return true;
}

// Creates users <prefix>0 .. <prefix>(n-1) (role user) unless they exist.
bool CreateUsers(const Options& o, SqlClient& sql, int n) {
  const auto t0 = Clock::now();
  constexpr int kPerRequest = 50;
  for (int first = 0; first < n; first += kPerRequest) {
    std::string batch;
    for (int i = first; i < std::min(n, first + kPerRequest); ++i) {
      const std::string name = UserName(o, i);
      batch += "CREATE USER IF NOT EXISTS '" + name + "' WITH PASSWORD '" + UserPassword(name) + "' ROLE 'user'; ";
    }
    if (!Must(sql, batch)) return false;
  }
  printf("   setup: %d user(s) ready in %.1f s\n", n, std::chrono::duration<double>(Clock::now() - t0).count());
  return true;
}

// Inserts `rows` rows for `user` into `table` in statements of at most 1000 rows.
bool InsertRowsAs(const Options& o, SqlClient& sql, const std::string& user, const std::string& table, int rows,
                  int* counter) {
  const std::string filler(static_cast<size_t>(o.body_bytes), 'x');
  for (int done = 0; done < rows;) {
    const int n = std::min(1000, rows - done);
    std::string stmt = "EXECUTE AS USER '" + user + "' (INSERT INTO " + table + " (body, sent_us) VALUES ";
    for (int i = 0; i < n; ++i) {
      stmt += (i ? ", ('" : "('") + std::to_string((*counter)++) + " " + filler + "', 0)";
    }
    stmt += ")";
    if (!Must(sql, stmt)) return false;
    done += n;
  }
  return true;
}

// ---- WebSocket connections ------------------------------------------------------------------------

class LiveConn;

// Receives everything the io threads read. Called on the connection's strand; calls for
// different connections may run in parallel.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void OnText(LiveConn& conn, std::string_view text, Clock::time_point arrival) = 0;
  virtual void OnClosed(LiveConn& conn, int code, const std::string& reason) = 0;
};

// One WebSocket driven by the shared io_context: a read is always pending (so server pings are
// answered), writes are queued on the connection's strand.
class LiveConn : public std::enable_shared_from_this<LiveConn> {
 public:
  LiveConn(std::unique_ptr<WsStream> ws, int index, std::shared_ptr<Sink> sink)
      : ws_(std::move(ws)), index_(index), sink_(std::move(sink)) {}

  int index() const { return index_; }
  bool closed() const { return closed_.load(); }
  int64_t base = 0;  // mode data: global index of this connection's first subscription
  int subs = 0;      // mode data: subscriptions on this connection

  void Start() {
    net::post(ws_->get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }
  void Send(std::string text) {
    net::post(ws_->get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_ || self->closing_) return;
      self->outq_.push_back(std::move(text));
      if (!self->writing_) self->DoWrite();
    });
  }
  // Sends a normal close once the queued messages are written; the pending read then ends.
  void Close() {
    net::post(ws_->get_executor(), [self = shared_from_this()] {
      if (self->closed_ || self->closing_) return;
      self->closing_ = true;
      if (!self->writing_) self->DoClose();
    });
  }

 private:
  void DoRead() { ws_->async_read(buffer_, beast::bind_front_handler(&LiveConn::OnRead, shared_from_this())); }
  void OnRead(beast::error_code ec, size_t) {
    const auto arrival = Clock::now();
    if (ec) {
      closed_ = true;
      const auto& reason = ws_->reason();
      const int code = reason.code ? static_cast<int>(reason.code) : (closing_ ? 1000 : 1006);
      sink_->OnClosed(*this, code,
                      reason.code ? std::string(reason.reason.data(), reason.reason.size()) : ec.message());
      return;
    }
    const auto data = buffer_.cdata();
    sink_->OnText(*this, std::string_view(static_cast<const char*>(data.data()), data.size()), arrival);
    buffer_.consume(buffer_.size());
    DoRead();
  }
  void DoWrite() {
    writing_ = true;
    ws_->async_write(net::buffer(outq_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->outq_.pop_front();
      if (ec) self->outq_.clear();
      if (self->outq_.empty()) {
        self->writing_ = false;
        if (!ec && self->closing_) self->DoClose();
        return;
      }
      self->DoWrite();
    });
  }
  // At most one write-type operation at a time: only called while no async_write is pending.
  void DoClose() {
    if (closed_) return;
    ws_->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
  }

  std::unique_ptr<WsStream> ws_;
  int index_;
  std::shared_ptr<Sink> sink_;  // shared: a late completion may still report to it
  beast::flat_buffer buffer_;
  std::deque<std::string> outq_;  // strand only
  bool writing_ = false;          // strand only
  bool closing_ = false;          // strand only
  std::atomic<bool> closed_{false};
};

// The shared io_context and its threads.
class IoPool {
 public:
  explicit IoPool(int threads) : guard_(net::make_work_guard(io_)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~IoPool() { Stop(); }
  net::any_io_executor NewStrand() { return net::make_strand(io_); }
  void Stop() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

// Counts what every mode counts: acks, errors, unexpected messages, closes.
class CountingSink : public Sink {
 public:
  std::atomic<int64_t> acks{0}, errors{0}, unexpected{0}, closes{0};

  void OnText(LiveConn& conn, std::string_view text, Clock::time_point arrival) override {
    auto msg = Parse(text);
    if (!msg) {
      Record("unparsable message: " + std::string(text.substr(0, 500)));
      ++unexpected;
      return;
    }
    const std::string_view type = StrField(*msg, "type");
    if (type == "change") {
      OnChange(conn, *msg, arrival);
    } else if (type == "subscription_ack") {
      ++acks;
    } else if (type == "error") {
      ++errors;
      Record("error message: " + std::string(text.substr(0, 500)));
    } else if (type != "pong" && type != "unsubscribed") {
      ++unexpected;
      Record("unexpected message: " + std::string(text.substr(0, 500)));
    }
  }
  void OnClosed(LiveConn&, int code, const std::string& reason) override {
    if (++closes == 1 && !stopping) Record("connection closed: " + std::to_string(code) + " " + reason);
  }
  virtual void OnChange(LiveConn&, simdjson::dom::element, Clock::time_point) { ++unexpected; }

  void Record(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_problem_.empty()) first_problem_ = what;
  }
  std::string first_problem() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_problem_;
  }
  std::atomic<bool> stopping{false};  // set before closing connections on purpose

 private:
  std::mutex mu_;
  std::string first_problem_;
};

// Opens `users.size()` authenticated connections in parallel on `setup_threads` threads.
// users[i] = user name of connection i. Returns false (after printing) on any failure.
bool OpenAll(const Options& o, IoPool& pool, const std::shared_ptr<Sink>& sink, const std::vector<std::string>& users,
             std::vector<std::shared_ptr<LiveConn>>* conns) {
  const auto t0 = Clock::now();
  conns->assign(users.size(), nullptr);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> threads;
  const int n = std::min<int>(o.setup_threads, static_cast<int>(users.size()));
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (size_t i; !failed && (i = next++) < users.size();) {
        std::string error;
        auto ws = OpenWs(pool.NewStrand(), o.host, o.port, BasicAuthorization(users[i], UserPassword(users[i])), &error);
        if (!ws) {
          failed = true;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) first_error = users[i] + ": " + error;
          return;
        }
        auto conn = std::make_shared<LiveConn>(std::move(ws), static_cast<int>(i), sink);
        conn->Start();
        (*conns)[i] = std::move(conn);
      }
    });
  }
  for (auto& t : threads) t.join();
  if (failed) {
    fprintf(stderr, "bench_live: opening WebSockets failed: %s\n", first_error.c_str());
    return false;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  printf("   setup: %zu WebSocket(s) open and authenticated in %.1f s (%.0f/s)\n", users.size(), s, users.size() / s);
  return true;
}

// Sends conn->subs subscribe messages on every connection, round by round, at most msg_rate per
// second per connection. make(conn, j) builds subscription j of a connection.
void SendSubscribes(const Options& o, const std::vector<std::shared_ptr<LiveConn>>& conns,
                    const std::function<std::string(const LiveConn&, int)>& make) {
  int rounds = 0;
  for (const auto& c : conns) rounds = std::max(rounds, c->subs);
  const auto start = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& c : conns) {
      if (r < c->subs) c->Send(make(*c, r));
    }
    if (o.msg_rate > 0 && r + 1 < rounds) std::this_thread::sleep_until(start + Seconds((r + 1) / o.msg_rate));
  }
}

// Waits until `acks` + `errors` reach `expected` (or `timeout`); true when all were acks.
bool WaitForAcks(CountingSink& sink, int64_t expected, std::chrono::seconds timeout, Clock::time_point* done_at) {
  const auto deadline = Clock::now() + timeout;
  while (sink.acks + sink.errors < expected && sink.errors == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (done_at) *done_at = Clock::now();
  if (sink.acks != expected) {
    fprintf(stderr, "bench_live: %" PRId64 " of %" PRId64 " subscriptions acknowledged, %" PRId64 " errors; %s\n",
            sink.acks.load(), expected, sink.errors.load(), sink.first_problem().c_str());
    return false;
  }
  return true;
}

void CloseAll(CountingSink& sink, const std::vector<std::shared_ptr<LiveConn>>& conns) {
  sink.stopping = true;
  for (const auto& c : conns) {
    if (c) c->Close();
  }
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  for (const auto& c : conns) {
    while (c && !c->closed() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// ---- latency ------------------------------------------------------------------------------------

constexpr char kLiveTable[] = "bench.live_msgs";
constexpr char kStreamTable[] = "bench.live_stream";  // --stream: rows live 60 s in memory
constexpr char kFanoutTable[] = "bench.fanout_msgs";
constexpr char kInitialTable[] = "bench.init_msgs";
constexpr char kResumeTable[] = "bench.resume_msgs";

std::string CreateTableSql(const char* kind, const std::string& table, const std::string& with = "") {
  return std::string("CREATE ") + kind + " TABLE IF NOT EXISTS " + table +
         " (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), body TEXT, sent_us BIGINT)" + with;
}

// Insert k carries body "<k>:<actual send µs>" and sent_us = its scheduled send time (µs on the
// steady clock, shared by every thread of this process).
class LatencySink : public CountingSink {
 public:
  LatencySink(int users, int64_t total) : users_(users), seen_(total), sched_us_(total, -1), actual_us_(total, -1) {}

  void OnChange(LiveConn& conn, simdjson::dom::element msg, Clock::time_point arrival) override {
    simdjson::dom::array rows;
    if (msg["rows"].get(rows) != simdjson::SUCCESS) {
      ++unexpected;
      return;
    }
    const int64_t now_us = SteadyMicros(arrival);
    for (auto row : rows) {
      const std::string_view body = StrField(row, "body");
      const auto sent_field = row["sent_us"];
      const auto sent = sent_field.error() ? std::nullopt : AsInt(sent_field.value_unsafe());
      const size_t colon = body.find(':');
      if (colon == std::string_view::npos || !sent) {
        ++unexpected;
        continue;
      }
      const int64_t k = std::strtoll(std::string(body.substr(0, colon)).c_str(), nullptr, 10);
      const int64_t actual = std::strtoll(std::string(body.substr(colon + 1)).c_str(), nullptr, 10);
      if (k < 0 || k >= static_cast<int64_t>(seen_.size())) {
        ++unexpected;  // e.g. a row of an earlier run
        continue;
      }
      if (k % users_ != conn.index()) ++misrouted;
      if (seen_[k].exchange(1)) {
        ++duplicates;
        continue;
      }
      ++received;
      sched_us_[k] = now_us - *sent;
      actual_us_[k] = now_us - actual;
    }
  }

  std::atomic<int64_t> received{0}, duplicates{0}, misrouted{0};
  bool seen(int64_t k) const { return seen_[k].load() != 0; }
  int64_t sched_latency(int64_t k) const { return sched_us_[k]; }
  int64_t actual_latency(int64_t k) const { return actual_us_[k]; }

 private:
  int users_;
  std::vector<std::atomic<uint8_t>> seen_;
  // Written once per k (guarded by seen_), read after the run.
  std::vector<int64_t> sched_us_;
  std::vector<int64_t> actual_us_;
};

int RunLatency(const Options& o) {
  printf("== bench_live mode=latency table=%s users=%d rate=%.0f/s duration=%.1fs warmup=%.1fs http-conns=%d\n",
         o.stream ? "stream" : "user", o.users, o.rate, o.duration_s, o.warmup_s, o.http_conns);
  SqlClient sql(o);
  const std::string table = o.stream ? kStreamTable : kLiveTable;
  if (!Must(sql, "CREATE NAMESPACE IF NOT EXISTS bench; " +
                     CreateTableSql(o.stream ? "STREAM" : "USER", table, o.stream ? " TTL 60" : ""))) {
    return 1;
  }
  if (!CreateUsers(o, sql, o.users)) return 1;

  const double total_s = o.warmup_s + o.duration_s;
  const int64_t total = static_cast<int64_t>(std::ceil(total_s * o.rate)) + 1;
  auto sink_ptr = std::make_shared<LatencySink>(o.users, total);
  LatencySink& sink = *sink_ptr;
  IoPool pool(o.io_threads);
  std::vector<std::string> names;
  for (int i = 0; i < o.users; ++i) names.push_back(UserName(o, i));
  std::vector<std::shared_ptr<LiveConn>> conns;
  if (!OpenAll(o, pool, sink_ptr, names, &conns)) return 1;
  for (auto& c : conns) c->subs = 1;
  SendSubscribes(o, conns, [&table](const LiveConn&, int) { return SubscribeMessage("live", "SELECT * FROM " + table); });
  if (!WaitForAcks(sink, o.users, std::chrono::seconds(120), nullptr)) return 1;
  printf("   setup: %d subscription(s) ready\n", o.users);

  // Open-loop generator: insert k is scheduled at start + k / rate; sender j sends k ≡ j (mod H).
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto window_start = start + Seconds(o.warmup_s);
  const auto end = start + Seconds(total_s);
  std::vector<std::atomic<uint8_t>> acked(static_cast<size_t>(total));
  std::atomic<int64_t> sent{0}, ok{0}, failed{0}, late_sends{0}, http_429{0};
  std::vector<std::vector<int64_t>> send_lags(static_cast<size_t>(o.http_conns));
  std::mutex error_mu;
  std::string first_error;
  std::vector<std::thread> senders;
  for (int j = 0; j < o.http_conns; ++j) {
    senders.emplace_back([&, j] {
      prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
      SqlClient client(o);
      for (int64_t k = j;; k += o.http_conns) {
        const auto scheduled = start + Seconds(k / o.rate);
        if (scheduled >= end || k >= total) break;
        if (Clock::now() < scheduled) std::this_thread::sleep_until(scheduled);
        const auto actual = Clock::now();
        if (actual - scheduled > std::chrono::milliseconds(1)) ++late_sends;
        if (scheduled >= window_start) send_lags[j].push_back(MicrosBetween(scheduled, actual));
        const std::string user = UserName(o, static_cast<int>(k % o.users));
        const std::string stmt = "EXECUTE AS USER '" + user + "' (INSERT INTO " + table +
                                 " (body, sent_us) VALUES ('" + std::to_string(k) + ":" +
                                 std::to_string(SteadyMicros(actual)) + "', " +
                                 std::to_string(SteadyMicros(scheduled)) + "))";
        ++sent;
        const SqlResponse r = client.Run(stmt);
        if (r.status == 200) {
          acked[k] = 1;
          ++ok;
        } else {
          ++failed;
          if (r.status == 429) ++http_429;
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.empty()) first_error = "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 1000);
        }
      }
    });
  }
  std::this_thread::sleep_until(window_start);
  const auto server_cpu_0 = ProcessCpuMicros(o.server_pid);
  const int64_t client_cpu_0 = SelfCpuMicros();
  std::this_thread::sleep_until(end);
  for (auto& t : senders) t.join();
  const auto server_cpu_1 = ProcessCpuMicros(o.server_pid);
  const int64_t client_cpu_1 = SelfCpuMicros();
  // Wait for the stragglers.
  const auto drain_deadline = Clock::now() + Seconds(o.drain_s);
  while (sink.received < ok && Clock::now() < drain_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int64_t closes = sink.closes.load();
  CloseAll(sink, conns);
  pool.Stop();  // joins the io threads: everything they recorded is visible from here on

  std::vector<int64_t> sched, actual;
  int64_t lost = 0, lost_in_window = 0, unacked_received = 0;
  for (int64_t k = 0; k < total; ++k) {
    const auto scheduled = start + Seconds(k / o.rate);
    const bool in_window = scheduled >= window_start && scheduled < end;
    if (acked[k] && !sink.seen(k)) {
      ++lost;
      if (in_window) ++lost_in_window;
    }
    if (!acked[k] && sink.seen(k)) ++unacked_received;
    if (in_window && sink.seen(k)) {
      sched.push_back(sink.sched_latency(k));
      actual.push_back(sink.actual_latency(k));
    }
  }
  printf("   inserts: sent %" PRId64 ", acknowledged %" PRId64 ", failed %" PRId64 " (%" PRId64 " x 429)\n",
         sent.load(), ok.load(), failed.load(), http_429.load());
  printf("   changes: received %" PRId64 ", lost %" PRId64 " (%" PRId64 " in the window), duplicates %" PRId64
         ", misrouted %" PRId64 ", received without ack %" PRId64 ", unexpected %" PRId64 "\n",
         sink.received.load(), lost, lost_in_window, sink.duplicates.load(), sink.misrouted.load(), unacked_received,
         sink.unexpected.load());
  PrintLatencies("latency from scheduled send", sched);
  PrintLatencies("latency from actual send   ", actual);
  std::vector<int64_t> lags;
  for (auto& v : send_lags) lags.insert(lags.end(), v.begin(), v.end());
  std::sort(lags.begin(), lags.end());
  printf("   open loop: send lag us p50 %" PRId64 "  p99 %" PRId64 "  max %" PRId64 "; %" PRId64 " sends > 1 ms late\n",
         Percentile(lags, 50), Percentile(lags, 99), lags.empty() ? 0 : lags.back(), late_sends.load());
  const double window_inserts = static_cast<double>(sched.size() + lost_in_window);
  if (server_cpu_0 && server_cpu_1 && window_inserts > 0) {
    const double cpu_us = static_cast<double>(*server_cpu_1 - *server_cpu_0);
    printf("   server CPU %.1f us/insert+delivery (%.2f cores busy)\n", cpu_us / window_inserts,
           cpu_us / 1e6 / o.duration_s);
  }
  printf("   client CPU %.2f cores busy\n", (client_cpu_1 - client_cpu_0) / 1e6 / o.duration_s);
  if (!first_error.empty()) printf("   first insert error: %s\n", first_error.c_str());
  if (http_429 > 0)
    printf(
        "   hint: 429 = per-user query rate of root; start the server with KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC=0\n");
  const std::string problem = sink.first_problem();
  if (!problem.empty()) printf("   first problem: %s\n", problem.c_str());
  const bool good = failed == 0 && lost == 0 && sink.duplicates == 0 && sink.misrouted == 0 && sink.errors == 0 &&
                    closes == 0 && !sched.empty();
  return good ? 0 : 1;
}

// ---- fanout -------------------------------------------------------------------------------------

// Insert i carries body "<i>"; subscription j of connection c has id "f<j>" and the global index
// c.base + j.
class FanoutSink : public CountingSink {
 public:
  FanoutSink(int64_t subs, int inserts)
      : subs_(subs),
        inserts_(inserts),
        seen_(static_cast<size_t>(subs * inserts)),
        counts_(inserts),
        first_(inserts),
        last_(inserts) {
    for (int i = 0; i < inserts; ++i) {
      first_[i] = INT64_MAX;
      last_[i] = 0;
    }
  }

  void OnChange(LiveConn& conn, simdjson::dom::element msg, Clock::time_point arrival) override {
    const std::string_view id = StrField(msg, "subscription_id");
    simdjson::dom::array rows;
    if (id.size() < 2 || id[0] != 'f' || msg["rows"].get(rows) != simdjson::SUCCESS) {
      ++unexpected;
      return;
    }
    const int j = std::atoi(std::string(id.substr(1)).c_str());
    const int64_t now_us = SteadyMicros(arrival);
    for (auto row : rows) {
      const std::string_view body = StrField(row, "body");
      const int i = body.empty() ? -1 : std::atoi(std::string(body).c_str());
      if (i < 0 || i >= inserts_ || j < 0 || j >= conn.subs) {
        ++unexpected;
        continue;
      }
      if (seen_[static_cast<size_t>((conn.base + j) * inserts_ + i)].exchange(1)) {
        ++duplicates;
        continue;
      }
      ++delivered;
      AtomicMin(first_[i], now_us);
      AtomicMax(last_[i], now_us);
      counts_[i].fetch_add(1);
    }
  }

  int64_t count(int i) const { return counts_[i].load(); }
  int64_t first_us(int i) const { return first_[i].load(); }
  int64_t last_us(int i) const { return last_[i].load(); }
  std::atomic<int64_t> delivered{0}, duplicates{0};

 private:
  static void AtomicMin(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load();
    while (v < cur && !a.compare_exchange_weak(cur, v)) {
    }
  }
  static void AtomicMax(std::atomic<int64_t>& a, int64_t v) {
    int64_t cur = a.load();
    while (v > cur && !a.compare_exchange_weak(cur, v)) {
    }
  }
  int64_t subs_;
  int inserts_;
  std::vector<std::atomic<uint8_t>> seen_;
  std::vector<std::atomic<int64_t>> counts_;
  std::vector<std::atomic<int64_t>> first_;
  std::vector<std::atomic<int64_t>> last_;
};

int RunFanout(const Options& o) {
  printf("== bench_live mode=fanout subs=%d conns=%d users=%d inserts=%d interval=%.1fs\n", o.subs, o.conns, o.users,
         o.inserts, o.interval_s);
  SqlClient sql(o);
  if (!Must(sql, "CREATE NAMESPACE IF NOT EXISTS bench; " +
                     CreateTableSql("SHARED", kFanoutTable, " WITH (ACCESS_LEVEL = 'PUBLIC')"))) {
    return 1;
  }
  if (!CreateUsers(o, sql, o.users)) return 1;

  auto sink_ptr = std::make_shared<FanoutSink>(o.subs, o.inserts);
  FanoutSink& sink = *sink_ptr;
  IoPool pool(o.io_threads);
  std::vector<std::string> names;
  for (int c = 0; c < o.conns; ++c) names.push_back(UserName(o, c % o.users));
  std::vector<std::shared_ptr<LiveConn>> conns;
  if (!OpenAll(o, pool, sink_ptr, names, &conns)) return 1;
  int64_t base = 0;
  for (int c = 0; c < o.conns; ++c) {
    conns[c]->subs = o.subs / o.conns + (c < o.subs % o.conns ? 1 : 0);
    conns[c]->base = base;
    base += conns[c]->subs;
  }
  const auto sub_start = Clock::now();
  SendSubscribes(o, conns, [](const LiveConn&, int j) {
    return SubscribeMessage("f" + std::to_string(j), std::string("SELECT * FROM ") + kFanoutTable);
  });
  Clock::time_point subs_done;
  if (!WaitForAcks(sink, o.subs, std::chrono::seconds(300), &subs_done)) return 1;
  printf("   setup: %d subscription(s) ready in %.2f s\n", o.subs,
         std::chrono::duration<double>(subs_done - sub_start).count());

  // Idle baseline of the server's CPU (heartbeats and the like) over one second.
  const auto idle_cpu_0 = ProcessCpuMicros(o.server_pid);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto idle_cpu_1 = ProcessCpuMicros(o.server_pid);

  const auto server_cpu_0 = ProcessCpuMicros(o.server_pid);
  const int64_t client_cpu_0 = SelfCpuMicros();
  const auto t_begin = Clock::now();
  std::vector<Clock::time_point> sent_at(o.inserts);
  std::vector<int64_t> all_us, first_us;
  bool ok = true;
  for (int i = 0; i < o.inserts; ++i) {
    std::this_thread::sleep_until(t_begin + Seconds(i * o.interval_s));
    sent_at[i] = Clock::now();
    const SqlResponse r = sql.Run(std::string("INSERT INTO ") + kFanoutTable + " (body, sent_us) VALUES ('" +
                                  std::to_string(i) + "', " + std::to_string(SteadyMicros(sent_at[i])) + ")");
    if (r.status != 200) {
      fprintf(stderr, "bench_live: insert %d failed: HTTP %d %s\n", i, r.status, r.body.substr(0, 1000).c_str());
      ok = false;
      break;
    }
    const auto deadline = sent_at[i] + std::chrono::seconds(30);
    while (sink.count(i) < o.subs && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    const int64_t got = sink.count(i);
    const int64_t t0 = SteadyMicros(sent_at[i]);
    const int64_t first = got ? sink.first_us(i) - t0 : -1;
    const int64_t last = got ? sink.last_us(i) - t0 : -1;
    printf("   insert %d: %" PRId64 "/%d delivered, first after %.2f ms, %s %.2f ms (%.0f msg/s)\n", i, got, o.subs,
           first / 1e3, got == o.subs ? "all after" : "LAST after", last / 1e3, last > 0 ? got * 1e6 / last : 0.0);
    if (got == o.subs) all_us.push_back(last);
    if (got) first_us.push_back(first);
    if (got != o.subs) ok = false;
  }
  const auto t_end = Clock::now();
  const auto server_cpu_1 = ProcessCpuMicros(o.server_pid);
  const int64_t client_cpu_1 = SelfCpuMicros();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // late duplicates, if any
  const int64_t closes = sink.closes.load();
  CloseAll(sink, conns);
  pool.Stop();

  PrintLatencies("time to first delivery  ", first_us);
  PrintLatencies("time to all S deliveries", all_us);
  int64_t sum_all = 0;
  for (int64_t v : all_us) sum_all += v;
  const int64_t delivered = sink.delivered.load();
  if (sum_all > 0)
    printf("   delivery rate %.0f msg/s (S / time-to-all, averaged over inserts)\n",
           all_us.size() * double(o.subs) * 1e6 / sum_all);
  printf("   delivered %" PRId64 " of %" PRId64 ", duplicates %" PRId64 ", errors %" PRId64 ", unexpected %" PRId64
         ", closed connections %" PRId64 "\n",
         delivered, int64_t(o.subs) * o.inserts, sink.duplicates.load(), sink.errors.load(), sink.unexpected.load(),
         closes);
  const double elapsed_s = std::chrono::duration<double>(t_end - t_begin).count();
  if (server_cpu_0 && server_cpu_1 && delivered > 0) {
    const double cpu_s = (*server_cpu_1 - *server_cpu_0) / 1e6;
    const double idle_per_s = idle_cpu_0 && idle_cpu_1 ? (*idle_cpu_1 - *idle_cpu_0) / 1e6 : 0;
    const double net_s = std::max(1e-9, cpu_s - idle_per_s * elapsed_s);
    printf(
        "   server CPU %.3f s over %.1f s (idle baseline %.3f cores): %.0f delivered msg per server CPU-second "
        "(%.0f net of the idle baseline)\n",
        cpu_s, elapsed_s, idle_per_s, delivered / std::max(1e-9, cpu_s), delivered / net_s);
  } else if (o.server_pid) {
    printf("   server CPU: /proc/%d/stat not readable\n", o.server_pid);
  }
  printf("   client CPU %.3f s\n", (client_cpu_1 - client_cpu_0) / 1e6);
  const std::string problem = sink.first_problem();
  if (!problem.empty()) printf("   first problem: %s\n", problem.c_str());
  return ok && sink.duplicates == 0 && sink.errors == 0 && closes == 0 ? 0 : 1;
}

// ---- idle ---------------------------------------------------------------------------------------

int RunIdle(const Options& o) {
  const int64_t total = int64_t(o.conns) * o.subs_per_conn;
  printf("== bench_live mode=idle conns=%d subs-per-conn=%d (%" PRId64 " subscriptions) users=%d hold=%.0fs\n", o.conns,
         o.subs_per_conn, total, o.users, o.hold_s);
  SqlClient sql(o);
  if (!Must(sql, "CREATE NAMESPACE IF NOT EXISTS bench; " + CreateTableSql("USER", kLiveTable))) return 1;
  if (!CreateUsers(o, sql, o.users)) return 1;

  auto sink_ptr = std::make_shared<CountingSink>();
  CountingSink& sink = *sink_ptr;
  IoPool pool(o.io_threads);
  const auto rss_0 = ProcessRssBytes(o.server_pid);
  std::vector<std::string> names;
  for (int c = 0; c < o.conns; ++c) names.push_back(UserName(o, c % o.users));
  std::vector<std::shared_ptr<LiveConn>> conns;
  if (!OpenAll(o, pool, sink_ptr, names, &conns)) return 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto rss_1 = ProcessRssBytes(o.server_pid);
  for (auto& c : conns) c->subs = o.subs_per_conn;
  const auto t0 = Clock::now();
  SendSubscribes(o, conns, [](const LiveConn&, int j) {
    return SubscribeMessage("i" + std::to_string(j), std::string("SELECT * FROM ") + kLiveTable);
  });
  Clock::time_point done;
  if (!WaitForAcks(sink, total, std::chrono::seconds(600), &done)) return 1;
  const double sub_s = std::chrono::duration<double>(done - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto rss_2 = ProcessRssBytes(o.server_pid);
  const auto cpu_hold_0 = ProcessCpuMicros(o.server_pid);
  std::this_thread::sleep_for(Seconds(o.hold_s));
  const auto cpu_hold_1 = ProcessCpuMicros(o.server_pid);
  const auto rss_3 = ProcessRssBytes(o.server_pid);
  const int64_t closes = sink.closes.load();

  printf("   subscribe: %" PRId64 " subscriptions in %.2f s = %.0f subscriptions/s%s\n", total, sub_s, total / sub_s,
         o.msg_rate > 0 ? " (client paced: see --msg-rate)" : "");
  if (rss_0 && rss_1 && rss_2 && rss_3) {
    const double mib = 1024.0 * 1024.0;
    printf(
        "   server RSS: before %.1f MiB, %d connections %.1f MiB, + subscriptions %.1f MiB, after %.0f s idle %.1f "
        "MiB\n",
        *rss_0 / mib, o.conns, *rss_1 / mib, *rss_2 / mib, o.hold_s, *rss_3 / mib);
    printf("   per connection %.0f bytes; per subscription %.0f bytes\n", double(*rss_1 - *rss_0) / o.conns,
           total ? double(*rss_2 - *rss_1) / total : 0.0);
  } else if (o.server_pid) {
    printf("   server RSS: /proc/%d/status not readable\n", o.server_pid);
  } else {
    printf("   server RSS: pass --server-pid\n");
  }
  if (cpu_hold_0 && cpu_hold_1 && o.hold_s > 0) {
    printf("   server CPU while idle: %.3f cores\n", (*cpu_hold_1 - *cpu_hold_0) / 1e6 / o.hold_s);
  }
  printf("   connections closed by the server during the run: %" PRId64 "; errors %" PRId64 ", unexpected %" PRId64
         "\n",
         closes, sink.errors.load(), sink.unexpected.load());
  const std::string problem = sink.first_problem();
  if (!problem.empty()) printf("   first problem: %s\n", problem.c_str());
  CloseAll(sink, conns);
  pool.Stop();
  return closes == 0 && sink.errors == 0 ? 0 : 1;
}

// ---- initial and resume ---------------------------------------------------------------------------

struct Received {
  std::string text;
  Clock::time_point arrival;
};

// Queues every message for a thread that waits on it.
class QueueSink : public Sink {
 public:
  void OnText(LiveConn&, std::string_view text, Clock::time_point arrival) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back({std::string(text), arrival});
    }
    cv_.notify_one();
  }
  void OnClosed(LiveConn&, int code, const std::string& reason) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      close_text_ = std::to_string(code) + " " + reason;
    }
    cv_.notify_one();
  }
  // The next message, or nullopt after `timeout` or when the connection closed.
  std::optional<Received> Pop(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    Received r = std::move(queue_.front());
    queue_.pop_front();
    return r;
  }
  std::string close_text() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ ? close_text_ : "timeout";
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Received> queue_;
  bool closed_ = false;
  std::string close_text_;
};

struct LoadResult {
  bool ok = false;
  int64_t rows = 0;
  int64_t deleted_rows = 0;  // rows with "_deleted": true
  int batches = 0;
  Clock::time_point ready_at;
  std::string ack_last_seq;
};

// Sends a subscribe on `conn` and reads until the `ready` batch (asking for each next batch).
// `expected_messages` = subscribe + next_batch requests it will take (reserved in the pacer).
LoadResult SubscribeAndLoad(LiveConn& conn, QueueSink& sink, Pacer& pacer, const std::string& id,
                            const std::string& sql, const std::string& options_json, int expected_messages,
                            Clock::time_point* sent_at) {
  LoadResult result;
  pacer.Wait(expected_messages);
  *sent_at = Clock::now();
  conn.Send(SubscribeMessage(id, sql, options_json));
  const bool expect_batches = !options_json.empty();
  for (;;) {
    auto m = sink.Pop(std::chrono::seconds(30));
    if (!m) {
      fprintf(stderr, "bench_live: no answer to subscribe '%s' (%s)\n", id.c_str(), sink.close_text().c_str());
      return result;
    }
    auto msg = Parse(m->text);
    if (!msg) continue;
    const std::string_view type = StrField(*msg, "type");
    if (type == "error") {
      fprintf(stderr, "bench_live: subscribe '%s' failed: %s\n", id.c_str(), m->text.c_str());
      return result;
    }
    const auto control = (*msg)["batch_control"];
    const std::string_view status = control.error() ? std::string_view() : StrField(control.value_unsafe(), "status");
    const std::string_view last =
        control.error() ? std::string_view() : StrField(control.value_unsafe(), "last_seq_id");
    if (type == "subscription_ack") {
      result.ack_last_seq = std::string(last);
      if (!expect_batches) {
        result.ok = true;
        result.ready_at = m->arrival;
        return result;
      }
      continue;
    }
    if (type != "initial_data_batch") continue;
    ++result.batches;
    simdjson::dom::array rows;
    if ((*msg)["rows"].get(rows) == simdjson::SUCCESS) {
      for (auto row : rows) {
        ++result.rows;
        bool deleted = false;
        if (row["_deleted"].get(deleted) == simdjson::SUCCESS && deleted) ++result.deleted_rows;
      }
    }
    if (status == "ready") {
      result.ok = true;
      result.ready_at = m->arrival;
      return result;
    }
    const std::string last_seq(last);  // `last` points into the parser, which Parse reuses
    pacer.Wait();
    conn.Send("{\"type\":\"next_batch\",\"subscription_id\":" + JsonQuote(id) +
              ",\"last_seq_id\":" + JsonQuote(last_seq) + "}");
  }
}

bool Unsubscribe(LiveConn& conn, QueueSink& sink, Pacer& pacer, const std::string& id) {
  pacer.Wait();
  conn.Send("{\"type\":\"unsubscribe\",\"subscription_id\":" + JsonQuote(id) + "}");
  for (;;) {
    auto m = sink.Pop(std::chrono::seconds(30));
    if (!m) return false;
    auto msg = Parse(m->text);
    if (msg && StrField(*msg, "type") == "unsubscribed") return true;
  }
}

std::shared_ptr<LiveConn> OpenOne(const Options& o, IoPool& pool, const std::shared_ptr<Sink>& sink,
                                  const std::string& user) {
  std::string error;
  auto ws = OpenWs(pool.NewStrand(), o.host, o.port, BasicAuthorization(user, UserPassword(user)), &error);
  if (!ws) {
    fprintf(stderr, "bench_live: WebSocket for %s: %s\n", user.c_str(), error.c_str());
    return nullptr;
  }
  auto conn = std::make_shared<LiveConn>(std::move(ws), 0, sink);
  conn->Start();
  return conn;
}

void PrintMillis(const char* label, std::vector<int64_t> us) {
  std::sort(us.begin(), us.end());
  printf("   %s ms (n=%zu): p50 %.2f  p99 %.2f  max %.2f\n", label, us.size(), Percentile(us, 50) / 1e3,
         Percentile(us, 99) / 1e3, us.empty() ? 0.0 : us.back() / 1e3);
}

// The subscribe plus one next_batch per batch after the first.
int MessagesToLoad(const Options& o) { return 1 + std::max(0, (o.rows + o.batch_size - 1) / o.batch_size - 1); }

std::string BatchOptions(const Options& o, const std::string& from = "") {
  std::string json = "{\"batch_size\":" + std::to_string(o.batch_size);
  if (!from.empty()) json += ",\"from\":" + JsonQuote(from);
  return json + "}";
}

int RunInitial(const Options& o) {
  printf("== bench_live mode=initial rows=%d batch-size=%d reps=%d body-bytes=%d\n", o.rows, o.batch_size, o.reps,
         o.body_bytes);
  SqlClient sql(o);
  const std::string user = UserName(o, 0);
  if (!Must(sql, "CREATE NAMESPACE IF NOT EXISTS bench; DROP TABLE IF EXISTS " + std::string(kInitialTable) + "; " +
                     CreateTableSql("USER", kInitialTable))) {
    return 1;
  }
  if (!CreateUsers(o, sql, 1)) return 1;
  int counter = 0;
  if (!InsertRowsAs(o, sql, user, kInitialTable, o.rows, &counter)) return 1;

  IoPool pool(o.io_threads);
  auto sink_ptr = std::make_shared<QueueSink>();
  QueueSink& sink = *sink_ptr;
  auto conn = OpenOne(o, pool, sink_ptr, user);
  if (!conn) return 1;
  Pacer pacer(o.msg_rate);
  std::vector<int64_t> ready_us;
  bool ok = true;
  int batches = 0;
  for (int rep = 0; rep < o.reps && ok; ++rep) {
    const std::string id = "r" + std::to_string(rep);
    Clock::time_point sent_at;
    const LoadResult r = SubscribeAndLoad(*conn, sink, pacer, id, std::string("SELECT * FROM ") + kInitialTable,
                                          BatchOptions(o), MessagesToLoad(o), &sent_at);
    if (!r.ok) {
      ok = false;
      break;
    }
    if (r.rows != o.rows) {
      fprintf(stderr, "bench_live: rep %d received %" PRId64 " rows, expected %d\n", rep, r.rows, o.rows);
      ok = false;
    }
    batches = r.batches;
    ready_us.push_back(MicrosBetween(sent_at, r.ready_at));
    if (!Unsubscribe(*conn, sink, pacer, id)) {
      fprintf(stderr, "bench_live: no 'unsubscribed' for %s\n", id.c_str());
      ok = false;
    }
  }
  conn->Close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pool.Stop();
  printf("   %d rows in %d batch(es) per subscription\n", o.rows, batches);
  PrintMillis("subscribe -> ready", ready_us);
  return ok ? 0 : 1;
}

int RunResume(const Options& o) {
  printf("== bench_live mode=resume rows=%d batch-size=%d reps=%d body-bytes=%d\n", o.rows, o.batch_size, o.reps,
         o.body_bytes);
  SqlClient sql(o);
  const std::string user = UserName(o, 0);
  if (!Must(sql, "CREATE NAMESPACE IF NOT EXISTS bench; DROP TABLE IF EXISTS " + std::string(kResumeTable) + "; " +
                     CreateTableSql("USER", kResumeTable))) {
    return 1;
  }
  if (!CreateUsers(o, sql, 1)) return 1;

  IoPool pool(o.io_threads);
  const std::string select = std::string("SELECT * FROM ") + kResumeTable;
  std::vector<int64_t> total_us, subscribe_us;
  int counter = 0;
  bool ok = true;
  int batches = 0;
  for (int rep = 0; rep < o.reps && ok; ++rep) {
    // 1. Checkpoint: the ack's last_seq_id of a subscription without options.
    std::string checkpoint;
    {
      auto sink_ptr = std::make_shared<QueueSink>();
      QueueSink& sink = *sink_ptr;
      auto conn = OpenOne(o, pool, sink_ptr, user);
      if (!conn) return 1;
      Pacer pacer(o.msg_rate);
      Clock::time_point sent_at;
      const LoadResult r = SubscribeAndLoad(*conn, sink, pacer, "s", select, "", 1, &sent_at);
      conn->Close();
      const auto deadline = Clock::now() + std::chrono::seconds(3);
      while (!conn->closed() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!r.ok || r.ack_last_seq.empty()) {
        fprintf(stderr, "bench_live: rep %d: no checkpoint from the ack\n", rep);
        return 1;
      }
      checkpoint = r.ack_last_seq;
    }
    // 2. Missed writes.
    if (!InsertRowsAs(o, sql, user, kResumeTable, o.rows, &counter)) return 1;
    // 3. Reconnect and resume.
    auto sink_ptr = std::make_shared<QueueSink>();
    QueueSink& sink = *sink_ptr;
    const auto t0 = Clock::now();
    auto conn = OpenOne(o, pool, sink_ptr, user);
    if (!conn) return 1;
    Pacer pacer(o.msg_rate);
    Clock::time_point sent_at;
    const LoadResult r =
        SubscribeAndLoad(*conn, sink, pacer, "s", select, BatchOptions(o, checkpoint), MessagesToLoad(o), &sent_at);
    if (!r.ok) {
      ok = false;
    } else {
      if (r.rows != o.rows || r.deleted_rows != 0) {
        fprintf(stderr, "bench_live: rep %d resumed %" PRId64 " rows (%" PRId64 " deleted), expected %d\n", rep, r.rows,
                r.deleted_rows, o.rows);
        ok = false;
      }
      batches = r.batches;
      total_us.push_back(MicrosBetween(t0, r.ready_at));
      subscribe_us.push_back(MicrosBetween(sent_at, r.ready_at));
    }
    conn->Close();
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    while (!conn->closed() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  pool.Stop();
  printf("   %d missed rows per resume, %d batch(es)\n", o.rows, batches);
  PrintMillis("reconnect+auth+subscribe -> ready", total_us);
  PrintMillis("subscribe -> ready               ", subscribe_us);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  RaiseFdLimit();
  setvbuf(stdout, nullptr, _IOLBF, 0);
  switch (o.mode) {
    case Mode::kLatency: return RunLatency(o);
    case Mode::kFanout: return RunFanout(o);
    case Mode::kIdle: return RunIdle(o);
    case Mode::kInitial: return RunInitial(o);
    case Mode::kResume: return RunResume(o);
  }
  fprintf(stderr, "bench_live: %s not implemented\n", ModeName(o.mode));
  return 64;
}
