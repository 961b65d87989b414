#include "kalam/dialect/parser.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kalam/commons/names.h"
#include "kalam/dialect/statement_splitter.h"

#include "alter_table_parser.h"
#include "backup_statement_parser.h"
#include "compact_statement_parser.h"
#include "create_table_parser.h"
#include "cursor.h"
#include "export_statement_parser.h"
#include "storage_statement_parser.h"
#include "user_statement_parser.h"
#include "lexer.h"

namespace kalam::dialect {
namespace {

// Statements KalamDB plans but does not build yet, by their leading words. The longest
// matching entry names the statement in "Not supported yet: <name>" (docs/http-api.md).
struct PlannedStatement {
  std::array<std::string_view, 4> words;
  std::string_view name;
};

constexpr PlannedStatement kPlannedStatements[] = {
    {{"ALTER", "TOPIC"}, "ALTER TOPIC"},
    {{"CREATE", "VIEW"}, "CREATE VIEW"},
    {{"CREATE", "OR", "REPLACE", "VIEW"}, "CREATE VIEW"},
    {{"CREATE", "MATERIALIZED", "VIEW"}, "CREATE VIEW"},
    {{"CREATE", "TOPIC"}, "CREATE TOPIC"},
    {{"CREATE", "INDEX"}, "CREATE INDEX"},
    {{"DROP", "VIEW"}, "DROP VIEW"},
    {{"DROP", "TOPIC"}, "DROP TOPIC"},
    {{"DROP", "INDEX"}, "DROP INDEX"},
    {{"CLEAR", "TOPIC"}, "CLEAR TOPIC"},
    {{"SHOW", "ALL"}, "SHOW ALL"},
    {{"SHOW", "COLUMNS"}, "SHOW COLUMNS"},
    {{"SHOW", "MANIFEST"}, "SHOW MANIFEST"},
    {{"KILL"}, "KILL"},
    {{"KILL", "LIVE", "QUERY"}, "KILL LIVE QUERY"},
    {{"SUBSCRIBE"}, "SUBSCRIBE TO"},
    {{"CONSUME"}, "CONSUME"},
    {{"ACK"}, "ACK"},
    {{"CLUSTER"}, "CLUSTER"},
    {{"SET"}, "SET"},  // SET NAMESPACE is handled before this table is consulted
};

// Leading keywords of the statements DuckDB parses.
constexpr std::array<std::string_view, 9> kStandardLeaders = {
    "SELECT", "WITH", "VALUES", "INSERT", "UPDATE", "DELETE", "EXPLAIN", "FROM", "TABLE"};

// Dispatches on the leading keywords and parses every KalamDB statement except CREATE TABLE,
// which has its own parser.
class StatementParser {
 public:
  StatementParser(std::string_view sql, std::vector<Token> tokens) : cur_(sql, std::move(tokens)) {}

  Result<KalamStatement> Parse();

 private:
  Result<KalamStatement> ParseCreateNamespace();
  Result<KalamStatement> ParseDropNamespace();
  Result<KalamStatement> ParseUseNamespace();
  Result<KalamStatement> ParseDropTable();
  Result<KalamStatement> ParseShow();
  Result<KalamStatement> ParseDescribe();
  Result<KalamStatement> ParseExecuteAs();
  Result<KalamStatement> ParseFlush();
  Result<KalamStatement> ParseKillJob();
  Result<KalamStatement> ParseKillLiveQuery();
  Result<KalamStatement> ParseSubscribe();
  Status PlannedOrUnknown() const;

  // [USER|SHARED|STREAM] TABLE starting `ahead` tokens from here.
  bool AtTableKeyword(size_t ahead) const {
    return cur_.Peek(ahead).IsKeyword("TABLE") ||
           (TableTypeKeyword(cur_.Peek(ahead)) && cur_.Peek(ahead + 1).IsKeyword("TABLE"));
  }

