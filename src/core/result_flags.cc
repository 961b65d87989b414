#include "result_flags.h"

#include "kalam/commons/names.h"

namespace kalam::core {

void AssignFlags(std::vector<ResultColumn>& columns, QueryState& state) {
  std::shared_ptr<const TableDefinition> only;
  {
    std::lock_guard lock(state.mu);
    for (const auto& def : state.bound_tables) {
      if (only && only->id != def->id) return;
      only = def;
    }
  }
  if (!only) return;
  for (ResultColumn& rc : columns) {
    if (rc.name == kSeqColumn || rc.name == kDeletedColumn) {
      if (rc.type.kind == (rc.name == kSeqColumn ? TypeKind::kBigInt : TypeKind::kBoolean)) rc.flags = {"nn"};
      continue;
    }
    auto idx = only->FindColumn(rc.name);
    if (!idx) continue;
    const ColumnDefinition& c = only->columns[*idx];
    if (!(c.type == rc.type) && !(c.type.kind == TypeKind::kJson && rc.type.kind == TypeKind::kJson)) continue;
    if (c.primary_key) {
      rc.flags = {"pk", "nn", "uq"};
    } else if (!c.nullable) {
      rc.flags = {"nn"};
    }
  }
}

}  // namespace kalam::core
