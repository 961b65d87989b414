#include "completer.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "interrupt.h"
#include "sql_answer.h"

namespace kalam::cli {
namespace {

constexpr std::string_view kKeywords[] = {
    "SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "DROP", "ALTER",
    "TABLE", "NAMESPACE", "USER", "SHARED", "STREAM", "STORAGE", "SHOW", "TABLES", "NAMESPACES", "DESCRIBE",
    "USE", "FLUSH", "ALL", "SUBSCRIBE", "TO", "EXECUTE", "AS", "AND", "OR", "NOT", "NULL", "IS", "IN", "LIKE",
    "BETWEEN", "ORDER", "BY", "GROUP", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT", "INNER", "ON", "PRIMARY",
    "KEY", "DEFAULT", "IF", "EXISTS", "BIGINT", "INT", "SMALLINT", "BOOLEAN", "TEXT", "DOUBLE", "FLOAT",
    "DECIMAL", "TIMESTAMP", "DATETIME", "DATE", "TIME", "UUID", "JSON", "BYTES", "COUNT", "DISTINCT", "WITH",
    "OPTIONS", "KILL", "JOB", "LIVE", "QUERY", "BACKUP", "RESTORE", "EXPORT", "DATA", "DATABASE", "STATS", "PASSWORD", "ROLE",
    "SNOWFLAKE_ID()", "NOW()", "CURRENT_USER()", "UUID_V7()", "ULID()",
    "\\q", "\\quit", "\\?", "\\help", "\\dt", "\\d", "\\l", "\\du", "\\as", "\\stats", "\\health", "\\flush",
    "\\format", "\\types", "\\timing", "\\i", "\\watch", "\\live", "\\connect", "\\subscribe"};

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void Completer::Invalidate() {
  loaded_ = false;
  namespaces_.clear();
  tables_.clear();
  columns_.clear();
}

void Completer::LoadCatalog() {
  if (loaded_) return;
  loaded_ = true;
  if (auto answer = client_->Sql("SHOW NAMESPACES"); answer.ok()) {
    for (auto& row : FirstResultRows(*answer)) {
      if (!row.empty()) namespaces_.push_back(row[0]);
    }
  }
  if (auto answer = client_->Sql("SHOW TABLES"); answer.ok()) {
    for (auto& row : FirstResultRows(*answer)) {
      if (row.size() < 2) continue;
      tables_.push_back(row[0] + "." + row[1]);
      tables_.push_back(row[1]);
    }
  }
  // A Ctrl+C while loading only cuts the loading short.
  ClearInterrupt();
}

const std::vector<std::string>& Completer::ColumnsOf(const std::string& table) {
  auto it = columns_.find(table);
  if (it != columns_.end()) return it->second;
  std::vector<std::string> columns;
  if (auto answer = client_->Sql("DESCRIBE TABLE " + table); answer.ok()) {
    for (auto& row : FirstResultRows(*answer)) {
      if (!row.empty()) columns.push_back(row[0]);
    }
  }
  ClearInterrupt();
  return columns_.emplace(table, std::move(columns)).first->second;
}

std::vector<std::string> Completer::Complete(std::string_view prefix, std::string_view line) {
  LoadCatalog();
  std::set<std::string> out;
  const bool lower = !prefix.empty() && std::islower(static_cast<unsigned char>(prefix[0]));
  for (std::string_view keyword : kKeywords) {
    if (StartsWithNoCase(keyword, prefix)) out.insert(lower ? Lower(keyword) : std::string(keyword));
  }
  for (const auto& ns : namespaces_) {
    if (StartsWithNoCase(ns, prefix)) out.insert(ns);
  }
  for (const auto& table : tables_) {
    if (StartsWithNoCase(table, prefix)) out.insert(table);
  }
  // Columns of the known tables the line mentions.
  const std::set<std::string> known(tables_.begin(), tables_.end());
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !IsWordChar(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && IsWordChar(line[i])) ++i;
    const std::string word = Lower(line.substr(start, i - start));
    if (word.empty() || known.count(word) == 0) continue;
    for (const auto& column : ColumnsOf(word)) {
      if (StartsWithNoCase(column, prefix)) out.insert(column);
    }
  }
  return {out.begin(), out.end()};
}

}  // namespace kalam::cli
