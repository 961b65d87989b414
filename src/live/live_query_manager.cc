#include "kalam/live/live_query_manager.h"

#include <algorithm>

#include "kalam/auth/auth_service.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/json_writer.h"
#include "kalam/commons/metrics.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/names.h"
#include "kalam/live/live_messages.h"
#include "kalam/live/row_filter.h"
#include "kalam/tables/type_mapping.h"
#include "delivery_queue.h"
#include "subscription.h"
#include "subscription_messages.h"
#include "subscription_options.h"
#include "subscription_query.h"
#include "system_rows.h"

namespace kalam::live {
namespace {

constexpr size_t kMaxSubscriptionIdLength = 128;

bool ValidSubscriptionId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSubscriptionIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == ':' || c == '-';
  });
}

struct LiveError {
  LiveErrorCode code;
  std::string message;
};

// A subscription checked but not yet registered: SQL, options, table, permission, projection
// and filter. `error` is set when any check failed.
struct Prepared {
  std::shared_ptr<Subscription> sub;
  SubscriptionOptions options;
  bool is_system = false;
  std::optional<LiveError> error;
};

Prepared Failed(LiveErrorCode code, std::string message) {
  Prepared out;
  out.error = LiveError{code, std::move(message)};
  return out;
}

Prepared Prepare(core::Engine& engine, const LiveLimits& limits, SubscriptionQueryCache& queries,
                 ProjectionPool& projections, const SubscribeRequest& request, const UserId& user, Role role,
                 std::string_view connection_id) {
  if (limits.max_subscription_sql_bytes > 0 && request.sql.size() > limits.max_subscription_sql_bytes) {
    return Failed(LiveErrorCode::kInvalidSql, "Subscription SQL is " + std::to_string(request.sql.size()) +
                                                  " bytes, more than the limit of " +
                                                  std::to_string(limits.max_subscription_sql_bytes) +
                                                  " (websocket.max_subscription_sql_bytes)");
  }
  auto parsed = queries.Get(request.sql);
  if (!parsed.ok()) return Failed(CodeForStatus(parsed.status()), parsed.status().message());
  const std::shared_ptr<const SubscriptionQuery>& query = *parsed;
  auto options = MergeOptions(request, *query);
  if (!options.ok()) return Failed(LiveErrorCode::kInvalidOptions, options.status().message());

  Prepared out;
  auto& sub = out.sub;
  sub = std::make_shared<Subscription>();
  sub->SetIdentity(user.str(), connection_id, request.id);
  sub->query = query;
  sub->options_json = OptionsJson(*options);
  sub->created_at_us = NowMicros();
  sub->batch_size = static_cast<uint32_t>(options->batch_size);
  out.is_system = query->table.namespace_id.str() == kSystemNamespace;
  if (out.is_system) {
    Status allowed = auth::CheckSystemTableRead(role, query->table.table_name.str());
    if (!allowed.ok()) return Failed(LiveErrorCode::kUnauthorized, allowed.message());
    if (options->from) return Failed(LiveErrorCode::kInvalidOptions, "from is not allowed on system tables");
    auto def = SystemTableDefinition(query->table.table_name.str());
    if (!def.ok()) return Failed(CodeForStatus(def.status()), def.status().message());
    sub->def = std::move(def).value();
    sub->indexed = false;
    sub->shared_scope = true;
  } else {
    auto def = engine.live_queries().FindReadableTable(query->table, role);
    if (!def.ok()) return Failed(CodeForStatus(def.status()), def.status().message());
    sub->def = std::move(def).value();
    sub->shared_scope = sub->def->type == TableType::kShared;
  }
  const TableDefinition& def = *sub->def;
  std::vector<int> projection;
  if (query->columns.empty()) {
    // `SELECT *` is the user columns, `_seq` and `_deleted`, as in any SELECT *.
    for (size_t c = 0; c < def.columns.size(); ++c) projection.push_back(static_cast<int>(c));
    projection.push_back(kProjectSeq);
    projection.push_back(kProjectDeleted);
  } else {
    for (const std::string& name : query->columns) {
      if (name == kSeqColumn) {
        projection.push_back(kProjectSeq);
        continue;
      }
      if (name == kDeletedColumn) {
        projection.push_back(kProjectDeleted);
        continue;
      }
      auto column = def.FindColumn(name);
      if (!column) return Failed(LiveErrorCode::kInvalidSql, "Column '" + name + "' does not exist");
      projection.push_back(static_cast<int>(*column));
    }
  }
  if (std::find(projection.begin(), projection.end(), kProjectSeq) == projection.end()) {
    projection.push_back(kProjectSeq);
  }
  sub->projection = projections.Intern(std::move(projection));
  auto filter = RowFilter::Compile(query->where.get(), def, user);
  if (!filter.ok()) return Failed(CodeForStatus(filter.status()), filter.status().message());
  sub->filter = std::move(filter).value();
  out.options = std::move(options).value();
  return out;
}

}  // namespace

