#include "statement_tables.h"

#include "duckdb/parser/statement/delete_statement.hpp"
#include "duckdb/parser/statement/insert_statement.hpp"
#include "duckdb/parser/statement/update_statement.hpp"
#include "duckdb/parser/tableref/basetableref.hpp"
#include "query_walker.h"

namespace kalam::core {
namespace {

class TableCollector : public QueryWalker {
 public:
  std::vector<NamedTable> tables;

  void Add(duckdb::TableRef& ref) {
    if (ref.type != duckdb::TableReferenceType::BASE_TABLE) return;
    const auto& base = ref.Cast<duckdb::BaseTableRef>();
    if (!base.catalog_name.empty()) return;
    tables.push_back({base.schema_name, base.table_name, ref.alias});
  }

 protected:
  void OnTableRef(duckdb::TableRef& ref) override { Add(ref); }
};

}  // namespace

std::vector<NamedTable> TablesNamedIn(duckdb::SQLStatement& statement) {
  TableCollector collector;
  collector.Statement(statement);
  switch (statement.type) {
    case duckdb::StatementType::UPDATE_STATEMENT: {
      auto& update = statement.Cast<duckdb::UpdateStatement>();
      if (update.table) collector.Add(*update.table);
      break;
    }
    case duckdb::StatementType::DELETE_STATEMENT: {
      auto& del = statement.Cast<duckdb::DeleteStatement>();
      if (del.table) collector.Add(*del.table);
      break;
    }
    case duckdb::StatementType::INSERT_STATEMENT: {
      auto& insert = statement.Cast<duckdb::InsertStatement>();
      if (insert.catalog.empty()) collector.tables.push_back({insert.schema, insert.table, ""});
      break;
    }
    default: break;
  }
  return std::move(collector.tables);
}

}  // namespace kalam::core
