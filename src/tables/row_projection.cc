#include "kalam/tables/row_projection.h"

#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::tables {

Result<RowProjector> RowProjector::Make(const TableDefinition& target, uint32_t stored_version) {
  RowProjector p;
  if (target.lineage) p.stored_ = target.lineage->Find(stored_version);
  if (!p.stored_) {
    return Status::Corruption("table " + target.id.ToString() + " has no schema version " +
                              std::to_string(stored_version));
  }
  for (const ColumnDefinition& column : target.columns) {
    Source source;
    const duckdb::LogicalType type = ToLogicalType(column.type);
    if (auto i = p.stored_->Find(column.column_id)) {
      source.stored_index = static_cast<int>(*i);
      source.convert = !(p.stored_->columns[*i].type == column.type);
    } else if (auto fill = target.lineage->FillFor(column.column_id, stored_version)) {
      KALAM_ASSIGN_OR_RETURN(source.fill, LiteralDefault(*fill, column));
    } else {
      source.fill = duckdb::Value(type);
    }
    p.sources_.push_back(std::move(source));
    p.target_types_.push_back(type);
  }
  return p;
}

Result<std::vector<duckdb::Value>> RowProjector::Apply(std::vector<duckdb::Value> stored_values) const {
  std::vector<duckdb::Value> out;
  out.reserve(sources_.size());
  for (size_t i = 0; i < sources_.size(); ++i) {
    const Source& s = sources_[i];
    if (s.stored_index < 0) {
      out.push_back(s.fill);
      continue;
    }
    duckdb::Value& v = stored_values[static_cast<size_t>(s.stored_index)];
    if (!s.convert || v.IsNull()) {
      out.push_back(v.IsNull() ? duckdb::Value(target_types_[i]) : std::move(v));
      continue;
    }
    duckdb::Value converted;
    std::string error;
    if (!v.DefaultTryCastAs(target_types_[i], converted, &error, /*strict=*/true)) {
      return Status::Corruption("stored value '" + v.ToString() + "' does not convert to " +
                                target_types_[i].ToString() + ": " + error);
    }
    out.push_back(std::move(converted));
  }
  return out;
}

}  // namespace kalam::tables