LiveQueryManager::LiveQueryManager(core::Engine& engine, LiveLimits limits)
    : engine_(engine),
      limits_(limits),
      queries_(std::make_unique<SubscriptionQueryCache>()),
      projections_(std::make_unique<ProjectionPool>()) {
  delivery_ = std::make_unique<DeliveryQueue>([this](const CommittedBatch& batch) { DeliverBatch(batch); },
                                              kMaxQueuedBatches);
}

LiveQueryManager::~LiveQueryManager() {
  // Its thread delivers through this manager: it stops before anything else goes.
  delivery_.reset();
}

std::shared_ptr<LiveSession> LiveQueryManager::Attach(std::shared_ptr<LiveConnection> connection,
                                                      std::string connection_id, UserId user, Role role) {
  auto session = std::make_shared<LiveSession>();
  session->connection_ = std::move(connection);
  session->connection_id_ = std::move(connection_id);
  session->user_ = std::move(user);
  session->role_ = role;
  {
    std::unique_lock lock(mu_);
    sessions_.emplace(session.get(), session);
  }
  // A DROP USER or role change that committed after this connection authenticated, but
  // scanned the sessions before it was registered, missed it: the record read after
  // registering shows that change.
  auto record = engine_.auth().FindUser(session->user_);
  if (record.ok() && record->has_value() && ((*record)->deleted() || (*record)->role != role)) {
    Detach(*session);
    session->connection_->Close(1008, "Credentials changed");
  }
  return session;
}

void LiveQueryManager::Detach(LiveSession& session) {
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(session.mu_);
    session.detached_ = true;
    for (auto& [id, sub] : session.subscriptions_) subs.push_back(sub);
  }
  for (const auto& sub : subs) Remove(sub);
  std::unique_lock lock(mu_);
  sessions_.erase(&session);
}

void LiveQueryManager::Subscribe(LiveSession& session, const SubscribeRequest& request) {
  auto error = [&](LiveErrorCode code, std::string_view message) {
    session.connection_->SendReply(EncodeError(request.id, code, message));
  };
  if (request.id.empty()) {
    session.connection_->SendReply(
        EncodeError("invalid_subscription", LiveErrorCode::kInvalidSubscriptionId, "Subscription id is required"));
    return;
  }
  if (!ValidSubscriptionId(request.id)) {
    return error(LiveErrorCode::kInvalidSubscriptionId, "Subscription id must be 1..128 characters of [A-Za-z0-9_.:-]");
  }
  {
    std::lock_guard lock(session.mu_);
    if (session.subscriptions_.count(request.id)) {
      return error(LiveErrorCode::kInvalidSubscriptionId, "Subscription id '" + request.id + "' is already in use");
    }
    if (limits_.max_subscriptions_per_connection > 0 &&
        session.subscriptions_.size() >= limits_.max_subscriptions_per_connection) {
      return error(
          LiveErrorCode::kSubscriptionLimitExceeded,
          "At most " + std::to_string(limits_.max_subscriptions_per_connection) + " subscriptions per connection");
    }
  }
  Prepared prepared =
      Prepare(engine_, limits_, *queries_, *projections_, request, session.user_, session.role_, session.connection_id_);
  if (prepared.error) return error(prepared.error->code, prepared.error->message);
  std::shared_ptr<Subscription> sub = std::move(prepared.sub);
  const SubscriptionOptions& options = prepared.options;
  const bool is_system = prepared.is_system;
  sub->connection = session.connection_;

  std::shared_ptr<const store::Snapshot> snapshot;
  if (!Register(session, sub, &snapshot)) return;
  {
    // The ack goes first: a change, KILL or DROP arriving meanwhile waits for this lock, and
    // an error that came before it waits in `deferred_error` (docs/live-queries.md).
    std::lock_guard lock(sub->mu());
    sub->acked = true;
    if (sub->closed) {
      sub->connection->SendReply(EncodeAck(*sub, options.given));
      if (sub->deferred_error) sub->connection->SendReply(std::move(*sub->deferred_error));
      return;
    }
    sub->connection->SendReply(EncodeAck(*sub, options.given));
    if (!options.given) {
      for (auto& message : sub->load->pending) sub->connection->SendReply(std::move(message));
      sub->load.reset();
      return;
    }
  }
  try {
    LoadInitialData(sub, options, is_system, std::move(snapshot));
  } catch (const std::exception& e) {
    // DuckDB reports some failures (a Parquet file removed underneath) by throwing.
    Fail(sub, LiveErrorCode::kSubscriptionFailed, std::string("Initial data failed: ") + e.what());
  }
}

