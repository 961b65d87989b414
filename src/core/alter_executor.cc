#include "alter_executor.h"

#include <mutex>
#include <shared_mutex>

#include <simdjson.h>

#include "ddl_executor.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/failpoint.h"
#include "kalam/commons/json_text.h"
#include "kalam/commons/names.h"
#include "kalam/dialect/parser.h"
#include "kalam/tables/value_coercion.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

using Change = dialect::AlterTableStmt::Change;

Status NoSuchColumn(const TableDefinition& def, const std::string& name) {
  if (IsReservedColumnName(name)) return Status::InvalidOperation("System column '" + name + "' cannot be altered");
  return Status::NotFound("Column '" + name + "' does not exist in table " + def.id.ToString());
}

Status CheckNewColumnName(const TableDefinition& def, const std::string& name) {
  if (IsReservedColumnName(name)) return Status::InvalidArgument("Column name '" + name + "' is reserved");
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(name, "Column"));
  if (def.FindColumn(name)) {
    return Status::AlreadyExists("Column '" + name + "' already exists in table " + def.id.ToString());
  }
  return Status::Ok();
}

// A literal DEFAULT must convert to the column's type now, not at the first insert.
Status CheckDefault(const ColumnDefinition& column) {
  if (!column.default_value || column.default_value->kind != DefaultValue::Kind::kLiteral) return Status::Ok();
  auto value = tables::LiteralDefault(*column.default_value, column);
  if (!value.ok())
    return Status::InvalidArgument("Invalid DEFAULT for column '" + column.name + "': " + value.status().message());
  return Status::Ok();
}

bool IsIntegerKind(TypeKind k) { return k == TypeKind::kSmallInt || k == TypeKind::kInt || k == TypeKind::kBigInt; }

int IntegerRank(TypeKind k) { return k == TypeKind::kSmallInt ? 0 : k == TypeKind::kInt ? 1 : 2; }

}  // namespace

bool IsWideningConversion(const DataType& from, const DataType& to) {
  if (from == to) return true;
  if (IsIntegerKind(from.kind) && IsIntegerKind(to.kind)) return IntegerRank(from.kind) <= IntegerRank(to.kind);
  if ((from.kind == TypeKind::kSmallInt || from.kind == TypeKind::kInt || from.kind == TypeKind::kFloat) &&
      to.kind == TypeKind::kDouble) {
    return true;
  }
  if (from.kind == TypeKind::kDecimal && to.kind == TypeKind::kDecimal) {
    return to.scale == from.scale && to.precision >= from.precision;
  }
  return to.kind == TypeKind::kText && from.kind != TypeKind::kBytes;
}

Result<bool> AlterExecutor::HasRows(const TableDefinition& def) {
  // One seek per scope with hot rows, not one step per row.
  KALAM_ASSIGN_OR_RETURN(auto scopes, engine_.table_store->ScopesWithRows(def));
  if (!scopes.empty() || def.type == TableType::kStream) return !scopes.empty();
  KALAM_ASSIGN_OR_RETURN(tables::ColdTier::Stats cold, engine_.cold->TableStats(def, nullptr));
  return cold.rows > 0;
}

Status AlterExecutor::AddColumn(const dialect::AlterTableStmt& s, TableDefinition* def) {
  ColumnDefinition column = s.column;
  KALAM_RETURN_IF_ERROR(CheckNewColumnName(*def, column.name));
  KALAM_RETURN_IF_ERROR(CheckDefault(column));
  const bool literal_default = column.default_value && column.default_value->kind == DefaultValue::Kind::kLiteral;
  if (!column.nullable && !literal_default) {
    // Existing rows read the DEFAULT the column was added with; only a literal has one value
    // for all of them (docs/sql-reference.md).
    KALAM_ASSIGN_OR_RETURN(bool has_rows, HasRows(*def));
    if (has_rows) {
      return Status::InvalidOperation("Column '" + column.name +
                                      "' is NOT NULL: on a table with rows it needs a literal DEFAULT");
    }
  }
  column.column_id = def->next_column_id++;
  def->columns.push_back(std::move(column));
  return Status::Ok();
}

