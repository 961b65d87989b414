#pragma once

// A grammar-based generator of random client SQL for the isolation tests. It knows the
// schema those tests create (USER tables app.notes and app.tags, SHARED table app.topics)
// and produces statements that put subqueries, table functions and DuckDB-specific syntax
// into every clause position. Deterministic for a given seed.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kalam::core::testing {

class RandomSql {
 public:
  explicit RandomSql(uint64_t seed) : rng_(seed) {}

  // A statement a client could send: a SELECT in one of many shapes, or a write that copies
  // what a SELECT returned into the caller's own rows. A statement that mentions `$1` takes
  // one VARCHAR parameter.
  std::string Statement() {
    switch (Pick(13)) {
      case 12:
        return "SELECT v FROM (" + Relation(1) +
               ") WHERE v <> $1 ORDER BY (SELECT count(*) FROM app.tags WHERE tag > $1)";
      case 0:
        return "INSERT INTO app.tags (note_id, tag) SELECT 9000 + " + Int(1, 9) + ", v FROM (" + Relation(1) +
               ") LIMIT 2";
      case 1: return "UPDATE app.tags SET tag = tag WHERE tag IN (" + Relation(1) + ")";
      case 2: return "DELETE FROM app.tags WHERE note_id >= 9000 AND tag NOT IN (" + Relation(1) + ")";
      case 3: return Shaped();
      default: return Relation(0);
    }
  }

