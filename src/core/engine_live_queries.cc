#include "engine_live_queries.h"

#include "duckdb_errors.h"
#include "kalam/auth/permissions.h"
#include "row_set_result.h"
#include "system_table_rows.h"
#include "version_reader.h"

namespace kalam::core {

void EngineLiveQueries::SetLiveQueries(LiveQueryDirectory* live, tables::ChangeSink* sink) {
  engine_.live = live;
  engine_.table_store->SetChangeSink(sink);
  engine_.streams->SetChangeSink(sink);
}

Result<std::shared_ptr<const TableDefinition>> EngineLiveQueries::FindReadableTable(const TableId& id, Role role) {
  auto def = engine_.registry->FindTable(id);
  if (!def) {
    if (!engine_.registry->NamespaceExists(id.namespace_id)) {
      return NamespaceNotFound(id.namespace_id.str());
    }
    return Status::NotFound("Table '" + id.ToString() + "' does not exist");
  }
  if (def->type == TableType::kShared) {
    KALAM_RETURN_IF_ERROR(auth::CheckSharedRead(role, def->options.access_level, id.ToString()));
  }
  return def;
}

void EngineLiveQueries::AtCommitPoint(const std::function<void(SeqId, std::shared_ptr<const store::Snapshot>)>& fn) {
  engine_.table_store->AtCommitPoint([&](SeqId last) { fn(last, engine_.backend->GetSnapshot()); });
}

Result<std::vector<VersionedRow>> EngineLiveQueries::ReadVersionsAsOf(
    const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
    const std::shared_ptr<const store::Snapshot>& snapshot, SeqId as_of, SeqId after) {
  return Contained(engine_.config, [&] { return core::ReadVersionsAsOf(engine_, def, scope, snapshot, as_of, after); });
}

Result<std::vector<VersionedRow>> EngineLiveQueries::ReadSystemTable(std::string_view name) {
  if (name == "live_queries") name = "live";
  if (!system::SystemTables::Exists(name)) {
    return Status::NotFound("Table 'system." + std::string(name) + "' does not exist");
  }
  return Contained(engine_.config, [&]() -> Result<std::vector<VersionedRow>> {
    KALAM_ASSIGN_OR_RETURN(system::RowSet rows, BuildSystemRowSet(engine_, name));
    std::vector<VersionedRow> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
      VersionedRow version;
      version.values.reserve(row.size());
      for (size_t c = 0; c < row.size(); ++c) version.values.push_back(CellToValue(row[c], rows.columns[c].type));
      out.push_back(std::move(version));
    }
    return out;
  });
}

}  // namespace kalam::core
