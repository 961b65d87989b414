#include "kalam/tables/index_rebuild.h"

#include "kalam/tables/table_store.h"
#include "kalam/tables/type_mapping.h"
#include "sql_text.h"

namespace kalam::tables {

Result<uint64_t> StageIndexFromSegments(duckdb::Connection& con, const TableDefinition& def, const std::string& scope,
                                        const std::vector<std::string>& local_paths, store::WriteBatch& batch) {
  if (local_paths.empty()) return uint64_t{0};
  const auto pk = def.PrimaryKeyIndex();
  const std::string identity = pk ? QuoteIdent(def.columns[*pk].name) : std::string("_row_id");
  const std::string identity_typed =
      pk ? "CAST(" + identity + " AS " + ToLogicalType(def.columns[*pk].type).ToString() + ")" : identity;
  std::string paths;
  for (const std::string& path : local_paths) {
    if (!paths.empty()) paths += ", ";
    paths += QuoteLiteral(path);
  }
  // Segments of several schema versions differ in their other columns; the key, `_seq` and
  // `_deleted` are in every one (as for retention).
  auto newest = con.Query("SELECT " + identity_typed + ", _seq, _deleted FROM (SELECT " + identity +
                          ", _seq, _deleted, row_number() OVER (PARTITION BY " + identity +
                          " ORDER BY _seq DESC) AS kalam_rn FROM read_parquet([" + paths +
                          "], union_by_name = true)) WHERE kalam_rn = 1");
  if (newest->HasError()) return Status::IoError(newest->GetError());
  uint64_t staged = 0;
  while (auto chunk = newest->Fetch()) {
    if (chunk->size() == 0) break;
    for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
      const duckdb::Value key = chunk->GetValue(0, r);
      const std::string index_key = pk ? TableStore::PrimaryKeyIndexKey(def, scope, key)
                                       : TableStore::RowIdIndexKey(def, scope, key.GetValue<int64_t>());
      TableStore::StageIndexEntry(batch, index_key, chunk->GetValue(1, r).GetValue<int64_t>(),
                                  chunk->GetValue(2, r).GetValue<bool>());
      ++staged;
    }
  }
  if (newest->HasError()) return Status::IoError(newest->GetError());
  return staged;
}

}  // namespace kalam::tables