Status AlterExecutor::ModifyColumn(const dialect::AlterTableStmt& s, ColumnDefinition* column,
                                   const TableDefinition& def) {
  const DataType& to = s.column.type;
  if (!IsWideningConversion(column->type, to)) {
    return Status::InvalidOperation("Cannot change column '" + column->name + "' from " + column->type.SqlName() +
                                    " to " + to.SqlName() +
                                    ": only widening conversions are supported (see docs/sql-reference.md)");
  }
  if (column->primary_key && !(to == column->type)) {
    return Status::InvalidOperation("The type of primary key column '" + column->name + "' cannot be changed");
  }
  column->type = to;
  if (s.nullability_written && s.column.nullable != column->nullable) {
    if (s.column.nullable && column->primary_key) {
      return Status::InvalidOperation("Primary key column '" + column->name + "' cannot be nullable");
    }
    if (!s.column.nullable) {
      KALAM_ASSIGN_OR_RETURN(bool has_rows, HasRows(def));
      if (has_rows) {
        return Status::Unsupported("Not supported yet: NOT NULL on an existing column of a table with rows");
      }
    }
    column->nullable = s.column.nullable;
  }
  return CheckDefault(*column);
}

Status AlterExecutor::SetOptions(const dialect::AlterTableStmt& s, TableDefinition* def) {
  KALAM_RETURN_IF_ERROR(dialect::CheckTableOptionsFor(def->type, s.options_given));
  const dialect::TableOptionsSet& set = s.options_set;
  if (set.flush) {
    def->options.flush_row_limit = s.options.flush_row_limit;
    def->options.flush_interval_seconds = s.options.flush_interval_seconds;
  }
  if (set.access_level) def->options.access_level = s.options.access_level;
  if (set.deleted_retention) def->options.deleted_retention_hours = s.options.deleted_retention_hours;
  if (set.ttl) def->options.ttl_seconds = s.options.ttl_seconds;
  if (set.max_buffer) def->options.max_buffer = s.options.max_buffer;
  return Status::Ok();
}

Status AlterExecutor::Apply(const dialect::AlterTableStmt& s, TableDefinition* def) {
  if (s.change == Change::kAddColumn) return AddColumn(s, def);
  if (s.change == Change::kSetOptions) return SetOptions(s, def);
  const auto index = def->FindColumn(s.column_name);
  if (!index) return NoSuchColumn(*def, s.column_name);
  ColumnDefinition& column = def->columns[*index];
  switch (s.change) {
    case Change::kDropColumn:
      if (column.primary_key)
        return Status::InvalidOperation("Primary key column '" + column.name + "' cannot be dropped");
      if (def->columns.size() == 1) return Status::InvalidOperation("A table needs at least one column");
      def->columns.erase(def->columns.begin() + static_cast<std::ptrdiff_t>(*index));
      return Status::Ok();
    case Change::kModifyColumn: return ModifyColumn(s, &column, *def);
    case Change::kSetNotNull: {
      if (!column.nullable) return Status::Ok();
      KALAM_ASSIGN_OR_RETURN(bool has_rows, HasRows(*def));
      if (has_rows)
        return Status::Unsupported("Not supported yet: NOT NULL on an existing column of a table with rows");
      column.nullable = false;
      return Status::Ok();
    }
    case Change::kDropNotNull:
      if (column.primary_key)
        return Status::InvalidOperation("Primary key column '" + column.name + "' cannot be nullable");
      column.nullable = true;
      return Status::Ok();
    case Change::kSetDefault: column.default_value = s.column.default_value; return CheckDefault(column);
    case Change::kDropDefault: column.default_value.reset(); return Status::Ok();
    case Change::kRenameColumn:
      // Segments name the key column as written; retention and key lookups read it by name.
      if (column.primary_key)
        return Status::InvalidOperation("Primary key column '" + column.name + "' cannot be renamed");
      KALAM_RETURN_IF_ERROR(CheckNewColumnName(*def, s.new_name));
      column.name = s.new_name;
      return Status::Ok();
    case Change::kAddColumn:
    case Change::kSetOptions: break;
  }
  return Status::Internal("unhandled ALTER TABLE change");
}

