#pragma once

#include <cstdint>
#include <string>

namespace kalam::filestore {

// Bytes of the Parquet segments (`*.parquet`, committed or not yet in a manifest) under a
// local storage's base directory, found by walking it. Unreadable entries are skipped: the
// figure is for monitoring (GET /metrics), never for a decision. Thread-safe.
uint64_t LocalParquetBytes(const std::string& base_directory);

}  // namespace kalam::filestore
