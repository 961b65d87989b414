// kalamdb-server: loads the configuration, opens the engine, bootstraps root, serves HTTP
// until SIGINT/SIGTERM, then shuts down in order (stop accepting, drain, close storage).
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "kalam/api/api_service.h"
#include "kalam/api/http_server.h"
#include "kalam/api/ip_range.h"
#include "kalam/auth/jwt.h"
#include "kalam/auth/password_policy.h"
#include "kalam/commons/names.h"
#include "kalam/core/engine.h"
#include "kalam/jobs/engine_executors.h"
#include "kalam/jobs/flush_scheduler.h"
#include "kalam/live/live_query_manager.h"
#include "kalam/jobs/job_manager.h"
#include "kalam/jobs/maintenance_scheduler.h"
#include "kalam/jobs/stream_eviction_scheduler.h"
#include "kalam/system/job_repository.h"
#include "kalam/server/config_loader.h"
#include "kalam/server/data_dir_lock.h"
#include "kalam/server/json_log_format.h"
#ifdef KALAMDB_FAILPOINT_CONTROL
#include "failpoint_control.h"
#endif

extern char** environ;

namespace {

using kalam::Result;
using kalam::ServerConfig;
using kalam::Status;

constexpr const char* kPlaceholderSecrets[] = {"secret", "changeme", "change-me", "your-secret-key",
                                               "kalamdb-secret", "jwt-secret", "default"};

// The JWT secret: configured, else the one kept in the data directory (created once).
Result<std::string> ResolveJwtSecret(const ServerConfig& config) {
  const std::string& configured = config.auth.jwt_secret;
  if (!configured.empty()) {
    const bool placeholder = std::any_of(std::begin(kPlaceholderSecrets), std::end(kPlaceholderSecrets),
                                         [&](const char* p) { return kalam::ToLower(configured) == p; });
    if ((configured.size() < 32 || placeholder) && !kalam::IsLoopbackHost(config.server.host)) {
      return Status::InvalidArgument(
          "auth.jwt_secret must be at least 32 characters and not a placeholder when binding to a non-loopback "
          "address");
    }
    return configured;
  }
  const std::filesystem::path path = std::filesystem::path(config.storage.data_path) / "jwt.secret";
  std::error_code ec;
  std::filesystem::create_directories(config.storage.data_path, ec);
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::string secret;
    std::getline(in, secret);
    if (secret.size() >= 32) return secret;
  }
  std::string secret = kalam::auth::GenerateJwtSecret();
  {
    std::ofstream out(path, std::ios::trunc);
    out << secret << "\n";
    if (!out) return Status::IoError("cannot write " + path.string());
  }
  ::chmod(path.c_str(), 0600);
  return secret;
}

Status BootstrapRoot(const ServerConfig& config, kalam::auth::AuthService& auth) {
  if (!config.auth.root_password.empty()) return auth.ApplyRootPassword(config.auth.root_password);
  KALAM_ASSIGN_OR_RETURN(bool has_password, auth.RootHasPassword());
  if (has_password) return Status::Ok();
  if (!kalam::IsLoopbackHost(config.server.host)) {
    spdlog::warn("root has no password: complete setup with POST /v1/api/auth/setup from this machine");
    return Status::Ok();
  }
  const std::string generated = kalam::auth::GenerateRandomPassword(24);
  KALAM_RETURN_IF_ERROR(auth.ApplyRootPassword(generated));
  std::cout << "Generated root password: " << generated << std::endl;
  return Status::Ok();
}

// A rate-limit setting as the api module's unsigned limit (0 = off); huge values saturate.
uint32_t Limit(int64_t value) { return static_cast<uint32_t>(std::clamp<int64_t>(value, 0, UINT32_MAX)); }

