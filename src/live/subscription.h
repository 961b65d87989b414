#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/table_definition.h"
#include "kalam/live/live_connection.h"
#include "kalam/live/live_query_manager.h"
#include "kalam/live/row_filter.h"

namespace kalam::live {

// One live subscription: what it reads, how it filters and projects, and where its messages
// go. The immutable part is set before it is registered; `mu` guards the delivery state.
struct Subscription {
  std::string id;  // the client's subscription id
  LiveQueryId live_id;
  std::weak_ptr<LiveSession> session;
  UserId user;  // the subscriber
  std::shared_ptr<LiveConnection> connection;
  std::shared_ptr<const TableDefinition> def;
  std::string scope;    // user id for USER/STREAM tables, "" for SHARED and system tables
  bool indexed = true;  // receives changes (system tables do not, yet)
  RowFilter filter;
  std::vector<int> projection;  // table column per output column; -1 = `_seq`
  std::string query;
  std::string options_json;
  int64_t created_at_us = 0;
  size_t batch_size = 1000;
  SeqId snapshot_seq = 0;  // S: initial data as of here, changes after it

  std::atomic<int64_t> last_update_us{0};
  std::atomic<int64_t> changes{0};

  // What exists only until the `ready` batch: kept apart so that a live subscription (the
  // common, long-lived state) costs no more than it needs.
  struct InitialLoad {
    std::vector<std::string> pending;  // change messages held back until `ready`
    std::vector<std::string> rows;     // encoded row objects, ascending `_seq`
    std::vector<SeqId> seqs;
    size_t next_row = 0;
    int batch_num = 0;
  };

  std::mutex mu;  // guards everything below
  std::unique_ptr<InitialLoad> load = std::make_unique<InitialLoad>();  // null once live
  bool closed = false;
};

}  // namespace kalam::live
