#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kalam/commons/live_query_directory.h"
#include "kalam/commons/role.h"
#include "kalam/core/engine.h"
#include "kalam/live/live_connection.h"
#include "kalam/live/live_limits.h"
#include "kalam/live/live_messages.h"
#include "kalam/live/subscribe_request.h"
#include "kalam/tables/change_sink.h"

namespace kalam::live {

struct Subscription;
struct SubscriptionOptions;
class SubscriptionQueryCache;
class ProjectionPool;
class DeliveryQueue;
struct CommittedBatch;

// One authenticated client connection's share of the live-query module. Made by
// LiveQueryManager::Attach; the transport passes it back with every client message.
class LiveSession {
 public:
  const UserId& user() const { return user_; }
  Role role() const { return role_; }
  const std::string& connection_id() const { return connection_id_; }
  // The client answered a keepalive ping (system.live `last_ping_at`).
  void RecordPing(int64_t now_us) { last_ping_at_us_.store(now_us, std::memory_order_relaxed); }

 private:
  friend class LiveQueryManager;
  std::shared_ptr<LiveConnection> connection_;
  std::string connection_id_;
  UserId user_;
  Role role_ = Role::kUser;
  std::atomic<int64_t> last_ping_at_us_{0};
  std::mutex mu_;  // guards subscriptions_, detached_
  // Keyed by a view of the subscription's own id (no second copy per subscription).
  std::unordered_map<std::string_view, std::shared_ptr<Subscription>> subscriptions_;
  bool detached_ = false;
};

// Live queries (docs/live-queries.md): the subscription registry, indexed by (table, scope) so a
// committed write finds its subscriptions in O(1); filters compiled once per subscription and
// evaluated against each changed row's old and new versions; initial data read at a commit
// point and paged on demand, with the changes committed meanwhile buffered and delivered after
// the last page exactly once; change fan-out into each connection's outbound queue.
//
// Writers call OnCommitted on their own thread while the table store holds its write lock, so
// changes are taken in `_seq` order; after the lock, the writer itself (when no delivery is
// running) or a delivery thread encodes them and queues them per connection
// (LiveConnection::Send never blocks) in that order, one batch at a time. So fan-out never holds other
// writers' commits back, and a slow client never slows a writer; only when deliveries fall
// kMaxQueuedBatches behind does Deliver make writers wait (delivery_queue.h). Thread-safe.
class LiveQueryManager final : public tables::ChangeSink, public LiveQueryDirectory {
 public:
  // `engine` must outlive the manager; the caller wires it with Engine::live_queries().SetLiveQueries.
  LiveQueryManager(core::Engine& engine, LiveLimits limits);
  ~LiveQueryManager() override;

  // A connection authenticated as `user`. `connection_id` must be unique per server.
  std::shared_ptr<LiveSession> Attach(std::shared_ptr<LiveConnection> connection, std::string connection_id,
                                      UserId user, Role role);
  // The connection closed: its subscriptions go. Idempotent.
  void Detach(LiveSession& session);

  // Client messages (docs/live-queries.md). Every answer, error included, goes to the session's
  // connection. Subscribe reads initial data on the calling thread.
  void Subscribe(LiveSession& session, const SubscribeRequest& request);
  void NextBatch(LiveSession& session, std::string_view subscription_id);
  void Unsubscribe(LiveSession& session, std::string_view subscription_id);

  // Returns once every change committed so far has been handed to its connections.
  void WaitForDeliveries();

  // tables::ChangeSink
  bool Wants(TableNumber table, std::string_view scope) const override;
  void OnCommitted(const TableDefinition& def, std::string_view scope,
                   std::span<const tables::CommittedChange> changes) override;
  void Deliver() override;

  // LiveQueryDirectory
  std::vector<LiveQueryRecord> List() const override;
  size_t ActiveCount() const override;
  size_t ActiveCount(const TableId& table, const UserId* only_user) const override;
  size_t ConnectionCount() const override;
  Status ValidateSubscription(std::string_view sql, const UserId& user, Role role) override;
  Status Kill(const LiveQueryId& id, const UserId& requester, Role requester_role) override;
  void OnTableDropped(const TableId& table) override;
  void OnTableAltered(const TableId& table) override;
  void OnUserDropped(const UserId& user) override;
  void OnUserCredentialsChanged(const UserId& user) override;

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using ScopeMap =
      std::unordered_map<std::string, std::vector<std::shared_ptr<Subscription>>, StringHash, std::equal_to<>>;

  // Encodes one committed batch for its subscriptions and queues it per connection.
  void DeliverBatch(const CommittedBatch& batch);

  // Registers `sub` at a commit point (its snapshot) and in the session; false (and an error
  // sent) when a limit was reached meanwhile.
  bool Register(LiveSession& session, const std::shared_ptr<Subscription>& sub,
                std::shared_ptr<const store::Snapshot>* snapshot);
  // Closes the subscription (it receives nothing afterwards) and takes it out of the index
  // and the session. False when it was already closed.
  bool Remove(const std::shared_ptr<Subscription>& sub);
  // The second half of Remove, for a subscription already closed under its lock.
  void Unregister(const std::shared_ptr<Subscription>& sub);
  // Reads, filters, encodes and pages out the initial data as of the subscription's S.
  void LoadInitialData(const std::shared_ptr<Subscription>& sub, const SubscriptionOptions& options, bool is_system,
                       std::shared_ptr<const store::Snapshot> snapshot);
  // Sends the next page of initial data; after the last, the buffered changes, and goes live.
  void SendNextPage(Subscription& sub);
  // Remove, then the error to the client (only when this call removed it).
  void Fail(const std::shared_ptr<Subscription>& sub, LiveErrorCode code, std::string_view message);
  // Detaches every connection of `user` and closes it with 1008 and `reason`.
  void CloseUserConnections(const UserId& user, std::string_view reason);
  // Every registered subscription (system.live, KILL, DROP TABLE: rare, so a scan is fine).
  std::vector<std::shared_ptr<Subscription>> AllSubscriptions() const;

  static constexpr size_t kMaxQueuedBatches = 100000;

  core::Engine& engine_;
  const LiveLimits limits_;
  std::unique_ptr<SubscriptionQueryCache> queries_;
  std::unique_ptr<ProjectionPool> projections_;
  std::atomic<size_t> indexed_{0};  // subscriptions in index_: Wants() is free while 0
  std::atomic<size_t> active_{0};   // registered subscriptions (system.stats, reservations)
  // Batches committed but not yet delivered (delivery_queue.h); created last, reset first.
  std::unique_ptr<DeliveryQueue> delivery_;
  mutable std::shared_mutex mu_;      // guards everything below
  std::unordered_map<TableNumber, ScopeMap> index_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> per_user_;
  std::unordered_map<LiveSession*, std::weak_ptr<LiveSession>> sessions_;
};

}  // namespace kalam::live