Result<kalam::api::ApiOptions> MakeApiOptions(const ServerConfig& config) {
  kalam::api::ApiOptions options;
  options.limits.max_sql_bytes = static_cast<size_t>(config.limits.max_sql_bytes);
  options.limits.max_parameters = static_cast<size_t>(config.limits.max_parameters);
  options.limits.max_parameter_size_bytes = static_cast<size_t>(config.limits.max_parameter_size_bytes);
  options.build_date = KALAMDB_BUILD_DATE;
  const auto& rate = config.rate_limit;
  options.protection.enabled = rate.enable_connection_protection;
  options.protection.exempt_loopback = rate.exempt_loopback;
  options.protection.max_connections_per_ip = Limit(rate.max_connections_per_ip);
  options.protection.max_requests_per_ip_per_sec = Limit(rate.max_requests_per_ip_per_sec);
  options.protection.ban_duration_seconds = Limit(rate.ban_duration_seconds);
  options.max_queries_per_sec = Limit(rate.max_queries_per_sec);
  options.cors_allowed_origins = config.security.cors_allowed_origins;
  options.metrics_allow_remote = config.security.metrics_allow_remote;
  for (const std::string& cidr : config.security.trusted_proxy_ranges) {
    auto range = kalam::api::IpRange::Parse(cidr);
    if (!range) {
      return Status::InvalidArgument("invalid value for security.trusted_proxy_ranges: '" + cidr +
                                     "' is not an address or CIDR block");
    }
    options.trusted_proxies.push_back(*range);
  }
  options.cookie_secure = config.auth.cookie_secure;
  options.allow_remote_setup = config.auth.allow_remote_setup;
  options.slow_request_threshold_ms = config.logging.slow_query_threshold_ms;
  const auto& ws = config.websocket;
  options.websocket.client_timeout_secs = Limit(ws.client_timeout_secs);
  options.websocket.auth_timeout_secs = Limit(ws.auth_timeout_secs);
  options.websocket.heartbeat_interval_secs = Limit(ws.heartbeat_interval_secs);
  options.websocket.max_message_size = static_cast<size_t>(ws.max_message_size);
  options.websocket.compression = ws.compression;
  options.websocket.max_outbound_bytes = static_cast<size_t>(ws.max_outbound_bytes);
  options.websocket.max_messages_per_sec = Limit(rate.max_messages_per_sec);
  options.public_origin = config.server.public_origin;
  while (!options.public_origin.empty() && options.public_origin.back() == '/') options.public_origin.pop_back();
  return options;
}

spdlog::level::level_enum LogLevel(const std::string& level) {
  const std::string l = kalam::ToLower(level);
  if (l == "trace") return spdlog::level::trace;
  if (l == "debug") return spdlog::level::debug;
  if (l == "warn") return spdlog::level::warn;
  if (l == "error") return spdlog::level::err;
  if (l == "off") return spdlog::level::off;
  return spdlog::level::info;
}

