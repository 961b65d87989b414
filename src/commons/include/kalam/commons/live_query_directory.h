#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/live_query_record.h"
#include "kalam/commons/role.h"
#include "kalam/commons/status.h"

namespace kalam {

// What the engine asks of the live-query module (which sits above it): system.live, KILL LIVE
// QUERY, and the catalog events that end subscriptions. Declared here so that `core` can call
// upward without depending on `live` (ARCHITECTURE.md). Implementations are thread-safe.
class LiveQueryDirectory {
 public:
  virtual ~LiveQueryDirectory() = default;

  virtual std::vector<LiveQueryRecord> List() const = 0;
  virtual size_t ActiveCount() const = 0;
  // Subscriptions to `table`; with `only_user`, only that user's (SHOW STATS FOR TABLE).
  virtual size_t ActiveCount(const TableId& table, const UserId* only_user) const = 0;
  // Authenticated live connections (system.stats `active_connections`).
  virtual size_t ConnectionCount() const = 0;
  // Checks a subscription's SQL as a WebSocket subscribe would (docs/live-queries.md) without
  // subscribing: SUBSCRIBE TO over HTTP (docs/sql-reference.md). NotFound, PermissionDenied, Unsupported or
  // InvalidArgument.
  virtual Status ValidateSubscription(std::string_view sql, const UserId& user, Role role) = 0;
  // Ends the subscription (its client gets SUBSCRIPTION_KILLED) if `requester` owns it or is an
  // admin. PermissionDenied when it is another user's and the requester is not an admin;
  // NotFound when there is none.
  virtual Status Kill(const LiveQueryId& id, const UserId& requester, Role requester_role) = 0;

  // The table is gone: its subscriptions fail and are removed.
  virtual void OnTableDropped(const TableId& table) = 0;
  // The table's schema changed (ALTER TABLE): its subscriptions fail with "Schema changed;
  // resubscribe" and are removed, since their projection and filter were planned against the
  // old columns.
  virtual void OnTableAltered(const TableId& table) = 0;
  // The user was dropped: their connections close (1008) and their subscriptions go.
  virtual void OnUserDropped(const UserId& user) = 0;
  // The user's password, role or other credentials changed: their connections close (1008
  // "Credentials changed") and their subscriptions go. A connection acts with the role it
  // authenticated with, so it must not outlive a change to it; the client reconnects.
  virtual void OnUserCredentialsChanged(const UserId& user) = 0;
};

}  // namespace kalam
