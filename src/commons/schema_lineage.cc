#include "kalam/commons/schema_lineage.h"

#include "kalam/commons/table_definition.h"

namespace kalam {

std::optional<size_t> RowLayout::Find(uint32_t column_id) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].column_id == column_id) return i;
  }
  return std::nullopt;
}

void SchemaLineage::Add(const TableDefinition& def) {
  auto layout = std::make_shared<RowLayout>();
  layout->schema_version = def.schema_version;
  for (const ColumnDefinition& c : def.columns) layout->columns.push_back({c.column_id, c.name, c.type});
  MutexLock lock(&mu_);
  if (layouts_.count(def.schema_version)) return;
  layouts_[def.schema_version] = std::move(layout);
  for (const ColumnDefinition& c : def.columns) {
    auto [it, inserted] = added_.try_emplace(c.column_id);
    if (inserted || def.schema_version < it->second.version) it->second = Added{def.schema_version, c.default_value};
  }
}

std::shared_ptr<const RowLayout> SchemaLineage::Find(uint32_t version) const {
  MutexLock lock(&mu_);
  auto it = layouts_.find(version);
  return it == layouts_.end() ? nullptr : it->second;
}

std::optional<DefaultValue> SchemaLineage::FillFor(uint32_t column_id, uint32_t row_version) const {
  MutexLock lock(&mu_);
  auto it = added_.find(column_id);
  if (it == added_.end() || it->second.version <= row_version) return std::nullopt;
  const auto& d = it->second.default_value;
  if (!d || d->kind != DefaultValue::Kind::kLiteral) return std::nullopt;
  return d;
}

}  // namespace kalam
