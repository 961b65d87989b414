#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kalam/commons/access_level.h"
#include "kalam/commons/ids.h"

namespace kalam {

// Options of a table as parsed from either syntax (seed clauses or WITH (...)).
struct TableOptions {
  std::optional<uint32_t> flush_row_limit;          // USER, SHARED
  std::optional<uint32_t> flush_interval_seconds;   // USER, SHARED
  StorageId storage_id{"local"};                    // USER, SHARED
  AccessLevel access_level = AccessLevel::kPrivate; // SHARED
  uint32_t deleted_retention_hours = 168;           // USER, SHARED
  uint32_t ttl_seconds = 10;                        // STREAM
  uint32_t max_buffer = 10000;                      // STREAM

  // "rows:N,interval:S" with only the triggers that are set.
  std::string FlushPolicyText() const;
};

}  // namespace kalam
