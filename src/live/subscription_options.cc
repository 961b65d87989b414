#include "subscription_options.h"

#include <charconv>
#include <string>

namespace kalam::live {
namespace {

constexpr int64_t kMaxBatchSize = 10000;

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<SubscriptionOptions> MergeOptions(const SubscribeRequest& request, const SubscriptionQuery& query) {
  if (request.options_malformed) return Status::InvalidArgument("options must be an object of numbers or strings");
  std::optional<std::string> batch_size, last_rows, from;
  for (const auto& [name, value] : query.options) {
    if (name == "batch_size") {
      batch_size = value;
    } else if (name == "last_rows") {
      last_rows = value;
    } else if (name == "from" || name == "from_seq_id") {
      from = value;
    } else {
      return Status::InvalidArgument("Unknown option '" + name + "'");
    }
  }
  if (request.batch_size) batch_size = request.batch_size;
  if (request.last_rows) last_rows = request.last_rows;
  if (request.from) from = request.from;
  SubscriptionOptions options;
  options.given = request.options_given || query.options_given;
  if (batch_size) {
    auto n = ParseInteger(*batch_size);
    if (!n || *n < 1 || *n > kMaxBatchSize) return Status::InvalidArgument("batch_size must be an integer in 1..10000");
    options.batch_size = *n;
  }
  if (last_rows) {
    auto n = ParseInteger(*last_rows);
    if (!n || *n < 0) return Status::InvalidArgument("last_rows must be an integer >= 0");
    options.last_rows = *n;
  }
  if (from) {
    auto n = ParseInteger(*from);
    if (!n || *n < 0) return Status::InvalidArgument("from must be a _seq value (an integer >= 0)");
    options.from = *n;
  }
  return options;
}

}  // namespace kalam::live