void LiveQueryManager::LoadInitialData(const std::shared_ptr<Subscription>& sub, const SubscriptionOptions& options,
                                       bool is_system, std::shared_ptr<const store::Snapshot> snapshot) {
  const TableDefinition& def = *sub->def;

  // Initial data as of S (docs/live-queries.md).
  std::vector<core::VersionedRow> versions;
  if (is_system) {
    auto rows = SystemTableRows(engine_, def);
    if (!rows.ok()) return Fail(sub, LiveErrorCode::kSubscriptionFailed, rows.status().message());
    versions = std::move(rows).value();
  } else {
    auto rows = engine_.live_queries().ReadVersionsAsOf(sub->def, std::string(sub->scope()), snapshot,
                                                        sub->snapshot_seq, options.from.value_or(0));
    if (!rows.ok()) return Fail(sub, LiveErrorCode::kSubscriptionFailed, rows.status().message());
    versions = std::move(rows).value();
  }
  snapshot.reset();
  // The rows to send (with whether each still matches), then only those are encoded.
  const bool from_mode = options.from.has_value();
  std::vector<std::pair<const core::VersionedRow*, bool>> kept;
  for (const core::VersionedRow& row : versions) {
    const bool matches = !row.deleted && sub->filter.Matches(row.values, row.seq);
    if (matches || from_mode) kept.emplace_back(&row, matches);
  }
  if (options.last_rows && !from_mode && kept.size() > static_cast<size_t>(*options.last_rows)) {
    kept.erase(kept.begin(), kept.end() - static_cast<std::ptrdiff_t>(*options.last_rows));
  }
  std::vector<std::string> encoded(kept.size());
  std::vector<SeqId> seqs(kept.size());
  for (size_t i = 0; i < kept.size(); ++i) {
    const bool deleted = !kept[i].second;
    AppendRowObject(*sub, kept[i].first->values, kept[i].first->seq, from_mode ? &deleted : nullptr, &encoded[i]);
    seqs[i] = kept[i].first->seq;
  }
  {
    std::lock_guard lock(sub->mu());
    if (!sub->load) return;  // removed meanwhile
    sub->load->rows = std::move(encoded);
    sub->load->seqs = std::move(seqs);
  }
  SendNextPage(*sub);
}