 private:
  std::mt19937_64 rng_;
  int cte_ = 0;

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }
  std::string Int(int lo, int hi) { return std::to_string(lo + Pick(hi - lo + 1)); }
  template <typename T>
  const T& OneOf(const std::vector<T>& options) {
    return options[Pick(static_cast<int>(options.size()))];
  }

  // A query whose result is one VARCHAR column `v`, so it fits every slot: FROM, IN,
  // EXISTS, scalar subqueries (through max), set operations and CTEs.
  std::string Relation(int depth) {
    if (depth >= 2) return Leaf();
    switch (Pick(9)) {
      case 0:
        return "(" + Relation(depth + 1) + ") " +
               OneOf<std::string>({"UNION", "UNION ALL", "EXCEPT", "INTERSECT", "UNION BY NAME"}) + " (" +
               Relation(depth + 1) + ")";
      case 1: {
        const std::string name = "c" + std::to_string(cte_++);
        return "WITH " + name + " AS " + OneOf<std::string>({"", "MATERIALIZED ", "NOT MATERIALIZED "}) + "(" +
               Relation(depth + 1) + ") SELECT v FROM " + name + Where(depth);
      }
      case 2: {
        const std::string name = "r" + std::to_string(cte_++);
        return "WITH RECURSIVE " + name + "(v, d) AS (SELECT v, 0 FROM (" + Relation(depth + 1) +
               ") UNION ALL SELECT v, d + 1 FROM " + name + " WHERE d < 2) SELECT v FROM " + name;
      }
      case 3: return "FROM (" + Relation(depth + 1) + ") SELECT v" + Modifiers(depth);
      default: return Select(depth);
    }
  }

  // The simplest relations: one table or table function, one column.
  std::string Leaf() {
    return OneOf<std::string>({
        "SELECT owner AS v FROM app.notes",
        "SELECT body AS v FROM app.notes",
        "SELECT tag AS v FROM app.tags",
        "SELECT title AS v FROM app.topics",
        "SELECT CAST(range AS VARCHAR) AS v FROM range(3)",
        "SELECT body AS v FROM kalam_scan('app.notes')",
        "SELECT unnest(['x', 'y']) AS v",
        "SELECT CAST(generate_series AS VARCHAR) AS v FROM generate_series(1, 2)",
        "SELECT 'k' AS v",
    });
  }

  std::string Source(int depth) {
    switch (Pick(14)) {
      case 0: return "app.notes n";
      case 1: return "app.notes AS n TABLESAMPLE " + Int(10, 100) + "%";
      case 2:
        return "app.notes n JOIN app.tags t ON t.note_id = n.id" +
               (Chance(50) ? " AND t.tag IN (" + Relation(depth + 1) + ")" : std::string());
      case 3: return "app.notes n LEFT JOIN app.topics p ON p.topic = n.topic";
      case 4:
        return "app.notes n, LATERAL (SELECT t.tag FROM app.tags t WHERE t.note_id = n.id" +
               (Chance(50) ? " AND t.tag > (" + Scalar(depth + 1) + ")" : std::string()) + ") l";
      case 5: return "app.notes n CROSS JOIN range(" + Int(1, 2) + ") g";
      case 6: return "app.notes n JOIN (" + Relation(depth + 1) + ") s ON s.v <> n.body";
      case 7: return "app.notes n SEMI JOIN app.tags t ON t.note_id = n.id";
      case 8: return "app.notes n ANTI JOIN app.tags t ON t.note_id = n.id AND t.owner <> n.owner";
      case 9: return "app.notes n POSITIONAL JOIN app.tags t";
      case 10: return "app.notes n ASOF JOIN app.tags t ON n.id >= t.note_id";
      case 11:
        return "(SELECT id, id AS n, 'a' AS topic, a AS owner, coalesce(a, b) AS body FROM (PIVOT app.notes ON topic "
               "IN ('a', 'b') USING max(body) GROUP BY id)) n";
      case 12:
        return "(SELECT id, id AS n, k AS topic, w AS owner, w AS body FROM (UNPIVOT (SELECT id, owner, body FROM "
               "app.notes) ON owner, body INTO NAME k VALUE w)) n";
      default: return "app.notes n NATURAL JOIN app.notes";
    }
  }

  // A VARCHAR expression over the columns of `n` (and whatever else the source offers).
  std::string Value(int depth) {
    switch (Pick(12)) {
      case 0: return "n.body";
      case 1: return "n.owner";
      case 2: return "CAST(n.id AS VARCHAR)";
      case 3: return "n.topic || '/' || coalesce(n.body, '')";
      case 4: return "CAST({'o': n.owner, 'b': [n.body, n.topic]} AS VARCHAR)";
      case 5: return "CAST([n.owner, n.body][1:1] AS VARCHAR)";
      case 6: return "(" + Scalar(depth + 1) + ")";
      case 7: return "CASE WHEN " + Condition(depth) + " THEN n.body ELSE n.owner END";
      case 8: return "concat_ws(',', *COLUMNS(c -> c = 'body'))";
      case 9: return "upper(n.owner)";
      case 10: return "CAST(row_number() OVER (PARTITION BY n.topic ORDER BY n.id) AS VARCHAR) || n.body";
      default: return "n.body";
    }
  }

  std::string Scalar(int depth) { return "SELECT max(v) FROM (" + Relation(depth + 1) + ")"; }

  std::string Condition(int depth) {
    switch (Pick(9)) {
      case 0: return "n.id > " + Int(0, 25);
      case 1: return "n.body IN (" + Relation(depth + 1) + ")";
      case 2: return "EXISTS (" + Relation(depth + 1) + ")";
      case 3: return "NOT EXISTS (SELECT 1 FROM app.tags t WHERE t.note_id = n.id AND t.owner <> n.owner)";
      case 4: return "n.body > (" + Scalar(depth + 1) + ")";
      case 5: return "n.topic = ANY (SELECT topic FROM app.topics)";
      case 6: return "n.id IN (SELECT id FROM app.notes WHERE _deleted = false)";
      case 7: return "n.owner LIKE '%" + OneOf<std::string>({"a", "b", "c", "o"}) + "%'";
      default: return "n.n % " + Int(2, 4) + " = 0";
    }
  }

  std::string Where(int depth) { return Chance(40) ? " WHERE v IS NOT NULL AND v <> (" + Scalar(depth + 1) + ")" : ""; }

  std::string Modifiers(int depth) {
    std::string out;
    if (Chance(30)) out += " ORDER BY " + OneOf<std::string>({"1", "v", "(" + Scalar(depth + 1) + ")", "random()"});
    if (Chance(30))
      out +=
          " LIMIT " + OneOf<std::string>({Int(1, 20), "(SELECT count(*) FROM (" + Relation(depth + 1) + "))", "50%"});
    if (Chance(15)) out += " OFFSET " + OneOf<std::string>({Int(0, 3), "(SELECT count(*) FROM app.tags) % 3"});
    return out;
  }

  std::string Select(int depth) {
    std::string sql = "SELECT ";
    const bool grouped = Chance(25);
    const int distinct = Pick(6);
    if (distinct == 0) sql += "DISTINCT ";
    if (distinct == 1 && !grouped)
      sql += "DISTINCT ON (" + OneOf<std::string>({"n.topic", "(" + Scalar(depth + 1) + ")"}) + ") ";
    const std::string value =
        grouped ? OneOf<std::string>({"string_agg(n.body, ',')", "max(n.owner)", "CAST(list(n.body) AS VARCHAR)",
                                      "CAST(count(*) AS VARCHAR) || min(n.body)", "any_value(n.owner)"})
                : Value(depth);
    sql += value + " AS v FROM " + Source(depth);
    if (Chance(50)) sql += " WHERE " + Condition(depth);
    if (grouped) {
      sql += OneOf<std::string>({"", " GROUP BY n.topic", " GROUP BY ALL", " GROUP BY ROLLUP (n.topic)"});
      if (Chance(40))
        sql += " HAVING count(*) > " + Int(0, 2) +
               (Chance(50) ? " OR max(n.body) IN (" + Relation(depth + 1) + ")" : std::string());
    } else if (Chance(20)) {
      sql += " QUALIFY row_number() OVER (ORDER BY n.id) <= " +
             OneOf<std::string>({Int(1, 5), "(SELECT count(*) FROM (" + Relation(depth + 1) + "))"});
    }
    if (Chance(5)) sql += " USING SAMPLE " + Int(1, 5) + " ROWS";
    if (distinct == 1 && !grouped) {
      sql += " ORDER BY n.topic";
    } else {
      sql += Modifiers(depth);
    }
    return sql;
  }

  // Statements whose result is not one column: DuckDB-specific shapes, system tables,
  // and functions the engine refuses.
  std::string Shaped() {
    return OneOf<std::string>({
        "SELECT * FROM app.notes",
        "SELECT * EXCLUDE (n) FROM app.notes",
        "SELECT * REPLACE (upper(body) AS body) FROM app.notes ORDER BY id",
        "SELECT COLUMNS('o.*|b.*') FROM app.notes",
        "SELECT max(COLUMNS(*)) FROM app.tags",
        "FROM app.notes SELECT owner, body LIMIT " + Int(1, 5),
        "FROM app.tags",
        "SUMMARIZE app.notes",
        "SELECT * FROM (SUMMARIZE SELECT body, owner FROM app.notes)",
        "SELECT * FROM (DESCRIBE SELECT * FROM app.notes)",
        "SELECT * FROM (SHOW SELECT body, tag FROM app.notes n JOIN app.tags t ON t.note_id = n.id)",
        "SELECT * FROM (SHOW TABLES)",
        "SELECT * FROM (PIVOT app.tags ON owner IN ('alice', 'bob', 'carol') USING count(*))",
        "SELECT * FROM (UNPIVOT app.notes ON COLUMNS('o.*|b.*') INTO NAME k VALUE w)",
        "SELECT [v, v] AS l, {'v': v} AS s FROM (" + Relation(1) + ")",
        "SELECT * FROM app.notes n WHERE n.id = (SELECT max(note_id) FROM app.tags) ORDER BY (SELECT count(*) FROM "
        "app.tags)",
        "SELECT topic, count(*) FROM app.notes GROUP BY ALL ORDER BY ALL",
        "SELECT * FROM app.notes ORDER BY id LIMIT (SELECT count(*) FROM app.tags) % 5 OFFSET 1",
        "SELECT * FROM app.notes TABLESAMPLE " + Int(1, 100) + "%",
        "SELECT * FROM system.users",
        "SELECT (SELECT count(*) FROM system.tables)",
        "SELECT * FROM duckdb_settings()",
        "SELECT 1 ORDER BY (SELECT count(*) FROM duckdb_tables())",
        "SELECT * FROM information_schema.tables",
        "SELECT current_setting('threads')",
        "SELECT * FROM app.notes LIMIT (SELECT count(*) FROM duckdb_logs)",
        "SELECT * FROM read_parquet('x.parquet')",
        "SELECT * FROM query('SELECT * FROM app.notes')",
        "EXPLAIN SELECT * FROM app.notes",
    });
  }
};

}  // namespace kalam::core::testing
