#include "subscription_printer.h"

#include <chrono>

#include "json_read.h"
#include "value_text.h"

namespace kalam::cli {
namespace {

bool Hidden(const std::string& column) { return column == "_seq" || column == "_deleted"; }

void AppendNow(std::string* out) {
  const auto now = std::chrono::system_clock::now();
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  // Milliseconds are enough to read a stream of changes.
  AppendTimestampMicros(micros / 1000 * 1000, out);
}

}  // namespace

void SubscriptionPrinter::OnAck(simdjson::dom::element message, std::string_view raw, bool resumed) {
  if (options_.format == OutputFormat::kJson) {
    std::fprintf(out_, "%.*s\n", static_cast<int>(raw.size()), raw.data());
    std::fflush(out_);
  }
  resumed_ = resumed;
  initial_.clear();
  columns_.clear();
  primary_key_.clear();
  simdjson::dom::array schema;
  if (message["schema"].get_array().get(schema) != simdjson::SUCCESS) return;
  for (simdjson::dom::element entry : schema) {
    TableColumn column = SchemaColumn(entry);
    bool pk = false;
    simdjson::dom::array flags;
    if (entry["flags"].get_array().get(flags) == simdjson::SUCCESS) {
      for (simdjson::dom::element flag : flags) {
        std::string_view text;
        if (flag.get_string().get(text) == simdjson::SUCCESS && text == "pk") pk = true;
      }
    }
    columns_.push_back(std::move(column));
    primary_key_.push_back(pk);
  }
  std::string_view status;
  if (!resumed && message["batch_control"]["status"].get_string().get(status) == simdjson::SUCCESS &&
      status == "ready" && options_.format != OutputFormat::kJson) {
    // No initial data was asked for: nothing to print but the empty table.
    PrintInitialRows();
  }
}

void SubscriptionPrinter::OnBatch(simdjson::dom::element message, std::string_view raw) {
  if (options_.format == OutputFormat::kJson) {
    std::fprintf(out_, "%.*s\n", static_cast<int>(raw.size()), raw.data());
    std::fflush(out_);
    return;
  }
  simdjson::dom::array rows;
  if (message["rows"].get_array().get(rows) == simdjson::SUCCESS) {
    for (simdjson::dom::element row_element : rows) {
      simdjson::dom::object row;
      if (row_element.get_object().get(row) != simdjson::SUCCESS) continue;
      if (resumed_) {
        bool deleted = false;
        deleted = JsonBool(row["_deleted"]);
        const std::string key = RowKey(row);
        PrintChange(deleted ? '-' : (seen_.count(key) != 0 ? '~' : '+'), row);
        continue;
      }
      auto& cells = initial_.emplace_back();
      for (const auto& column : columns_) {
        simdjson::dom::element value;
        if (row[column.name].get(value) != simdjson::SUCCESS || value.is_null()) {
          cells.emplace_back();
          continue;
        }
        std::string text;
        AppendValueText(value, column.kind, &text);
        cells.emplace_back(std::move(text));
      }
      seen_.insert(RowKey(row));
    }
  }
  std::string_view status;
  if (!resumed_ && message["batch_control"]["status"].get_string().get(status) == simdjson::SUCCESS &&
      status == "ready") {
    PrintInitialRows();
  }
}

void SubscriptionPrinter::PrintInitialRows() {
  if (options_.format == OutputFormat::kCsv) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line.push_back(',');
      AppendCsvField(columns_[c].name, &line);
    }
    line.append("\r\n");
    for (const auto& row : initial_) {
      for (size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line.push_back(',');
        if (row[c]) AppendCsvField(*row[c], &line);
      }
      line.append("\r\n");
    }
    std::fwrite(line.data(), 1, line.size(), out_);
  } else {
    WriteTable(columns_, initial_.size(),
               [&](size_t r, size_t c, std::string* text) {
                 if (!initial_[r][c]) return false;
                 text->append(*initial_[r][c]);
                 return true;
               },
               options_, out_);
    std::fprintf(out_, "(%zu rows)\n", initial_.size());
  }
  initial_.clear();
  std::fflush(out_);
}

void SubscriptionPrinter::OnChange(simdjson::dom::element message, std::string_view raw) {
  if (options_.format == OutputFormat::kJson) {
    std::fprintf(out_, "%.*s\n", static_cast<int>(raw.size()), raw.data());
    std::fflush(out_);
    return;
  }
  std::string_view type;
  type = JsonString(message["change_type"]);
  const char mark = type == "insert" ? '+' : type == "update" ? '~' : '-';
  simdjson::dom::array rows;
  const char* field = mark == '-' ? "old_values" : "rows";
  if (message[field].get_array().get(rows) != simdjson::SUCCESS) return;
  for (simdjson::dom::element row_element : rows) {
    simdjson::dom::object row;
    if (row_element.get_object().get(row) == simdjson::SUCCESS) PrintChange(mark, row);
  }
}

void SubscriptionPrinter::PrintChange(char mark, simdjson::dom::object row) {
  const std::string key = RowKey(row);
  if (mark == '-') {
    seen_.erase(key);
  } else {
    seen_.insert(key);
  }
  std::string line;
  if (options_.format == OutputFormat::kCsv) {
    line.push_back(mark);
    line.push_back(',');
    AppendNow(&line);
    for (const auto& column : columns_) {
      if (Hidden(column.name)) continue;
      line.push_back(',');
      simdjson::dom::element value;
      if (row[column.name].get(value) == simdjson::SUCCESS && !value.is_null()) {
        std::string text;
        AppendValueText(value, column.kind, &text);
        AppendCsvField(text, &line);
      }
    }
    line.append("\r\n");
  } else {
    line.push_back(mark);
    line.push_back(' ');
    AppendNow(&line);
    for (const auto& column : columns_) {
      if (Hidden(column.name)) continue;
      line.push_back(' ');
      line.append(column.name);
      line.push_back('=');
      simdjson::dom::element value;
      if (row[column.name].get(value) == simdjson::SUCCESS && !value.is_null()) {
        AppendValueText(value, column.kind, &line);
      } else {
        line.append("NULL");
      }
    }
    line.push_back('\n');
  }
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

std::string SubscriptionPrinter::RowKey(simdjson::dom::object row) const {
  std::string key;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (!primary_key_[c]) continue;
    simdjson::dom::element value;
    if (row[columns_[c].name].get(value) == simdjson::SUCCESS) key.append(simdjson::minify(value));
    key.push_back('\x1f');
  }
  return key;
}

}  // namespace kalam::cli