bool LiveQueryManager::Register(LiveSession& session, const std::shared_ptr<Subscription>& sub,
                                std::shared_ptr<const store::Snapshot>* snapshot) {
  bool registered = false;
  LiveErrorCode refusal_code = LiveErrorCode::kSubscriptionLimitExceeded;
  std::string refusal;
  auto insert = [&] {
    std::unique_lock lock(mu_);
    // DROP TABLE may have run since the table was resolved: it fails the subscriptions it
    // finds under this lock, so one registered after it must see the table gone.
    if (sub->indexed) {
      auto current = engine_.live_queries().FindReadableTable(sub->def->id, session.role_);
      if (!current.ok() || (*current)->number != sub->def->number) {
        refusal_code = LiveErrorCode::kNotFound;
        refusal = "Table '" + sub->def->id.ToString() + "' does not exist";
        return;
      }
    }
    auto count = per_user_.find(std::string_view(session.user_.str()));
    if (limits_.max_subscriptions_per_user > 0 && count != per_user_.end() &&
        count->second >= limits_.max_subscriptions_per_user) {
      refusal = "At most " + std::to_string(limits_.max_subscriptions_per_user) + " subscriptions per user";
      return;
    }
    {
      std::lock_guard session_lock(session.mu_);
      if (session.detached_) {
        refusal_code = LiveErrorCode::kSubscriptionFailed;
        refusal = "Connection closing";
        return;
      }
      if (!session.subscriptions_.emplace(sub->id(), sub).second) {
        refusal_code = LiveErrorCode::kInvalidSubscriptionId;
        refusal = "Subscription id '" + std::string(sub->id()) + "' is already in use";
        return;
      }
    }
    ++per_user_[session.user_.str()];
    active_.fetch_add(1, std::memory_order_relaxed);
    sub->registered = true;
    if (sub->indexed) {
      index_[sub->def->number][std::string(sub->scope())].push_back(sub);
      indexed_.fetch_add(1, std::memory_order_relaxed);
    }
    registered = true;
  };
  sub->session = std::weak_ptr<LiveSession>();
  {
    std::shared_lock lock(mu_);
    auto it = sessions_.find(&session);
    if (it != sessions_.end()) sub->session = it->second;
  }
  if (sub->indexed) {
    // At the commit point: S is the last committed `_seq`, and every later write reaches
    // OnCommitted after the subscription is in the index.
    engine_.live_queries().AtCommitPoint([&](SeqId last, std::shared_ptr<const store::Snapshot> snap) {
      sub->snapshot_seq = last;
      *snapshot = std::move(snap);
      insert();
    });
  } else {
    insert();
  }
  if (!registered) session.connection_->SendReply(EncodeError(sub->id(), refusal_code, refusal));
  return registered;
}

void LiveQueryManager::SendNextPage(Subscription& sub) {
  std::lock_guard lock(sub.mu());
  if (sub.closed || !sub.load) return;
  Subscription::InitialLoad& load = *sub.load;
  const size_t begin = load.next_row;
  const size_t end = std::min(load.rows.size(), begin + sub.batch_size);
  const bool has_more = end < load.rows.size();
  std::string out = EncodeInitialDataBatch(sub, std::span(load.rows).subspan(begin, end - begin), load.batch_num,
                                           has_more, has_more ? load.seqs[end - 1] : sub.snapshot_seq);
  sub.connection->SendReply(std::move(out));
  load.next_row = end;
  ++load.batch_num;
  if (has_more) return;
  // Ready: everything committed after S, in order, then live.
  for (auto& message : load.pending) sub.connection->SendReply(std::move(message));
  sub.load.reset();
}

void LiveQueryManager::NextBatch(LiveSession& session, std::string_view subscription_id) {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(session.mu_);
    auto it = session.subscriptions_.find(subscription_id);
    if (it != session.subscriptions_.end()) sub = it->second;
  }
  bool loading = false;
  if (sub) {
    std::lock_guard lock(sub->mu());
    loading = sub->load && !sub->closed && sub->load->batch_num > 0;
  }
  if (!loading) {
    session.connection_->SendReply(EncodeError(subscription_id, LiveErrorCode::kBatchFetchFailed,
                                          sub ? "Initial data is complete" : "Unknown subscription"));
    return;
  }
  SendNextPage(*sub);
}

void LiveQueryManager::Unsubscribe(LiveSession& session, std::string_view subscription_id) {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(session.mu_);
    auto it = session.subscriptions_.find(subscription_id);
    if (it != session.subscriptions_.end()) sub = it->second;
  }
  if (sub) Remove(sub);
  session.connection_->SendReply(EncodeUnsubscribed(subscription_id));
}

