#pragma once

#include <simdjson.h>

#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "output_format.h"
#include "table_writer.h"

namespace kalam::cli {

// What --subscribe and \subscribe print for the messages of one subscription (docs/live-queries.md):
// the initial rows as a table (csv: header and rows) once the last batch is in, then one
// line per changed row: `+` insert, `~` update, `-` delete, the time it arrived (UTC), and
// the row's columns. After a resubscription with `from`, the rows that come back are
// changes too: `-` for the `_deleted` markers, `~` for a row already shown (by primary key),
// `+` otherwise. In json format every message is printed as received, one per line.
// Not thread-safe.
class SubscriptionPrinter {
 public:
  SubscriptionPrinter(PrintOptions options, std::FILE* out) : options_(options), out_(out) {}

  // Handles one server message. `resumed` is true when the subscription asked for `from`.
  void OnAck(simdjson::dom::element message, std::string_view raw, bool resumed);
  void OnBatch(simdjson::dom::element message, std::string_view raw);
  void OnChange(simdjson::dom::element message, std::string_view raw);

 private:
  void PrintInitialRows();
  void PrintChange(char mark, simdjson::dom::object row);
  std::string RowKey(simdjson::dom::object row) const;

  PrintOptions options_;
  std::FILE* out_;
  std::vector<TableColumn> columns_;
  std::vector<bool> primary_key_;
  bool resumed_ = false;
  // Initial rows as text (NULL as nullopt), kept until the ready batch.
  std::vector<std::vector<std::optional<std::string>>> initial_;
  // Primary keys of the rows shown so far, to tell `~` from `+` after a resume.
  std::set<std::string> seen_;
};

}  // namespace kalam::cli
