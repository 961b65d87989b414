#pragma once

#include <optional>
#include <string>

namespace kalam::live {

// A client's `subscribe` message (docs/live-queries.md) as the transport decoded it. Option
// values are kept as written (a JSON number's text, or a string's contents) and checked by
// the live-query module, which also merges them with the SQL's OPTIONS.
struct SubscribeRequest {
  std::string id;
  std::string sql;
  bool options_given = false;      // a JSON `options` object was present (even `{}`)
  bool options_malformed = false;  // `options` was not an object, or a value was not a number or string
  std::optional<std::string> batch_size;
  std::optional<std::string> last_rows;
  std::optional<std::string> from;  // `from` or its alias `from_seq_id`
};

}  // namespace kalam::live