bool LiveQueryManager::Remove(const std::shared_ptr<Subscription>& sub) {
  {
    std::lock_guard lock(sub->mu());
    if (sub->closed) return false;
    sub->closed = true;
    sub->load.reset();
  }
  Unregister(sub);
  return true;
}

void LiveQueryManager::Unregister(const std::shared_ptr<Subscription>& sub) {
  if (auto session = sub->session.lock()) {
    std::lock_guard lock(session->mu_);
    auto it = session->subscriptions_.find(sub->id());
    if (it != session->subscriptions_.end() && it->second == sub) session->subscriptions_.erase(it);
  }
  std::unique_lock lock(mu_);
  if (!sub->registered) return;
  sub->registered = false;
  active_.fetch_sub(1, std::memory_order_relaxed);
  auto count = per_user_.find(sub->user());
  if (count != per_user_.end() && --count->second == 0) per_user_.erase(count);
  if (!sub->indexed) return;
  auto table = index_.find(sub->def->number);
  if (table == index_.end()) return;
  auto scope = table->second.find(sub->scope());
  if (scope == table->second.end()) return;
  auto& list = scope->second;
  list.erase(std::remove(list.begin(), list.end(), sub), list.end());
  indexed_.fetch_sub(1, std::memory_order_relaxed);
  if (list.empty()) table->second.erase(scope);
  if (table->second.empty()) index_.erase(table);
}

void LiveQueryManager::Fail(const std::shared_ptr<Subscription>& sub, LiveErrorCode code, std::string_view message) {
  {
    std::lock_guard lock(sub->mu());
    if (sub->closed) return;
    sub->closed = true;
    sub->load.reset();
    std::string error = EncodeError(sub->id(), code, message);
    if (sub->acked) {
      sub->connection->SendReply(std::move(error));
    } else {
      sub->deferred_error = std::make_unique<std::string>(std::move(error));  // sent after the ack
    }
  }
  Unregister(sub);
}

bool LiveQueryManager::Wants(TableNumber table, std::string_view scope) const {
  if (indexed_.load(std::memory_order_relaxed) == 0) return false;
  std::shared_lock lock(mu_);
  auto it = index_.find(table);
  return it != index_.end() && (it->second.find(scope) != it->second.end());
}

void LiveQueryManager::OnCommitted(const TableDefinition& def, std::string_view scope,
                                   std::span<const tables::CommittedChange> changes) {
  // Under the table store's write lock: only take a copy, in commit order.
  CommittedBatch batch;
  batch.table = def.number;
  batch.schema_version = def.schema_version;
  batch.scope = std::string(scope);
  batch.changes.reserve(changes.size());
  for (const tables::CommittedChange& c : changes) {
    OwnedChange owned;
    owned.kind = c.kind;
    owned.seq = c.seq;
    owned.old_seq = c.old_seq;
    if (c.values) owned.values = *c.values;
    if (c.old_values) owned.old_values = *c.old_values;
    batch.changes.push_back(std::move(owned));
  }
  delivery_->Push(std::move(batch));
}

void LiveQueryManager::Deliver() { delivery_->Drain(); }

void LiveQueryManager::WaitForDeliveries() { delivery_->WaitIdle(); }

