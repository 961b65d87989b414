#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "kalam/commons/data_type.h"

namespace kalam::system {

// A small materialised table: what system tables, SHOW and DESCRIBE produce. Cells hold
// bool for BOOLEAN, int64 for integers and TIMESTAMP (µs), std::string for TEXT and JSON.
// These tables are small (catalog-sized), so a row-wise form is fine here.
using Cell = std::variant<std::monostate, bool, int64_t, std::string>;

struct RowSetColumn {
  std::string name;
  DataType type;
};

struct RowSet {
  std::vector<RowSetColumn> columns;
  std::vector<std::vector<Cell>> rows;
};

}  // namespace kalam::system
