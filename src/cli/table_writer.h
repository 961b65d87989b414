#pragma once

#include <simdjson.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "output_format.h"
#include "value_text.h"

namespace kalam::cli {

struct TableColumn {
  std::string name;
  std::string type_label;
  ValueKind kind = ValueKind::kText;
};

// The column an answer's schema entry describes ({"name", "data_type", …}).
TableColumn SchemaColumn(simdjson::dom::element entry);

// Fills `out` with the text of one cell and returns false for NULL.
using CellText = std::function<bool(size_t row, size_t column, std::string* out)>;

// The bordered grid of the table format: widths from a first pass over the cells, then the
// rows written one at a time (cells are formatted twice rather than kept, so a large result
// costs no second copy). NULL reads `NULL` (dim with color); numbers are right-aligned;
// control characters in text are shown escaped so one row stays one line.
void WriteTable(const std::vector<TableColumn>& columns, size_t rows, const CellText& cell,
                const PrintOptions& options, std::FILE* out);

}  // namespace kalam::cli
