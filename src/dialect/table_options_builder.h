#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/status.h"
#include "kalam/commons/table_options.h"
#include "kalam/commons/table_type.h"
#include "kalam/dialect/statements.h"

namespace kalam::dialect {

// Gathers the table settings of CREATE TABLE from both syntaxes (seed clauses such as
// `FLUSH ROW_THRESHOLD n` and `WITH (FLUSH_POLICY = 'rows:n')`). Every setting is known by
// its WITH-form name in upper case, which is also the name errors use (docs/sql-reference.md).
// Values are checked as they arrive; per-type validity waits for Finish, because the type
// may be written last (WITH TYPE).
class TableOptionsBuilder {
 public:
  // Records that the setting `name` was given; a second time, in either syntax, is
  // "Duplicate table option 'NAME'".
  [[nodiscard]] Status MarkGiven(std::string_view name);

  // Value setters; the caller has called MarkGiven for the setting first.
  [[nodiscard]] Status SetFlushRows(std::string_view text);        // 1..999999
  [[nodiscard]] Status SetFlushInterval(std::string_view text);    // "300", "300s", "5m", "1h"
  [[nodiscard]] Status SetFlushPolicyText(std::string_view text);  // "rows:N,interval:S"
  [[nodiscard]] Status SetStorage(std::string_view text);
  [[nodiscard]] Status SetTtl(std::string_view text);
  [[nodiscard]] Status SetMaxBuffer(std::string_view text);
  [[nodiscard]] Status SetDeletedRetention(std::string_view text);
  [[nodiscard]] Status SetAccessLevel(std::string_view text);
  [[nodiscard]] Status SetType(std::string_view text);

  // One `key = value` of WITH (...); `key` is already upper case.
  [[nodiscard]] Status ApplyWithOption(const std::string& key, std::string_view value);

  // Resolves the table type (prefix keyword, else TYPE, else SHARED), checks every given
  // setting against it and fills `type`, `options` and `options_set` of `stmt`.
  [[nodiscard]] Status Finish(std::optional<TableType> prefix_type, CreateTableStmt* stmt);
  // ALTER TABLE ... SET TBLPROPERTIES: fills the options of `stmt`; TYPE and STORAGE_ID cannot
  // change. Validity for the table's type is the engine's check (CheckTableOptionsFor).
  [[nodiscard]] Status FinishAlter(AlterTableStmt* stmt);

 private:
  std::vector<std::string> given_;  // in the order written, so the first bad one is reported
  std::optional<TableType> with_type_;
  TableOptions options_;
  TableOptionsSet set_;
};

}  // namespace kalam::dialect