  Cursor cur_;
};

Result<KalamStatement> StatementParser::Parse() {
  if (cur_.AtEnd()) return Status::InvalidArgument("Empty statement");
  const Token& first = cur_.Peek();
  if (first.IsKeyword("CREATE")) {
    if (cur_.Peek(1).IsKeyword("NAMESPACE")) return ParseCreateNamespace();
    if (AtTableKeyword(1)) {
      KALAM_ASSIGN_OR_RETURN(CreateTableStmt stmt, ParseCreateTable(cur_));
      return KalamStatement(std::move(stmt));
    }
    if (cur_.Peek(1).IsKeyword("USER")) return ParseUserStatement(cur_);
    if (cur_.Peek(1).IsKeyword("STORAGE")) return ParseStorageStatement(cur_);
  } else if (first.IsKeyword("DROP")) {
    if (cur_.Peek(1).IsKeyword("NAMESPACE")) return ParseDropNamespace();
    if (AtTableKeyword(1)) return ParseDropTable();
    if (cur_.Peek(1).IsKeyword("USER")) return ParseUserStatement(cur_);
    if (cur_.Peek(1).IsKeyword("STORAGE")) return ParseStorageStatement(cur_);
  } else if (first.IsKeyword("ALTER") && AtTableKeyword(1)) {
    KALAM_ASSIGN_OR_RETURN(AlterTableStmt stmt, ParseAlterTable(cur_));
    return KalamStatement(std::move(stmt));
  } else if (first.IsKeyword("ALTER") && cur_.Peek(1).IsKeyword("NAMESPACE")) {
    KALAM_ASSIGN_OR_RETURN(AlterNamespaceStmt stmt, ParseAlterNamespace(cur_));
    return KalamStatement(std::move(stmt));
  } else if (first.IsKeyword("ALTER") && cur_.Peek(1).IsKeyword("USER") && !AtTableKeyword(1)) {
    return ParseUserStatement(cur_);
  } else if (first.IsKeyword("ALTER") && cur_.Peek(1).IsKeyword("STORAGE")) {
    return ParseStorageStatement(cur_);
  } else if (first.IsKeyword("USE") ||
             (first.IsKeyword("SET") && cur_.Peek(1).IsKeyword("NAMESPACE"))) {
    return ParseUseNamespace();
  } else if (first.IsKeyword("SHOW")) {
    const Token& what = cur_.Peek(1);
    if (what.IsKeyword("NAMESPACES") || what.IsKeyword("TABLES") || what.IsKeyword("STATS") ||
        what.IsKeyword("STORAGES")) {
      return ParseShow();
    }
  } else if (first.IsKeyword("DESCRIBE") || first.IsKeyword("DESC")) {
    return ParseDescribe();
  } else if (first.IsKeyword("EXECUTE") && cur_.Peek(1).IsKeyword("AS")) {
    return ParseExecuteAs();
  } else if (first.IsKeyword("STORAGE") && cur_.Peek(1).IsKeyword("CHECK")) {
    return ParseStorageCheck(cur_);
  } else if (first.IsKeyword("FLUSH") || (first.IsKeyword("STORAGE") && cur_.Peek(1).IsKeyword("FLUSH"))) {
    return ParseFlush();
  } else if (first.IsKeyword("STORAGE") && cur_.Peek(1).IsKeyword("COMPACT")) {
    return ParseCompactStatement(cur_);
  } else if (first.IsKeyword("KILL") && cur_.Peek(1).IsKeyword("JOB")) {
    return ParseKillJob();
  } else if (cur_.MatchKeywords({"KILL", "LIVE", "QUERY"})) {
    return ParseKillLiveQuery();
  } else if (first.IsKeyword("SUBSCRIBE") && cur_.Peek(1).IsKeyword("TO")) {
    return ParseSubscribe();
  } else if (first.IsKeyword("EXPORT")) {
    return ParseExportUserData(cur_);
  } else if (first.IsKeyword("BACKUP") || first.IsKeyword("RESTORE")) {
    return ParseBackupStatement(cur_);
  }
  return PlannedOrUnknown();
}

Status StatementParser::PlannedOrUnknown() const {
  const PlannedStatement* best = nullptr;
  size_t best_length = 0;
  for (const PlannedStatement& planned : kPlannedStatements) {
    size_t length = 0;
    while (length < planned.words.size() && !planned.words[length].empty()) ++length;
    bool match = true;
    for (size_t i = 0; i < length && match; ++i) match = cur_.Peek(i).IsKeyword(planned.words[i]);
    if (match && length > best_length) {
      best = &planned;
      best_length = length;
    }
  }
  if (best != nullptr) return Status::Unsupported("Not supported yet: " + std::string(best->name));
  const Token& first = cur_.Peek();
  const std::string word = first.kind == TokenKind::kWord ? ToUpperAscii(first.text) : first.text;
  return Status::InvalidArgument("Unsupported statement type: " + word);
}

// CREATE NAMESPACE [IF NOT EXISTS] name
Result<KalamStatement> StatementParser::ParseCreateNamespace() {
  cur_.Seek(cur_.position() + 2);
  CreateNamespaceStmt stmt;
  stmt.if_not_exists = cur_.MatchKeywords({"IF", "NOT", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(stmt.name, cur_.ParseNamespaceName());
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// DROP NAMESPACE [IF EXISTS] name [CASCADE]
Result<KalamStatement> StatementParser::ParseDropNamespace() {
  cur_.Seek(cur_.position() + 2);
  DropNamespaceStmt stmt;
  stmt.if_exists = cur_.MatchKeywords({"IF", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(stmt.name, cur_.ParseNamespaceName());
  stmt.cascade = cur_.MatchKeyword("CASCADE");
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// USE name | USE NAMESPACE name | SET NAMESPACE name
Result<KalamStatement> StatementParser::ParseUseNamespace() {
  if (cur_.Next().IsKeyword("SET")) {
    cur_.Next();  // NAMESPACE, checked by the caller
  } else if (cur_.Peek().IsKeyword("NAMESPACE") && cur_.Peek(1).kind != TokenKind::kEnd) {
    // A lone "USE namespace" names a namespace called `namespace`.
    cur_.Next();
  }
  UseNamespaceStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.name, cur_.ParseNamespaceName());
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// SHOW NAMESPACES | SHOW TABLES [IN [NAMESPACE] ns] | SHOW STATS FOR [TABLE] [ns.]t | SHOW STORAGES
Result<KalamStatement> StatementParser::ParseShow() {
  cur_.Next();  // SHOW
  if (cur_.MatchKeyword("NAMESPACES")) {
    KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
    return KalamStatement(ShowNamespacesStmt{});
  }
  if (cur_.MatchKeyword("STORAGES")) {
    KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
    return KalamStatement(ShowStoragesStmt{});
  }
  if (cur_.MatchKeyword("TABLES")) {
    ShowTablesStmt stmt;
    if (cur_.MatchKeyword("IN")) {
      if (cur_.Peek().IsKeyword("NAMESPACE") && cur_.Peek(1).kind != TokenKind::kEnd) cur_.Next();
      KALAM_ASSIGN_OR_RETURN(stmt.in_namespace, cur_.ParseNamespaceName());
    }
    KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
    return KalamStatement(std::move(stmt));
  }
  cur_.Next();  // STATS
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("FOR"));
  cur_.MatchKeyword("TABLE");
  ShowStatsStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// DESCRIBE | DESC [TABLE] [ns.]t [HISTORY]
Result<KalamStatement> StatementParser::ParseDescribe() {
  cur_.Next();
  cur_.MatchKeyword("TABLE");
  DescribeTableStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
  stmt.history = cur_.MatchKeyword("HISTORY");
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// DROP [USER|SHARED|STREAM] TABLE [IF EXISTS] [ns.]t
Result<KalamStatement> StatementParser::ParseDropTable() {
  cur_.Next();  // DROP
  DropTableStmt stmt;
  stmt.type = TableTypeKeyword(cur_.Peek());
  if (stmt.type) cur_.Next();
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("TABLE"));
  stmt.if_exists = cur_.MatchKeywords({"IF", "EXISTS"});
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// EXECUTE AS USER <'name' | name> ( <one statement> )
Result<KalamStatement> StatementParser::ParseExecuteAs() {
  cur_.Seek(cur_.position() + 2);  // EXECUTE AS
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("USER"));
  KALAM_ASSIGN_OR_RETURN(std::string user_id, ParseUserName(cur_));

  const size_t open = cur_.position();
  if (!cur_.Peek().IsSymbol('(')) return SyntaxError("'(' after EXECUTE AS USER", cur_.Peek());
  const std::optional<size_t> close = cur_.MatchingParen(open);
  if (!close) {
    return Status::InvalidArgument("Syntax error: unbalanced parentheses in EXECUTE AS USER");
  }
  cur_.Seek(*close + 1);
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());

  // The inner statement goes to the engine verbatim, so it is cut from the source text
  // rather than rebuilt from tokens.
  std::string_view inner = cur_.TextBetween(open, *close);
  if (!inner.empty() && inner.back() == ';') inner = TrimSpace(inner.substr(0, inner.size() - 1));
  KALAM_ASSIGN_OR_RETURN(std::vector<std::string> statements, SplitStatements(inner));
  if (statements.size() != 1) {
    return Status::InvalidArgument("EXECUTE AS USER requires a single SQL statement");
  }
  ExecuteAsStmt stmt;
  stmt.user = UserId(std::move(user_id));
  stmt.inner_sql = std::string(inner);
  return KalamStatement(std::move(stmt));
}

// FLUSH TABLE t | FLUSH ALL TABLES [IN ns] | STORAGE FLUSH TABLE t | STORAGE FLUSH ALL [IN [NAMESPACE] ns]
Result<KalamStatement> StatementParser::ParseFlush() {
  const bool storage_form = cur_.MatchKeyword("STORAGE");
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("FLUSH"));
  if (cur_.MatchKeyword("TABLE")) {
    FlushTableStmt stmt;
    KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
    KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
    return KalamStatement(std::move(stmt));
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("ALL"));
  if (!storage_form) KALAM_RETURN_IF_ERROR(cur_.ExpectKeyword("TABLES"));
  FlushAllStmt stmt;
  if (cur_.MatchKeyword("IN")) {
    cur_.MatchKeyword("NAMESPACE");
    KALAM_ASSIGN_OR_RETURN(NamespaceId ns, cur_.ParseNamespaceName());
    stmt.in_namespace = std::move(ns);
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// KILL JOB 'FL-1a2b3c4d5e6f' (quoted or bare)
Result<KalamStatement> StatementParser::ParseKillJob() {
  cur_.Seek(cur_.position() + 2);
  const Token& id = cur_.Peek();
  if (id.kind != TokenKind::kString && id.kind != TokenKind::kWord && id.kind != TokenKind::kQuotedIdent) {
    return SyntaxError("a job id", id);
  }
  KillJobStmt stmt;
  stmt.job_id = id.text;
  cur_.Next();
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// KILL LIVE QUERY 'alice-<connection_id>-orders_live' (the keywords are already consumed)
Result<KalamStatement> StatementParser::ParseKillLiveQuery() {
  const Token& id = cur_.Peek();
  if (id.kind != TokenKind::kString && id.kind != TokenKind::kWord && id.kind != TokenKind::kQuotedIdent) {
    return SyntaxError("a live query id", id);
  }
  KillLiveQueryStmt stmt{LiveQueryId(id.text)};
  cur_.Next();
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

// SUBSCRIBE TO [ns.]t [WHERE cond] [OPTIONS (name=value, ...)]
Result<KalamStatement> StatementParser::ParseSubscribe() {
  cur_.Seek(cur_.position() + 2);
  SubscribeStmt stmt;
  KALAM_ASSIGN_OR_RETURN(stmt.table, cur_.ParseTableRef());
  // OPTIONS, if present, is the last clause: the top-level `OPTIONS (` whose ')' ends the text.
  size_t options_at = 0;
  bool has_options = false;
  int depth = 0;
  for (size_t i = cur_.position(); cur_.At(i).kind != TokenKind::kEnd; ++i) {
    const Token& t = cur_.At(i);
    if (t.IsSymbol('(')) ++depth;
    if (t.IsSymbol(')')) --depth;
    if (depth == 0 && t.IsKeyword("OPTIONS") && cur_.At(i + 1).IsSymbol('(')) {
      auto close = cur_.MatchingParen(i + 1);
      if (close && cur_.At(*close + 1).kind == TokenKind::kEnd) {
        options_at = i;
        has_options = true;
        break;
      }
    }
  }
  if (cur_.MatchKeyword("WHERE")) {
    const size_t end = has_options ? options_at : [&] {
      size_t i = cur_.position();
      while (cur_.At(i).kind != TokenKind::kEnd) ++i;
      return i;
    }();
    if (end == cur_.position()) return SyntaxError("a condition", cur_.Peek());
    const size_t begin = cur_.At(cur_.position()).begin;
    const size_t stop = cur_.At(end - 1).end;
    stmt.where_text = std::string(cur_.sql().substr(begin, stop - begin));
    cur_.Seek(end);
  }
  if (has_options) {
    if (cur_.position() != options_at) return SyntaxError("WHERE or OPTIONS", cur_.Peek());
    cur_.Seek(options_at + 2);
    stmt.options_given = true;
    while (!cur_.Peek().IsSymbol(')')) {
      KALAM_ASSIGN_OR_RETURN(std::string name, cur_.ParseName("an option name"));
      KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol('='));
      const Token& value = cur_.Peek();
      if (value.kind != TokenKind::kNumber && value.kind != TokenKind::kString && value.kind != TokenKind::kWord) {
        return SyntaxError("an option value", value);
      }
      stmt.options.emplace_back(std::move(name), value.text);
      cur_.Next();
      if (!cur_.MatchSymbol(',')) break;
    }
    KALAM_RETURN_IF_ERROR(cur_.ExpectSymbol(')'));
  }
  KALAM_RETURN_IF_ERROR(cur_.ExpectEnd());
  return KalamStatement(std::move(stmt));
}

}  // namespace

StatementClass ClassifyStatement(std::string_view sql) {
  Lexer lexer(sql);
  Result<Token> first = lexer.Next();
  // A lexical error is reported by ParseKalamStatement, which reads the same text.
  if (!first.ok()) return StatementClass::kKalam;
  if (first->IsSymbol('(')) return StatementClass::kStandard;
  for (std::string_view leader : kStandardLeaders) {
    if (first->IsKeyword(leader)) return StatementClass::kStandard;
  }
  return StatementClass::kKalam;
}

Result<KalamStatement> ParseKalamStatement(std::string_view sql) {
  KALAM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  StatementParser parser(sql, std::move(tokens));
  return parser.Parse();
}

}  // namespace kalam::dialect
