#include "metrics_route.h"

#include <cinttypes>
#include <cstdio>
#include <string>

#include "json_error.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/json_writer.h"
#include "kalam/commons/role.h"

namespace kalam::api {
namespace {

// Appends Prometheus text exposition lines (format 0.0.4). Label values here come from fixed
// lists (routes, kinds, codes, job types), so they need no escaping.
class PrometheusText {
 public:
  explicit PrometheusText(std::string* out) : out_(*out) {}

  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  // `labels` is the inside of {…} without braces ("" = none).
  void Sample(std::string_view name, std::string_view labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), " %.17g\n", value);
    out_ += buffer;
  }
  void Sample(std::string_view name, std::string_view labels, uint64_t value) {
    Sample(name, labels, static_cast<double>(value));
  }

  void Histogram(std::string_view name, const std::string& labels, const LatencyHistogram::Snapshot& h) {
    const std::string prefix = labels.empty() ? "" : labels + ",";
    for (size_t i = 0; i < LatencyHistogram::kBoundsSeconds.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof(le), "le=\"%g\"", LatencyHistogram::kBoundsSeconds[i]);
      Sample(std::string(name) + "_bucket", prefix + le, h.cumulative[i]);
    }
    Sample(std::string(name) + "_bucket", prefix + "le=\"+Inf\"", h.count());
    Sample(std::string(name) + "_sum", labels, h.sum_seconds);
    Sample(std::string(name) + "_count", labels, h.count());
  }

 private:
  std::string& out_;
};


}  // namespace