void LiveQueryManager::DeliverBatch(const CommittedBatch& batch) {
  // Subscriptions that end here (closed under their lock; unregistered once mu_ is free).
  std::vector<std::pair<std::shared_ptr<Subscription>, std::string>> ended;
  // A copy of the scope's subscriptions, so that fan-out holds no lock a subscribe needs
  // (one registered meanwhile skips these changes by its S; one removed is closed).
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::shared_lock lock(mu_);
    auto table = index_.find(batch.table);
    if (table == index_.end()) return;
    auto found = table->second.find(batch.scope);
    if (found == table->second.end()) return;
    subs = found->second;
  }
  {
    std::vector<RowCache> caches;
    const int64_t now_us = NowMicros();
    EngineMetrics& metrics = ProcessMetrics();
    for (const OwnedChange& owned : batch.changes) {
      const tables::CommittedChange change{owned.kind, owned.seq, &owned.values, owned.old_seq, &owned.old_values};
      caches.clear();
      uint64_t delivered = 0;
      for (const auto& sub_ptr : subs) {
        Subscription& sub = *sub_ptr;
        // Registered after this change committed: its initial data already holds it.
        if (change.seq <= sub.snapshot_seq) continue;
        // A subscription made under another schema cannot read these rows: it ends (docs/live-queries.md).
        if (sub.def->schema_version != batch.schema_version) {
          std::lock_guard sub_lock(sub.mu());
          if (!sub.closed) {
            sub.closed = true;
            sub.load.reset();
            ended.push_back({sub_ptr, "Schema changed; resubscribe"});
          }
          continue;
        }
        const Delivery delivery = Classify(sub, change);
        if (delivery == Delivery::kNone) continue;
        RowCache* cache = nullptr;
        for (RowCache& c : caches) {
          if (c.projection == sub.projection.get()) cache = &c;  // pooled: equal means same
        }
        if (cache == nullptr) {
          caches.push_back(RowCache{sub.projection.get(), {}, {}});
          cache = &caches.back();
        }
        if (delivery != Delivery::kDelete && cache->new_row.empty()) {
          AppendRowObject(sub, *change.values, change.seq, nullptr, &cache->new_row);
        }
        if (delivery != Delivery::kInsert && cache->old_row.empty()) {
          AppendRowObject(sub, *change.old_values, change.old_seq, nullptr, &cache->old_row);
        }
        std::string message = EncodeChange(sub, delivery, change.seq, cache->new_row, cache->old_row);
        std::lock_guard sub_lock(sub.mu());
        if (sub.closed) continue;
        if (sub.load) {
          if (limits_.max_pending_changes > 0 && sub.load->pending.size() >= limits_.max_pending_changes) {
            sub.closed = true;  // receives nothing more; unregistered below
            sub.load.reset();
            ended.push_back({sub_ptr, "More than " + std::to_string(limits_.max_pending_changes) +
                                          " changes arrived while initial data was loading; resubscribe with from"});
            continue;
          }
          sub.load->pending.push_back(std::move(message));
        } else {
          sub.connection->Send(std::move(message));
        }
        sub.changes.fetch_add(1, std::memory_order_relaxed);
        sub.last_update_us.store(now_us, std::memory_order_relaxed);
        ++delivered;
      }
      if (delivered > 0) {
        // The `_seq` carries its commit millisecond: the lag is commit to fan-out. Observed
        // before the deliveries are counted, so a scrape that sees a delivery sees its lag.
        metrics.delivery_lag.ObserveMicros(now_us - SeqGenerator::MillisOf(change.seq) * 1000);
        metrics.change_deliveries.Add(delivered);
      }
    }
  }
  for (const auto& [sub, message] : ended) {
    Unregister(sub);
    sub->connection->SendReply(EncodeError(sub->id(), LiveErrorCode::kSubscriptionFailed, message));
  }
}

std::vector<std::shared_ptr<Subscription>> LiveQueryManager::AllSubscriptions() const {
  std::vector<std::shared_ptr<Subscription>> subs;
  std::shared_lock lock(mu_);
  subs.reserve(active_.load(std::memory_order_relaxed));
  for (const auto& [raw, weak] : sessions_) {
    auto session = weak.lock();
    if (!session) continue;
    std::lock_guard session_lock(session->mu_);
    for (const auto& [id, sub] : session->subscriptions_) subs.push_back(sub);
  }
  return subs;
}

std::vector<LiveQueryRecord> LiveQueryManager::List() const {
  std::vector<std::shared_ptr<Subscription>> subs = AllSubscriptions();
  std::vector<LiveQueryRecord> out;
  out.reserve(subs.size());
  for (const auto& sub : subs) {
    LiveQueryRecord r;
    r.live_id = LiveQueryId(sub->live_id);
    r.subscription_id = std::string(sub->id());
    r.table = sub->def->id;
    r.user_id = UserId(std::string(sub->user()));
    if (auto session = sub->session.lock()) {
      r.connection_id = session->connection_id_;
      r.last_ping_at_us = session->last_ping_at_us_.load(std::memory_order_relaxed);
    }
    r.query = sub->query->sql;
    r.options_json = sub->options_json;
    {
      std::lock_guard lock(sub->mu());
      r.loading = sub->load != nullptr;
    }
    r.created_at_us = sub->created_at_us;
    r.last_update_us = sub->last_update_us.load(std::memory_order_relaxed);
    r.changes = sub->changes.load(std::memory_order_relaxed);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(),
            [](const LiveQueryRecord& a, const LiveQueryRecord& b) { return a.live_id < b.live_id; });
  return out;
}

