#include "kalam/tables/cold_query.h"

#include <algorithm>
#include <map>
#include <optional>

#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "sql_text.h"

namespace kalam::tables {
namespace {

// Whether no identity can have versions in two segments: every segment's primary-key range
// is known and the ranges do not overlap (the usual shape of append-mostly chat tables).
bool KeyRangesAreDisjoint(std::vector<ColdSegment> segments) {
  for (const ColdSegment& s : segments) {
    if (!s.pk_min || !s.pk_max) return false;
  }
  std::sort(segments.begin(), segments.end(),
            [](const ColdSegment& a, const ColdSegment& b) { return *a.pk_min < *b.pk_min; });
  for (size_t i = 1; i < segments.size(); ++i) {
    if (!(*segments[i - 1].pk_max < *segments[i].pk_min)) return false;
  }
  return true;
}

std::string ReadParquet(const std::vector<const ColdSegment*>& segments) {
  std::string sql = "read_parquet([";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) sql += ", ";
    sql += QuoteLiteral(segments[i]->absolute_path);
  }
  return sql + "])";
}

// The segments as one relation with `def`'s columns (FROM clause text). Segments written
// under other schema versions (ALTER TABLE) are read with their own columns and projected
// by column id, as RowProjector does for hot rows: added columns read as the literal DEFAULT
// they were added with (else NULL), dropped ones are left out, renamed ones are aliased and
// retyped ones cast.
std::string SegmentsSource(const TableDefinition& def, const std::vector<ColdSegment>& segments) {
  std::map<uint32_t, std::vector<const ColdSegment*>> by_version;
  for (const ColdSegment& s : segments) {
    // 0: written before segments named their version; only the current one existed then.
    const uint32_t version = s.schema_version == 0 || !def.lineage ? def.schema_version : s.schema_version;
    by_version[version].push_back(&s);
  }
  if (by_version.size() == 1 && by_version.begin()->first == def.schema_version) {
    return ReadParquet(by_version.begin()->second);
  }
  const bool has_pk = def.PrimaryKeyIndex().has_value();
  std::string sql = "(";
  for (const auto& [version, group] : by_version) {
    auto layout = def.lineage ? def.lineage->Find(version) : nullptr;
    if (sql.size() > 1) sql += " UNION ALL ";
    sql += "SELECT ";
    for (const ColumnDefinition& column : def.columns) {
      const std::string type = ToLogicalType(column.type).ToString();
      if (!layout) {
        sql += QuoteIdent(column.name);  // an unknown version: read by name
      } else if (auto stored = layout->Find(column.column_id)) {
        sql += "CAST(" + QuoteIdent(layout->columns[*stored].name) + " AS " + type + ")";
      } else {
        std::string fill = "NULL";
        if (auto d = def.lineage->FillFor(column.column_id, version)) {
          auto value = LiteralDefault(*d, column);
          if (value.ok() && !value->IsNull()) fill = QuoteLiteral(value->ToString());
        }
        sql += "CAST(" + fill + " AS " + type + ")";
      }
      sql += " AS " + QuoteIdent(column.name) + ", ";
    }
    sql += has_pk ? "_seq, _deleted" : "_seq, _deleted, _row_id";
    sql += " FROM " + ReadParquet(group);
  }
  return sql + ")";
}

}  // namespace

bool ColdComparison::Supported(duckdb::ExpressionType op) {
  switch (op) {
    case duckdb::ExpressionType::COMPARE_EQUAL:
    case duckdb::ExpressionType::COMPARE_NOTEQUAL:
    case duckdb::ExpressionType::COMPARE_LESSTHAN:
    case duckdb::ExpressionType::COMPARE_LESSTHANOREQUALTO:
    case duckdb::ExpressionType::COMPARE_GREATERTHAN:
    case duckdb::ExpressionType::COMPARE_GREATERTHANOREQUALTO: return true;
    default: return false;
  }
}