int Run(int argc, char** argv) {
  kalam::server::CommandLine flags;
  CLI::App app{"KalamDB server"};
  app.add_option("--config", flags.config_path, "Path to server.toml");
  app.add_option("--data-dir", flags.data_dir, "Data directory (storage.data_path)");
  app.add_option("--host", flags.host, "Address to bind (server.host)");
  app.add_option("--port", flags.port, "Port to bind, 0 = any (server.port)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  // Signals are taken synchronously by this thread. Blocked before any other thread exists
  // (RocksDB, DuckDB and the HTTP server all start threads), so every thread inherits the
  // mask and SIGTERM always reaches the orderly shutdown below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = kalam::server::LoadConfig(flags, environ);
  if (!loaded.ok()) {
    std::cerr << "kalamdb-server: " << loaded.status().message() << std::endl;
    return 1;
  }
  const ServerConfig& config = loaded->config;
  spdlog::set_level(LogLevel(config.logging.level));
  if (config.logging.format == "json") {
    spdlog::set_formatter(kalam::server::MakeJsonLogFormatter());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  for (const std::string& warning : loaded->warnings) spdlog::warn("{}", warning);

  // Before anything is written to the data directory (jwt.secret, RocksDB).
  auto data_dir_lock = kalam::server::DataDirLock::Acquire(config.storage.data_path);
  if (!data_dir_lock.ok()) {
    std::cerr << "kalamdb-server: " << data_dir_lock.status().message() << std::endl;
    return 1;
  }

  auto secret = ResolveJwtSecret(config);
  if (!secret.ok()) {
    std::cerr << "kalamdb-server: " << secret.status().message() << std::endl;
    return 1;
  }

  auto api_options = MakeApiOptions(config);
  if (!api_options.ok()) {
    std::cerr << "kalamdb-server: " << api_options.status().message() << std::endl;
    return 1;
  }

  kalam::EngineConfig engine_config;
  engine_config.data_path = config.storage.data_path;
  engine_config.default_flush_row_limit = static_cast<uint32_t>(config.flush.default_row_limit);
  engine_config.default_flush_interval_seconds = static_cast<uint32_t>(config.flush.default_time_interval);
  engine_config.default_deleted_retention_hours = static_cast<uint32_t>(config.retention.default_deleted_retention_hours);
  engine_config.compaction_max_segments_per_scope = static_cast<uint32_t>(config.compaction.max_segments_per_scope);
  engine_config.backup_max_bytes_per_sec = static_cast<uint64_t>(config.backup.max_bytes_per_sec);
  engine_config.cold_read_cache_bytes = static_cast<uint64_t>(config.storage.cold_read_cache_bytes);
  engine_config.stream_default_ttl_seconds = static_cast<uint32_t>(config.stream.default_ttl_seconds);
  engine_config.stream_default_max_buffer = static_cast<uint32_t>(config.stream.default_max_buffer);
  engine_config.stream_max_total_bytes = static_cast<uint64_t>(config.stream.max_total_bytes);
  engine_config.max_result_rows = static_cast<uint64_t>(config.limits.max_result_rows);
  engine_config.statement_timeout_ms = static_cast<uint32_t>(config.limits.statement_timeout_secs * 1000);
  engine_config.max_answer_bytes = static_cast<uint64_t>(config.limits.max_answer_bytes);
  engine_config.max_write_rows = static_cast<uint64_t>(config.limits.max_write_rows);
  engine_config.max_export_bytes = static_cast<uint64_t>(config.limits.max_export_bytes);
  engine_config.query_memory_limit_bytes = static_cast<uint64_t>(config.limits.query_memory_limit_mb) << 20;
  engine_config.shared_tables_template = config.storage.shared_tables_template;
  engine_config.user_tables_template = config.storage.user_tables_template;
  engine_config.sync_writes = config.storage.durability == "fsync";
  engine_config.settings = kalam::server::EffectiveSettings(config);
  engine_config.audit_log_retention_days = config.retention.audit_log_days;
  engine_config.object_store = config.object_store;
  kalam::auth::AuthSettings auth_settings;
  auth_settings.jwt_secret = *secret;
  auth_settings.jwt_expiry_hours = config.auth.jwt_expiry_hours;
  auth_settings.bcrypt_cost = static_cast<int>(config.auth.bcrypt_cost);
  auth_settings.basic_cache_ttl_secs = config.auth.basic_cache_ttl_secs;
  auth_settings.max_failed_logins = static_cast<int>(config.auth.max_failed_logins);
  auth_settings.lockout_minutes = static_cast<int>(config.auth.lockout_minutes);
  auth_settings.max_auth_requests_per_ip_per_sec = static_cast<uint32_t>(config.rate_limit.max_auth_requests_per_ip_per_sec);
  auth_settings.enforce_password_complexity = config.auth.enforce_password_complexity;

#ifdef KALAMDB_FAILPOINT_CONTROL
  // Test build only (kalamdb-server-failpoints): storage faults armed through a file.
  const auto failpoint_control = kalam::server::FailpointControl::StartFromEnvironment();
#endif
  auto engine = kalam::core::Engine::Open(engine_config, auth_settings);
  if (!engine.ok()) {
    std::cerr << "kalamdb-server: " << engine.status().message() << std::endl;
    return 1;
  }
  Status root = BootstrapRoot(config, (*engine)->auth());
  if (!root.ok()) {
    std::cerr << "kalamdb-server: root bootstrap failed: " << root.message() << std::endl;
    return 1;
  }

  // Background work: the job manager (flush, cleanup, retention, compact and user_cleanup
  // jobs, with crash recovery of jobs a previous process left running), the flush scheduler,
  // the maintenance scheduler (retention, compact and user_cleanup, hourly) and the
  // stream_eviction one. Executors are registered
  // before Start() so that recovered jobs of every type are re-queued.
  kalam::system::JobRepository job_repository((*engine)->backend());
  kalam::jobs::JobManagerOptions job_options;
  job_options.max_concurrent = static_cast<int>(config.jobs.max_concurrent);
  job_options.max_retries = static_cast<int>(config.jobs.max_retries);
  job_options.retry_backoff_ms = config.jobs.retry_backoff_ms;
  job_options.shutdown_timeout_secs = config.jobs.shutdown_timeout_secs;
  job_options.record_retention_days = config.jobs.record_retention_days;
  kalam::jobs::JobManager jobs(job_repository, job_options);
  kalam::jobs::RegisterEngineExecutors(jobs, (*engine)->maintenance());
  (*engine)->maintenance().SetUserDeletionGracePeriodDays(config.user_management.deletion_grace_period_days);
  Status jobs_started = jobs.Start();
  if (!jobs_started.ok()) {
    std::cerr << "kalamdb-server: job manager: " << jobs_started.message() << std::endl;
    return 1;
  }
  (*engine)->SetJobSubmitter(&jobs);
  kalam::jobs::FlushScheduler scheduler((*engine)->maintenance(), jobs,
                                        std::chrono::seconds(config.flush.check_interval_seconds));
  scheduler.Start();
  kalam::jobs::MaintenanceScheduler maintenance((*engine)->maintenance(), jobs,
                                                kalam::jobs::kDefaultMaintenanceInterval);
  maintenance.Start();
  kalam::jobs::StreamEvictionScheduler stream_eviction((*engine)->maintenance(), jobs,
                                                       std::chrono::seconds(config.stream.eviction_interval_seconds));
  stream_eviction.Start();

  kalam::live::LiveLimits live_limits;
  live_limits.max_subscriptions_per_user = Limit(config.rate_limit.max_subscriptions_per_user);
  live_limits.max_subscriptions_per_connection = Limit(config.rate_limit.max_subscriptions_per_connection);
  live_limits.max_pending_changes = static_cast<size_t>(config.websocket.max_pending_changes);
  live_limits.max_subscription_sql_bytes = static_cast<size_t>(config.websocket.max_subscription_sql_bytes);
  kalam::live::LiveQueryManager live(**engine, live_limits);
  (*engine)->live_queries().SetLiveQueries(&live, &live);

  kalam::api::ApiService service(**engine, (*engine)->auth(), std::move(*api_options));
  service.SetLiveQueries(&live);

  kalam::api::HttpServerOptions http;
  http.host = config.server.host;
  http.port = static_cast<uint16_t>(config.server.port);
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  // server.workers I/O threads (default: the CPUs, at least 2) accept, read, write and ping.
  http.threads = config.server.workers > 0 ? static_cast<unsigned>(config.server.workers) : std::max(2u, cpus);
  // The worker pool runs statements and password checks. Well over the cores, so that a user
  // holding max_concurrent_statements_per_user workers with heavy statements, and a burst of
  // password checks holding theirs, leave free workers for everyone else's short statements
  // (an idle worker costs a stack and nothing else).
  http.workers.threads = config.server.statement_workers > 0 ? static_cast<unsigned>(config.server.statement_workers)
                                                             : std::max(8u, 4 * cpus);
  http.workers.max_running_per_key = static_cast<uint32_t>(config.limits.max_concurrent_statements_per_user);
  http.workers.max_queued_per_key = static_cast<uint32_t>(config.limits.max_queued_statements_per_user);
  http.workers.max_queued_total = static_cast<uint32_t>(config.limits.max_queued_statements);
  http.request_body_limit = static_cast<size_t>(config.limits.request_body_limit_bytes);
  http.tls_cert_path = config.server.tls_cert_path;
  http.tls_key_path = config.server.tls_key_path;
  auto server = kalam::api::HttpServer::Start(http, service);
  if (!server.ok()) {
    std::cerr << "kalamdb-server: " << server.status().message() << std::endl;
    return 1;
  }
  std::cout << "listening on " << (http.tls_cert_path.empty() ? "http" : "https") << "://" << config.server.host << ":" << (*server)->port() << std::endl;
  spdlog::info("kalamdb {} serving data from {}", KALAMDB_VERSION, config.storage.data_path);

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}, shutting down", received);
  (*server)->Stop();
  live.WaitForDeliveries();  // nothing may reach a connection once the server is gone
  server->reset();
  // Schedulers first so that nothing new is queued while the job manager drains.
  stream_eviction.Stop();
  maintenance.Stop();
  scheduler.Stop();
  jobs.Stop();  // waits for running flushes up to jobs.shutdown_timeout_secs
  (*engine)->SetJobSubmitter(nullptr);
  (*engine)->live_queries().SetLiveQueries(nullptr, nullptr);
  engine->reset();
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
