#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "duckdb/parser/parsed_expression.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"

namespace kalam::live {

// What a subscription's SQL asks for (docs/live-queries.md), in either form:
//   SELECT <col>[, <col>...] | * FROM ns.t [WHERE expr]
//   SUBSCRIBE TO ns.t [WHERE expr] [OPTIONS (last_rows=N, batch_size=N, from=SEQ)]
struct SubscriptionQuery {
  std::string sql;  // as the client sent it
  TableId table;
  std::vector<std::string> columns;                    // lowercase, as listed; empty for `*`
  duckdb::unique_ptr<duckdb::ParsedExpression> where;  // null without WHERE
  bool options_given = false;                          // SUBSCRIBE TO ... OPTIONS (...)
  std::vector<std::pair<std::string, std::string>> options;
};

// InvalidArgument for SQL that does not parse or names no qualified table (INVALID_SQL);
// Unsupported for joins, grouping, ordering, limits, WITH, set operations and projections
// that are not plain columns (UNSUPPORTED).
Result<SubscriptionQuery> ParseSubscriptionQuery(std::string_view sql);

// Parsed subscription SQL by text, shared by every subscription with the same text (clients
// subscribe to a few queries many times: parsing would otherwise dominate a subscribe's time
// and leave its transient allocations between the long-lived ones). Bounded: when full it
// starts over. Failures are not kept. Thread-safe; entries are immutable.
class SubscriptionQueryCache {
 public:
  Result<std::shared_ptr<const SubscriptionQuery>> Get(std::string_view sql);

 private:
  static constexpr size_t kMaxEntries = 1024;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const SubscriptionQuery>, TextHash, std::equal_to<>> entries_;
};

}  // namespace kalam::live
