// The PostgreSQL peer of `bench_live --mode latency --stream`: LISTEN/NOTIFY fan-out without a
// table (insert-free `pg_notify`). --listeners connections each LISTEN on a channel of their own
// (`u<i>`); an open-loop generator sends --rate notifications/s for --duration s over
// --conns connections, notification k going to channel `u<k % listeners>` with payload
// "<k>:<scheduled µs>:<actual send µs>". Latency = arrival at the listener minus (a) the
// scheduled send time (no coordinated omission) and (b) the actual send time, as bench_live
// reports them. Reports sent, received, lost, p50/p90/p99/max in µs.
//
// Usage: bench_pg_notify --conninfo "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//                        [--listeners 1000] [--rate 5000] [--duration 10] [--warmup 1] [--conns 8]
//                        [--drain 5]
// Exit status: 0 ok; 1 connection failure or losses; 64 usage.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string conninfo = "host=127.0.0.1 user=postgres dbname=postgres";
  int listeners = 1000;
  double rate = 5000;
  double duration_s = 10;
  double warmup_s = 1;
  int conns = 8;
  double drain_s = 5;
};

int64_t Micros(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) {
      fprintf(stderr, "bench_pg_notify: %s needs a value\n", argv[i]);
      exit(64);
    }
    const char* value = argv[++i];
    if (arg == "--conninfo") {
      o.conninfo = value;
    } else if (arg == "--listeners") {
      o.listeners = std::atoi(value);
    } else if (arg == "--rate") {
      o.rate = std::atof(value);
    } else if (arg == "--duration") {
      o.duration_s = std::atof(value);
    } else if (arg == "--warmup") {
      o.warmup_s = std::atof(value);
    } else if (arg == "--conns") {
      o.conns = std::atoi(value);
    } else if (arg == "--drain") {
      o.drain_s = std::atof(value);
    } else {
      fprintf(stderr, "bench_pg_notify: unknown option %s\n", argv[i - 1]);
      exit(64);
    }
  }
  if (o.listeners < 1 || o.rate <= 0 || o.conns < 1) exit(64);
  return o;
}

PGconn* Connect(const Options& o) {
  PGconn* c = PQconnectdb(o.conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "connect: %s", PQerrorMessage(c));
    exit(1);
  }
  return c;
}

bool Exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) fprintf(stderr, "%s: %s", sql.c_str(), PQerrorMessage(c));
  PQclear(r);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  printf("== bench_pg_notify listeners=%d rate=%.0f/s duration=%.1fs warmup=%.1fs conns=%d\n", o.listeners, o.rate,
         o.duration_s, o.warmup_s, o.conns);
  std::vector<PGconn*> listeners;
  for (int i = 0; i < o.listeners; ++i) {
    listeners.push_back(Connect(o));
    if (!Exec(listeners.back(), "LISTEN u" + std::to_string(i))) return 1;
  }
  const double total_s = o.warmup_s + o.duration_s;
  const int64_t total = static_cast<int64_t>(total_s * o.rate) + 1;
  std::vector<int64_t> latency(static_cast<size_t>(total), -1);
  std::vector<int64_t> actual_latency(static_cast<size_t>(total), -1);
  std::atomic<int64_t> received{0}, misrouted{0}, sent{0}, failed{0};
  std::atomic<bool> stop{false};

  // One thread reads every listener (poll), as an event loop would.
  std::thread reader([&] {
    std::vector<pollfd> fds(listeners.size());
    for (size_t i = 0; i < listeners.size(); ++i) fds[i] = pollfd{PQsocket(listeners[i]), POLLIN, 0};
    while (!stop.load()) {
      if (poll(fds.data(), fds.size(), 50) <= 0) continue;
      const auto arrival = Clock::now();
      for (size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & POLLIN)) continue;
        PQconsumeInput(listeners[i]);
        while (PGnotify* n = PQnotifies(listeners[i])) {
          const std::string_view payload = n->extra;
          const size_t colon = payload.find(':');
          const size_t colon2 = payload.find(':', colon + 1);
          const int64_t k = std::atoll(std::string(payload.substr(0, colon)).c_str());
          const int64_t scheduled = std::atoll(std::string(payload.substr(colon + 1, colon2 - colon - 1)).c_str());
          const int64_t actual = std::atoll(std::string(payload.substr(colon2 + 1)).c_str());
          if (k >= 0 && k < total && latency[k] < 0) {
            if (k % o.listeners != static_cast<int64_t>(i)) ++misrouted;
            latency[k] = Micros(arrival) - scheduled;
            actual_latency[k] = Micros(arrival) - actual;
            ++received;
          }
          PQfreemem(n);
        }
      }
    }
  });

  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(total_s));
  std::vector<std::thread> senders;
  for (int j = 0; j < o.conns; ++j) {
    senders.emplace_back([&, j] {
      PGconn* c = Connect(o);
      for (int64_t k = j; k < total; k += o.conns) {
        const auto scheduled =
            start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(k / o.rate));
        if (scheduled >= end) break;
        std::this_thread::sleep_until(scheduled);
        const std::string sql = "SELECT pg_notify('u" + std::to_string(k % o.listeners) + "', '" + std::to_string(k) +
                                ":" + std::to_string(Micros(scheduled)) + ":" + std::to_string(Micros(Clock::now())) +
                                "')";
        ++sent;
        if (!Exec(c, sql)) ++failed;
      }
      PQfinish(c);
    });
  }
  for (auto& t : senders) t.join();
  const auto drain_until =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.drain_s));
  while (received.load() < sent.load() - failed.load() && Clock::now() < drain_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  reader.join();
  for (PGconn* c : listeners) PQfinish(c);

  // Latencies of the measured window (after the warm-up).
  const int64_t first = static_cast<int64_t>(o.warmup_s * o.rate);
  std::vector<int64_t> window, actual_window;
  int64_t lost = 0;
  for (int64_t k = first; k < sent.load(); ++k) {
    if (latency[k] < 0) {
      ++lost;
    } else {
      window.push_back(latency[k]);
      actual_window.push_back(actual_latency[k]);
    }
  }
  std::sort(window.begin(), window.end());
  std::sort(actual_window.begin(), actual_window.end());
  auto pct_of = [](const std::vector<int64_t>& v, double p) -> long long {
    return v.empty() ? -1 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
  };
  auto pct = [&](double p) { return pct_of(window, p); };
  printf("   sent %lld, failed %lld, received %lld, lost (window) %lld, misrouted %lld\n",
         static_cast<long long>(sent.load()), static_cast<long long>(failed.load()),
         static_cast<long long>(received.load()), static_cast<long long>(lost),
         static_cast<long long>(misrouted.load()));
  printf("   notify->listener latency (µs, from scheduled send): p50 %lld  p90 %lld  p99 %lld  max %lld\n",
         static_cast<long long>(pct(0.50)), static_cast<long long>(pct(0.90)), static_cast<long long>(pct(0.99)),
         static_cast<long long>(window.empty() ? -1 : window.back()));
  printf("   notify->listener latency (µs, from actual send):    p50 %lld  p90 %lld  p99 %lld  max %lld\n",
         pct_of(actual_window, 0.50), pct_of(actual_window, 0.90), pct_of(actual_window, 0.99),
         actual_window.empty() ? -1LL : static_cast<long long>(actual_window.back()));
  return lost == 0 && failed.load() == 0 ? 0 : 1;
}
