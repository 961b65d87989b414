#pragma once

// Test-only: a registry over a real store in a temporary directory, which a test can close
// and open again on the same files to check what survives a restart.

#include <gtest/gtest.h>

#include <memory>

#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"

namespace kalam::registry {

template <typename Registry>
class ReopenableRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // Closes the registry and the store, then opens both again on the same directory.
  void Reopen() {
    registry_.reset();
    backend_.reset();
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto registry = Registry::Open(*backend_);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry).value();
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<Registry> registry_;
};

}  // namespace kalam::registry