std::string ColdQuery(const TableDefinition& def, const ScanProjection& projection,
                      const std::vector<ColdSegment>& segments, const ColdFilter& filter, bool with_identity,
                      int order) {
  const auto pk = def.PrimaryKeyIndex();
  const std::string identity = pk ? QuoteIdent(def.columns[*pk].name) : std::string("_row_id");
  std::string sql = "SELECT ";
  for (const ScanColumn& c : projection) {
    switch (c.kind) {
      case ScanColumn::Kind::kUserColumn: {
        const ColumnDefinition& col = def.columns[c.column_index];
        sql += "CAST(" + QuoteIdent(col.name) + " AS " + ToLogicalType(col.type).ToString() + ")";
        break;
      }
      case ScanColumn::Kind::kSeq: sql += "_seq"; break;
      case ScanColumn::Kind::kDeleted: sql += "_deleted"; break;
      case ScanColumn::Kind::kRowId: sql += pk ? "CAST(0 AS BIGINT)" : "_row_id"; break;
    }
    sql += ", ";
  }
  // The identity text is only needed when the hot tier holds versions to skip.
  sql += with_identity ? "CAST(" + identity + " AS VARCHAR)" : std::string("CAST(NULL AS VARCHAR)");
  sql += ", _deleted FROM " + SegmentsSource(def, segments);
  // These conditions run before the newest-version-per-identity step below, which is only
  // exact if they never drop a version while keeping an older version of the same identity:
  // - the primary key is the identity, so `pk = v` keeps all versions of one identity or
  //   none;
  // - `_seq > X` drops the older versions of an identity first: when its newest version
  //   passes, the newest is still chosen; when it does not, the query's own `_seq > X`
  //   filter would have dropped that newest version anyway, so hiding the identity is right.
  // Written as literals (not parameters) so that DuckDB's Parquet reader can compare them
  // with row-group statistics and skip row groups.
  std::vector<std::string> where;
  if (filter.min_seq_exclusive > 0) where.push_back("_seq > " + std::to_string(filter.min_seq_exclusive));
  if (filter.max_seq_inclusive < INT64_MAX) where.push_back("_seq <= " + std::to_string(filter.max_seq_inclusive));
  if (filter.primary_key && pk && !filter.primary_key->IsNull()) {
    const std::string text = filter.primary_key->ToString();
    if (text.find('\0') == std::string::npos) {
      where.push_back(identity + " = CAST(" + QuoteLiteral(text) + " AS " +
                      ToLogicalType(def.columns[*pk].type).ToString() + ")");
    }
  }
  // Several segments may hold versions of one row: keep the newest (unnecessary when their
  // key ranges prove every row lives in exactly one segment).
  const bool dedup = segments.size() > 1 && !(pk && KeyRangesAreDisjoint(segments));
  // Without that step every row has one cold version, so the query's own comparisons can run
  // inside the Parquet read (row-group statistics, no rows materialised for nothing); with it,
  // a comparison could surface an older version whose newer one fails it, so they wait for
  // DuckDB's plan, which applies them anyway.
  if (!dedup && filter.comparisons != nullptr) {
    for (const ColdComparison& c : *filter.comparisons) {
      const std::string text = c.value.ToString();
      if (text.find('\0') != std::string::npos) continue;
      const ColumnDefinition& col = def.columns[c.column_index];
      where.push_back(QuoteIdent(col.name) + " " + duckdb::ExpressionTypeToOperator(c.op) + " CAST(" +
                      QuoteLiteral(text) + " AS " + ToLogicalType(col.type).ToString() + ")");
    }
  }
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  if (dedup) sql += " QUALIFY row_number() OVER (PARTITION BY " + identity + " ORDER BY _seq DESC) = 1";
  if (order != 0) sql += order > 0 ? " ORDER BY _seq" : " ORDER BY _seq DESC";
  return sql;
}

}  // namespace kalam::tables
