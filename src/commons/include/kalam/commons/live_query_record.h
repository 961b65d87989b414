#pragma once

#include <cstdint>
#include <string>

#include "kalam/commons/ids.h"

namespace kalam {

// One live subscription as system.live shows it (docs/sql-reference.md).
struct LiveQueryRecord {
  LiveQueryId live_id;  // "<user_id>-<connection_id>-<subscription_id>"
  std::string connection_id;
  std::string subscription_id;
  TableId table;
  UserId user_id;
  std::string query;
  std::string options_json;
  bool loading = false;  // status "loading" while initial data is paged, else "active"
  int64_t created_at_us = 0;
  int64_t last_update_us = 0;  // last change delivered (0 = none yet)
  int64_t changes = 0;         // change messages delivered
  int64_t last_ping_at_us = 0;
};

}  // namespace kalam
