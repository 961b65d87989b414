#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/table_definition.h"
#include "kalam/live/live_connection.h"
#include "kalam/live/live_query_manager.h"
#include "kalam/live/row_filter.h"
#include "subscription_query.h"

namespace kalam::live {

// The merged options of PROTOCOL.md §6.4: SQL OPTIONS first, JSON options win per key.
struct SubscriptionOptions {
  bool given = false;
  int64_t batch_size = 1000;  // the default of PROTOCOL.md §6.3
  std::optional<int64_t> last_rows;
  std::optional<SeqId> from;
};

// One live subscription: what it reads, how it filters and projects, and where its messages
// go. The immutable part is set before it is registered; `mu` guards the delivery state.
struct Subscription {
  std::string id;  // the client's subscription id
  LiveQueryId live_id;
  std::weak_ptr<LiveSession> session;
  UserId user;  // the subscriber
  std::shared_ptr<LiveConnection> connection;
  std::shared_ptr<const TableDefinition> def;
  bool shared_scope = false;  // SHARED and system tables: one scope for every user
  bool indexed = true;  // receives changes (system tables do not, yet)
  RowFilter filter;
  std::vector<int> projection;  // table column per output column; -1 = `_seq`
  std::shared_ptr<const SubscriptionQuery> query;  // shared with other subscriptions of the same text
  std::string options_json;
  int64_t created_at_us = 0;
  size_t batch_size = 1000;
  SeqId snapshot_seq = 0;  // S: initial data as of here, changes after it

  // The hot tier's scope this subscription reads: the user id for USER and STREAM tables,
  // "" for SHARED tables.
  const std::string& scope() const {
    static const std::string kShared;
    return shared_scope ? kShared : user.str();
  }

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