Result<StatementResult> AlterExecutor::AlterTable(ExecContext& ctx, const dialect::AlterTableStmt& s) {
  const NamespaceId ns = s.table.namespace_id.value_or(ctx.session.current_namespace());
  if (ns.str() == kSystemNamespace) return Status::PermissionDenied("Access denied: system tables cannot be altered");
  const TableId id{ns, s.table.table_name};
  // Excludes flushes (which write segments under the version they started with) and other
  // ALTERs of any table; held for a metadata write only, so it is brief.
  std::unique_lock schema_lock(engine_.schema_ddl_mu);
  auto current = engine_.registry->FindTable(id);
  if (!current || !CanRead(ctx.acting_role, *current)) {
    if (!engine_.registry->NamespaceExists(ns)) return NamespaceNotFound(ns.str());
    return Status::NotFound("Table " + id.ToString() + " does not exist");
  }
  if (s.type && *s.type != current->type) {
    return Status::InvalidOperation("Table " + id.ToString() + " is a " + ToLower(TableTypeName(current->type)) +
                                    " table, not " + std::string(TableTypeName(*s.type)));
  }
  KALAM_RETURN_IF_ERROR(auth::CheckAlterTable(ctx.acting_role, current->type));
  TableDefinition next = *current;
  KALAM_RETURN_IF_ERROR(Apply(s, &next));
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kAlterValidated, id.ToString()));
  KALAM_ASSIGN_OR_RETURN(auto stored, engine_.registry->AlterTable(std::move(next)));
  if (engine_.live != nullptr) engine_.live->OnTableAltered(id);
  return MessageResult("Table " + id.ToString() + " altered successfully (schema version " +
                           std::to_string(stored->schema_version) + ")",
                       0, ctx.acting_user);
}

Result<StatementResult> AlterExecutor::AlterNamespace(ExecContext& ctx, const dialect::AlterNamespaceStmt& s) {
  KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(ctx.acting_role, "alter namespaces"));
  if (s.name.str() == kSystemNamespace) return Status::InvalidOperation("Namespace name 'system' is reserved");
  std::optional<NamespaceDefinition> current;
  for (NamespaceDefinition& def : engine_.registry->ListNamespaces()) {
    if (def.id == s.name) current = std::move(def);
  }
  if (!current) return NamespaceNotFound(s.name.str());
  // SET OPTIONS adds or replaces the keys given and keeps the others.
  std::vector<std::pair<std::string, std::string>> merged;
  simdjson::dom::parser parser;
  simdjson::dom::object existing;
  if (parser.parse(current->options_json).get(existing) == simdjson::SUCCESS) {
    for (auto [key, value] : existing) merged.emplace_back(std::string(key), simdjson::minify(value));
  }
  for (const auto& [key, value] : s.options) {
    bool replaced = false;
    for (auto& [k, v] : merged) {
      if (k == key) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) merged.emplace_back(key, value);
  }
  std::string json = "{";
  for (const auto& [key, value] : merged) {
    if (json.size() > 1) json += ",";
    AppendJsonString(key, &json);
    json += ":" + value;
  }
  json += "}";
  KALAM_RETURN_IF_ERROR(engine_.registry->SetNamespaceOptions(s.name, std::move(json)));
  return MessageResult("Namespace '" + s.name.str() + "' altered successfully", 0, ctx.acting_user);
}

}  // namespace kalam::core