Status LiveQueryManager::ValidateSubscription(std::string_view sql, const UserId& user, Role role) {
  SubscribeRequest request;
  request.id = "http";
  request.sql = std::string(sql);
  Prepared prepared = Prepare(engine_, limits_, *queries_, *projections_, request, user, role, "http");
  if (!prepared.error) return Status::Ok();
  std::string message = std::move(prepared.error->message);
  switch (prepared.error->code) {
    case LiveErrorCode::kNotFound: return Status::NotFound(std::move(message));
    case LiveErrorCode::kUnauthorized: return Status::PermissionDenied(std::move(message));
    case LiveErrorCode::kUnsupported: return Status::Unsupported(std::move(message));
    default: return Status::InvalidArgument(std::move(message));
  }
}

size_t LiveQueryManager::ActiveCount() const { return active_.load(std::memory_order_relaxed); }

size_t LiveQueryManager::ActiveCount(const TableId& table, const UserId* only_user) const {
  size_t count = 0;
  for (const auto& sub : AllSubscriptions()) {
    if (sub->def->id == table && (only_user == nullptr || sub->user() == only_user->str())) ++count;
  }
  return count;
}

size_t LiveQueryManager::ConnectionCount() const {
  std::shared_lock lock(mu_);
  return sessions_.size();
}

Status LiveQueryManager::Kill(const LiveQueryId& id, const UserId& requester, Role requester_role) {
  // A live id starts with its owner's id, so a user is refused another's from the id alone:
  // the answer is the same whether or not it exists, and tells nothing about other users.
  if (!IsAdmin(requester_role) && !id.str().starts_with(requester.str() + "-")) {
    return Status::PermissionDenied("Only its owner or an admin may kill live query '" + id.str() + "'");
  }
  // A rare statement: a scan is fine. User ids may contain '-', so two subscriptions can
  // spell one live id; only one the requester may kill is taken.
  std::shared_ptr<Subscription> sub;
  for (auto& candidate : AllSubscriptions()) {
    if (candidate->live_id == id.str() && (IsAdmin(requester_role) || candidate->user() == requester.str())) {
      sub = std::move(candidate);
      break;
    }
  }
  if (!sub) {
    return Status::NotFound("Live query '" + id.str() + "' not found");
  }
  Fail(sub, LiveErrorCode::kSubscriptionKilled, "Live query '" + id.str() + "' was killed");
  return Status::Ok();
}

void LiveQueryManager::OnTableDropped(const TableId& table) {
  for (const auto& sub : AllSubscriptions()) {
    if (sub->def->id != table) continue;
    Fail(sub, LiveErrorCode::kSubscriptionFailed, "Table " + table.ToString() + " was dropped");
  }
}

void LiveQueryManager::OnTableAltered(const TableId& table) {
  for (const auto& sub : AllSubscriptions()) {
    if (sub->def->id != table) continue;
    Fail(sub, LiveErrorCode::kSubscriptionFailed, "Schema changed; resubscribe");
  }
}

void LiveQueryManager::OnUserDropped(const UserId& user) { CloseUserConnections(user, "User dropped"); }

void LiveQueryManager::OnUserCredentialsChanged(const UserId& user) {
  CloseUserConnections(user, "Credentials changed");
}

void LiveQueryManager::CloseUserConnections(const UserId& user, std::string_view reason) {
  std::vector<std::shared_ptr<LiveSession>> sessions;
  {
    std::shared_lock lock(mu_);
    for (const auto& [ptr, weak] : sessions_) {
      if (auto session = weak.lock(); session && session->user_ == user) sessions.push_back(std::move(session));
    }
  }
  for (const auto& session : sessions) {
    Detach(*session);
    session->connection_->Close(1008, std::string(reason));
  }
}

}  // namespace kalam::live
