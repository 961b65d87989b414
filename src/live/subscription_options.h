#pragma once

#include <cstdint>
#include <optional>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/live/subscribe_request.h"
#include "subscription_query.h"

namespace kalam::live {

// The merged options of docs/live-queries.md: SQL OPTIONS first, JSON options win per key.
struct SubscriptionOptions {
  bool given = false;
  int64_t batch_size = 1000;  // the default of docs/live-queries.md
  std::optional<int64_t> last_rows;
  std::optional<SeqId> from;
};

// The options of `request` merged over those of its SQL, checked: InvalidArgument (the
// client's INVALID_OPTIONS) for an unknown name or a value out of range.
Result<SubscriptionOptions> MergeOptions(const SubscribeRequest& request, const SubscriptionQuery& query);

}  // namespace kalam::live
