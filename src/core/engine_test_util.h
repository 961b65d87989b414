#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "duckdb.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "kalam/commons/temp_dir.h"
#include "kalam/auth/user_repository.h"
#include "kalam/commons/clock.h"
#include "kalam/core/engine.h"
#include "kalam/store/storage_backend.h"

namespace kalam::core::testing {


// Renders a row result as text rows ("1|a|NULL") for compact assertions.
inline std::vector<std::string> Rows(const StatementResult& result) {
  std::vector<std::string> out;
  if (!result.rows) return out;
  for (auto& chunk : result.rows->Chunks()) {
    for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
      std::string line;
      for (duckdb::idx_t c = 0; c < chunk.ColumnCount(); ++c) {
        if (c) line += "|";
        auto v = chunk.GetValue(c, r);
        line += v.IsNull() ? "NULL" : v.ToString();
      }
      out.push_back(line);
    }
  }
  return out;
}

// Runs `sql` on a separate, plain DuckDB instance (the way any Parquet reader sees the files the
// engine wrote) and renders its rows as text rows like Rows.
inline std::vector<std::string> PlainDuckDBRows(const std::string& sql) {
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  auto result = con.Query(sql);
  EXPECT_FALSE(result->HasError()) << result->GetError();
  std::vector<std::string> rows;
  if (result->HasError()) return rows;
  for (duckdb::idx_t r = 0; r < result->RowCount(); ++r) {
    std::string line;
    for (duckdb::idx_t c = 0; c < result->ColumnCount(); ++c) {
      if (c) line += "|";
      auto v = result->GetValue(c, r);
      line += v.IsNull() ? "NULL" : v.ToString();
    }
    rows.push_back(line);
  }
  return rows;
}

// An engine over a temporary data directory with helpers to run SQL as a given user.
class EngineFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override {
    sessions_.clear();
    engine_.reset();
  }

  void Reopen() {
    EngineConfig config;
    config.query_threads = 1;
    ReopenWith(config);
  }

  // Closes the engine and opens it again over the same data directory with `config` (its
  // data_path is the fixture's) and `auth`.
  void ReopenWith(EngineConfig config, const auth::AuthSettings& auth = {}) {
    sessions_.clear();
    engine_.reset();
    config.data_path = dir_.path();
    auto opened = Engine::Open(config, auth);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value();
  }

  // Adds users straight to the catalog (the SQL for users arrives with the auth module's
  // statements), then reopens the engine over the same data directory.
  void SeedUsers(const std::vector<std::pair<std::string, Role>>& users) {
    sessions_.clear();
    engine_.reset();
    {
      auto backend = store::StorageBackend::Open(dir_.path() + "/rocksdb", store::StoreOptions{});
      ASSERT_TRUE(backend.ok()) << backend.status().ToString();
      auth::UserRepository repo(**backend);
      for (const auto& [id, role] : users) {
        UserRecord u;
        u.id = UserId(id);
        u.role = role;
        u.created_at_us = u.updated_at_us = NowMicros();
        ASSERT_TRUE(repo.Put(u).ok());
      }
    }
    Reopen();
  }

  Session& As(const std::string& user, Role role = Role::kUser) {
    auto key = user + "/" + std::string(RoleName(role));
    for (auto& [k, s] : sessions_) {
      if (k == key) return *s;
    }
    sessions_.emplace_back(key, engine_->CreateSession(UserId(user), role));
    return *sessions_.back().second;
  }
  Session& Root() { return As("root", Role::kSystem); }

  // Runs SQL that must succeed; returns the last statement's result.
  StatementResult Run(Session& session, const std::string& sql, const std::vector<duckdb::Value>& params = {}) {
    auto outcome = engine_->Execute(session, sql, params);
    EXPECT_TRUE(outcome.ok()) << sql << "\n  -> " << outcome.error.ToString();
    if (!outcome.ok() || outcome.results.empty()) return StatementResult{};
    return std::move(outcome.results.back());
  }
  std::vector<std::string> Query(Session& session, const std::string& sql,
                                 const std::vector<duckdb::Value>& params = {}) {
    return Rows(Run(session, sql, params));
  }
  // Runs SQL that must fail; returns the error status.
  Status Fail(Session& session, const std::string& sql, const std::vector<duckdb::Value>& params = {}) {
    auto outcome = engine_->Execute(session, sql, params);
    EXPECT_FALSE(outcome.ok()) << sql << " unexpectedly succeeded";
    return outcome.error;
  }

  TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::vector<std::pair<std::string, std::unique_ptr<Session>>> sessions_;
};

}  // namespace kalam::core::testing
