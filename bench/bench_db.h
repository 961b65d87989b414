#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kalam/core/engine.h"

namespace kalam::bench {

// An embedded engine over a fresh temporary data directory with namespace `app`, removed
// afterwards. Must() aborts on any failure: a benchmark must not measure error paths.
struct BenchDb {
  std::filesystem::path dir;
  std::unique_ptr<core::Engine> engine;
  std::unique_ptr<core::Session> root;

  // `query_threads`: DuckDB's worker threads for SELECT (0 = one per CPU, the server's default).
  explicit BenchDb(const std::string& name, uint32_t query_threads = 0) {
    dir = std::filesystem::temp_directory_path() / ("kalam_bench_" + name + "_" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(dir);
    EngineConfig config;
    config.data_path = dir.string();
    config.query_threads = query_threads;
    engine = std::move(core::Engine::Open(config)).value();
    root = engine->CreateSession(UserId("root"), Role::kSystem);
    Must("CREATE NAMESPACE app");
  }
  ~BenchDb() {
    root.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }
  void Must(const std::string& sql, core::Session* s = nullptr, const std::vector<duckdb::Value>& params = {}) {
    auto outcome = engine->Execute(s ? *s : *root, sql, params);
    if (!outcome.ok()) {
      std::fprintf(stderr, "%s -> %s\n", sql.substr(0, 200).c_str(), outcome.error.ToString().c_str());
      std::abort();
    }
  }
  // `count` user sessions drawn at random (fixed seed) from users u0..u<users-1>, so that a
  // benchmark loop visits many users' ranges rather than one warm one.
  std::vector<std::unique_ptr<core::Session>> RandomUserSessions(int users, int count) {
    std::mt19937 rng(7);
    std::vector<std::unique_ptr<core::Session>> sessions;
    for (int i = 0; i < count; ++i) {
      sessions.push_back(engine->CreateSession(UserId("u" + std::to_string(rng() % users)), Role::kUser));
    }
    return sessions;
  }
};

}  // namespace kalam::bench
