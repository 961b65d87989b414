#pragma once

#include <optional>
#include <string_view>

namespace kalam::cli {

enum class OutputFormat { kTable, kJson, kCsv };

inline std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  return std::nullopt;
}

// How answers are printed; changed by flags and by \format, \types.
struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  bool show_types = false;  // a row of data types under the table header
  bool color = false;       // ANSI styles (a terminal, and no --no-color)
};

}  // namespace kalam::cli
