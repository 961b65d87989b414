#pragma once

// Test-only: the engine, the job repository and the job manager with every engine executor,
// wired as the server wires them, over a fresh temporary data directory.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kalam/core/engine.h"
#include "kalam/jobs/engine_executors.h"
#include "kalam/jobs/job_manager.h"
#include "kalam/system/job_repository.h"

namespace kalam::jobs {

class EngineJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kalam_jobs_" + std::to_string(std::random_device{}()));
    EngineConfig config;
    config.data_path = dir_.string();
    engine_ = std::move(core::Engine::Open(config)).value();
    repo_ = std::make_unique<system::JobRepository>(engine_->backend());
    manager_ = std::make_unique<JobManager>(*repo_, JobManagerOptions{});
    RegisterEngineExecutors(*manager_, engine_->maintenance());
    ASSERT_TRUE(manager_->Start().ok());
    engine_->SetJobSubmitter(manager_.get());
    root_ = engine_->CreateSession(UserId("root"), Role::kSystem);
  }
  void TearDown() override {
    engine_->SetJobSubmitter(nullptr);
    manager_->Stop();
    sessions_.clear();
    root_.reset();
    manager_.reset();
    repo_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A session for `user` with `role`, closed before the engine in TearDown.
  core::Session& SessionFor(const std::string& user, Role role) {
    sessions_.push_back(engine_->CreateSession(UserId(user), role));
    return *sessions_.back();
  }

  core::StatementResult Run(core::Session& s, const std::string& sql) {
    auto outcome = engine_->Execute(s, sql);
    EXPECT_TRUE(outcome.ok()) << sql << ": " << outcome.error.ToString();
    return outcome.ok() ? std::move(outcome.results.back()) : core::StatementResult{};
  }

  // "<status>: <message>" of job `id` once it finishes, or "unfinished" after ~5 s.
  std::string WaitForJob(const std::string& id) {
    for (int i = 0; i < 250; ++i) {
      auto job = manager_->Get(JobId(id));
      if (job.ok() && job->has_value() && IsFinished((*job)->status)) {
        return std::string(JobStatusName((*job)->status)) + ": " + (*job)->message;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "unfinished";
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::Engine> engine_;
  std::unique_ptr<system::JobRepository> repo_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<core::Session> root_;
  std::vector<std::unique_ptr<core::Session>> sessions_;
};

}  // namespace kalam::jobs
