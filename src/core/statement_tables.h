#pragma once

#include <string>
#include <vector>

#include "duckdb/parser/sql_statement.hpp"

namespace kalam::core {

// A base table a statement names: in FROM, a join, a subquery, or as the target of INSERT,
// UPDATE or DELETE. Names as written (not yet lowercased); `schema` empty when unqualified.
struct NamedTable {
  std::string schema;
  std::string table;
  std::string alias;
};

// Every base table `statement` names (see NamedTable), in no particular order.
std::vector<NamedTable> TablesNamedIn(duckdb::SQLStatement& statement);

}  // namespace kalam::core
