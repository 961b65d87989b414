#pragma once

#include <array>
#include <atomic>
#include <map>
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
#include "subscription_options.h"
#include "subscription_query.h"

namespace kalam::live {

// Projection entries for the system columns (table columns are their index, from 0).
inline constexpr int kProjectSeq = -1;
inline constexpr int kProjectDeleted = -2;

// One copy of each distinct projection. Projections are few and shared by many
// subscriptions. Thread-safe.
class ProjectionPool {
 public:
  std::shared_ptr<const std::vector<int>> Intern(std::vector<int> projection) {
    std::lock_guard lock(mu_);
    auto& slot = entries_[projection];
    if (auto shared = slot.lock()) return shared;
    auto made = std::make_shared<const std::vector<int>>(std::move(projection));
    slot = made;
    if (entries_.size() > 2 * live_after_sweep_ + 64) Sweep();
    return made;
  }

 private:
  void Sweep() {
    std::erase_if(entries_, [](const auto& entry) { return entry.second.expired(); });
    live_after_sweep_ = entries_.size();
  }
  std::mutex mu_;
  std::map<std::vector<int>, std::weak_ptr<const std::vector<int>>> entries_;
  size_t live_after_sweep_ = 0;
};

// One live subscription: what it reads, how it filters and projects, and where its messages
// go. The immutable part is set before it is registered; `mu` guards the delivery state.
struct Subscription {
  // "<user>-<connection id>-<subscription id>": system.live's id, and the storage of the
  // subscriber's id and the client's subscription id (views into it).
  std::string live_id;
  uint16_t user_length = 0;
  uint16_t id_length = 0;
  std::weak_ptr<LiveSession> session;
  std::shared_ptr<LiveConnection> connection;
  std::shared_ptr<const TableDefinition> def;
  bool shared_scope = false;  // SHARED and system tables: one scope for every user
  bool indexed = true;        // receives changes (system tables do not, yet)
  RowFilter filter;
  // Table column per output column, or kProjectSeq / kProjectDeleted. Pooled:
  // subscriptions with equal projections share one (and one encoded row per change).
  std::shared_ptr<const std::vector<int>> projection;
  std::shared_ptr<const SubscriptionQuery> query;  // shared with other subscriptions of the same text
  std::string options_json;
  int64_t created_at_us = 0;
  uint32_t batch_size = 1000;
  SeqId snapshot_seq = 0;  // S: initial data as of here, changes after it

  void SetIdentity(std::string_view user_id, std::string_view connection_id, std::string_view subscription_id) {
    live_id.reserve(user_id.size() + connection_id.size() + subscription_id.size() + 2);
    live_id.assign(user_id).append("-").append(connection_id).append("-").append(subscription_id);
    user_length = static_cast<uint16_t>(user_id.size());
    id_length = static_cast<uint16_t>(subscription_id.size());
  }
  std::string_view user() const { return std::string_view(live_id).substr(0, user_length); }
  std::string_view id() const { return std::string_view(live_id).substr(live_id.size() - id_length); }

  // The hot tier's scope this subscription reads: the user id for USER and STREAM tables,
  // "" for SHARED tables.
  std::string_view scope() const { return shared_scope ? std::string_view() : user(); }

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

  bool registered = false;  // in the manager's index and counts; guarded by the manager's mu_

  // Guards everything below. One of a fixed set of mutexes shared by hash (a mutex per
  // subscription would cost 40 bytes each): never hold two subscriptions' locks at once.
  std::mutex& mu() const {
    static std::array<std::mutex, 4096> stripes;
    // Fibonacci hashing: allocation addresses share their low bits, the top 12 bits do not.
    const uint64_t h = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this)) * 0x9E3779B97F4A7C15ull;
    return stripes[h >> 52];
  }
  std::unique_ptr<InitialLoad> load = std::make_unique<InitialLoad>();  // null once live
  bool closed = false;
  bool acked = false;                            // the subscription_ack was sent
  std::unique_ptr<std::string> deferred_error;  // an error that came before the ack; sent after it
};

}  // namespace kalam::live