uint64_t MetricsRoute::ColdBytes() {
  std::lock_guard lock(cold_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (cold_read_at_ == std::chrono::steady_clock::time_point{} || now - cold_read_at_ >= kColdBytesRefresh) {
    cold_bytes_ = engine_.ColdTierBytes();
    cold_read_at_ = now;
  }
  return cold_bytes_;
}

void MetricsRoute::Handle(const HttpRequest& request, const live::LiveQueryManager* live, HttpResponse& response) {
  if (!request.client_loopback) {
    if (!allow_remote_) {
      return JsonError(response, 403, "FORBIDDEN",
                    "Metrics endpoint is localhost-only (security.metrics_allow_remote is off)");
    }
    auth::AuthOutcome outcome =
        auth_.AuthenticateHeader(request.Header("authorization"), request.client_ip, NowMicros(),
                                 request.auth_charged ? auth::RateCharge::kAlreadyCharged : auth::RateCharge::kCharge);
    if (std::holds_alternative<auth::AuthError>(outcome)) {
      response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"kalamdb\"");
      return JsonError(response, 401, "unauthorized", "Admin credentials required");
    }
    const auth::Identity& identity = std::get<auth::Identity>(outcome);
    response.trace.user = identity.user.str();
    if (!IsAdmin(identity.role)) return JsonError(response, 403, "FORBIDDEN", "Metrics require the dba or system role");
  }

  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body.clear();
  response.body.reserve(64 * 1024);
  PrometheusText text(&response.body);

  text.Family("kalamdb_http_request_duration_seconds", "histogram",
              "Time from a request's arrival to its answer, by route and first statement kind.");
  for (size_t r = 0; r < kMetricRouteCount; ++r) {
    for (size_t k = 0; k < kStatementKindCount; ++k) {
      const LatencyHistogram::Snapshot h = metrics_.latency[r][k].Read();
      if (h.count() == 0) continue;
      text.Histogram("kalamdb_http_request_duration_seconds",
                     "route=\"" + std::string(MetricRouteName(static_cast<MetricRoute>(r))) + "\",statement=\"" +
                         std::string(StatementKindName(static_cast<StatementKind>(k))) + "\"",
                     h);
    }
  }
  text.Family("kalamdb_http_responses_total", "counter", "Answers by route and HTTP status class.");
  for (size_t r = 0; r < kMetricRouteCount; ++r) {
    for (size_t c = 0; c < 5; ++c) {
      const uint64_t n = metrics_.responses[r][c].value();
      if (n == 0) continue;
      text.Sample("kalamdb_http_responses_total",
                  "route=\"" + std::string(MetricRouteName(static_cast<MetricRoute>(r))) + "\",status=\"" +
                      std::to_string(c + 1) + "xx\"",
                  n);
    }
  }
  text.Family("kalamdb_errors_total", "counter", "Failed answers by error code.");
  for (size_t i = 0; i < kMetricErrorCodes.size(); ++i) {
    const uint64_t n = metrics_.errors[i].value();
    if (n > 0) text.Sample("kalamdb_errors_total", "code=\"" + std::string(kMetricErrorCodes[i]) + "\"", n);
  }

  text.Family("kalamdb_http_connections", "gauge", "Open HTTP connections (WebSockets excluded).");
  text.Sample("kalamdb_http_connections", "", static_cast<double>(metrics_.http_connections.value()));
  text.Family("kalamdb_websocket_connections", "gauge", "Open WebSocket connections.");
  text.Sample("kalamdb_websocket_connections", "", static_cast<double>(metrics_.websocket_connections.value()));
  text.Family("kalamdb_live_subscriptions", "gauge", "Active live-query subscriptions.");
  text.Sample("kalamdb_live_subscriptions", "", static_cast<uint64_t>(live ? live->ActiveCount() : 0));

  const EngineMetrics& engine_metrics = ProcessMetrics();
  text.Family("kalamdb_change_deliveries_total", "counter", "Change notifications handed to subscribers.");
  text.Sample("kalamdb_change_deliveries_total", "", engine_metrics.change_deliveries.value());
  text.Family("kalamdb_change_delivery_lag_seconds", "histogram", "Time from a change's commit to its fan-out.");
  text.Histogram("kalamdb_change_delivery_lag_seconds", "", engine_metrics.delivery_lag.Read());

  text.Family("kalamdb_flush_rows_total", "counter", "Row versions written to Parquet by flushes.");
  text.Sample("kalamdb_flush_rows_total", "", engine_metrics.flush_rows.value());
  text.Family("kalamdb_flush_files_total", "counter", "Parquet files written by flushes.");
  text.Sample("kalamdb_flush_files_total", "", engine_metrics.flush_files.value());
  text.Family("kalamdb_jobs_finished_total", "counter",
              "Background jobs that reached a final state, by type and status.");
  for (size_t t = 0; t < EngineMetrics::kJobTypes; ++t) {
    for (size_t s = 0; s < EngineMetrics::kJobStatuses; ++s) {
      const uint64_t n = engine_metrics.jobs_finished[t][s].value();
      if (n == 0) continue;
      text.Sample("kalamdb_jobs_finished_total",
                  "type=\"" + std::string(JobTypeName(static_cast<JobType>(t))) + "\",status=\"" +
                      std::string(JobStatusName(static_cast<JobStatus>(s))) + "\"",
                  n);
    }
  }

  const store::StoreStats store = engine_.backend().Stats();
  text.Family("kalamdb_rocksdb_write_stalls_total", "counter", "Times RocksDB slowed down or stopped writes.");
  text.Sample("kalamdb_rocksdb_write_stalls_total", "", store.write_stalls);
  text.Family("kalamdb_rocksdb_writes_stopped", "gauge", "1 while a write stall stops writes.");
  text.Sample("kalamdb_rocksdb_writes_stopped", "", static_cast<uint64_t>(store.writes_stopped ? 1 : 0));
  text.Family("kalamdb_rocksdb_delayed_write_rate_bytes", "gauge", "Rate writes are throttled to; 0 = not throttled.");
  text.Sample("kalamdb_rocksdb_delayed_write_rate_bytes", "", store.delayed_write_rate);
  text.Family("kalamdb_rocksdb_compactions_total", "counter",
              "Compaction runs finished (memtable flushes to L0 included).");
  text.Sample("kalamdb_rocksdb_compactions_total", "", store.compactions);
  text.Family("kalamdb_rocksdb_running_compactions", "gauge", "Compactions running now.");
  text.Sample("kalamdb_rocksdb_running_compactions", "", store.running_compactions);
  text.Family("kalamdb_rocksdb_running_flushes", "gauge", "Memtable flushes running now.");
  text.Sample("kalamdb_rocksdb_running_flushes", "", store.running_flushes);
  text.Family("kalamdb_rocksdb_pending_compaction_bytes", "gauge", "Bytes compaction still has to rewrite (estimate).");
  text.Sample("kalamdb_rocksdb_pending_compaction_bytes", "", store.pending_compaction_bytes);

  text.Family("kalamdb_hot_bytes", "gauge", "Bytes of the hot tier: RocksDB SST files plus memtables.");
  text.Sample("kalamdb_hot_bytes", "", store.sst_bytes + store.memtable_bytes);
  text.Family("kalamdb_cold_bytes", "gauge",
              "Bytes of Parquet segments in filesystem storages (refreshed every 30 s).");
  text.Sample("kalamdb_cold_bytes", "", ColdBytes());
}

}  // namespace kalam::api
