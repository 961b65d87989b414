#include "request_log.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <random>

namespace kalam::api {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;
constexpr size_t kMaxDebugSqlBytes = 4096;

constexpr std::array<std::string_view, 27> kVerbs = {
    "SELECT",   "INSERT", "UPDATE", "DELETE",   "WITH",  "CREATE",  "ALTER",     "DROP",     "SHOW",
    "DESCRIBE", "DESC",   "USE",    "FLUSH",    "KILL",  "EXECUTE", "SUBSCRIBE", "BACKUP",   "RESTORE",
    "EXPLAIN",  "BEGIN",  "COMMIT", "ROLLBACK", "START", "SET",     "VALUES",    "TRUNCATE", "CLEAR"};
// Verbs whose object keyword is worth logging too.
constexpr std::array<std::string_view, 9> kVerbsWithObject = {"CREATE", "ALTER",   "DROP",   "SHOW",   "FLUSH",
                                                              "KILL",   "EXECUTE", "BACKUP", "RESTORE"};
constexpr std::array<std::string_view, 24> kObjects = {
    "TABLE",    "TABLES", "SHARED",   "USER",  "STREAM", "NAMESPACE", "NAMESPACES",  "STORAGE",
    "STORAGES", "INDEX",  "VIEW",     "USERS", "STATS",  "LIVE",      "JOB",         "JOBS",
    "ALL",      "AS",     "DATABASE", "IF",    "OR",     "SCHEMA",    "TRANSACTION", "SUBSCRIPTION"};

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view word) {
  for (std::string_view w : list) {
    if (w == word) return true;
  }
  return false;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A cursor over SQL text that skips whitespace and comments and knows where a statement ends.
class SqlScanner {
 public:
  explicit SqlScanner(std::string_view sql) : sql_(sql) {}

  bool AtEnd() const { return pos_ >= sql_.size(); }

  void SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && Peek(1) == '-') {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') ++pos_;
      } else if (c == '/' && Peek(1) == '*') {
        const size_t end = sql_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? sql_.size() : end + 2;
      } else {
        return;
      }
    }
  }

  // The upper-cased word at the cursor (letters, digits, '_'), consumed; empty if none.
  std::string Word() {
    std::string word;
    while (pos_ < sql_.size() && IsWordChar(sql_[pos_]) && word.size() < 32) {
      word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql_[pos_]))));
      ++pos_;
    }
    return word;
  }

  // Moves past the next ';' that is outside quotes, comments and parentheses.
  void SkipStatement() {
    int depth = 0;
    while (pos_ < sql_.size()) {
      const char c = sql_[pos_];
      if (c == '\'' || c == '"') {
        SkipQuoted(c);
      } else if ((c == '-' && Peek(1) == '-') || (c == '/' && Peek(1) == '*')) {
        SkipSpaceAndComments();
      } else {
        ++pos_;
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
        if (c == ';' && depth == 0) return;
      }
    }
  }

 private:
  char Peek(size_t ahead) const { return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0'; }

  void SkipQuoted(char quote) {
    ++pos_;
    while (pos_ < sql_.size()) {
      if (sql_[pos_] == quote) {
        if (Peek(1) == quote) {
          pos_ += 2;  // doubled quote: an escaped one
          continue;
        }
        ++pos_;
        return;
      }
      ++pos_;
    }
  }

  std::string_view sql_;
  size_t pos_ = 0;
};

bool MentionsCredentials(std::string_view sql) {
  std::string upper;
  upper.reserve(sql.size());
  for (char c : sql) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return upper.find("PASSWORD") != std::string::npos || upper.find("CREDENTIALS") != std::string::npos ||
         upper.find("SECRET") != std::string::npos;
}

}  // namespace

std::string AcceptOrGenerateRequestId(std::string_view received) {
  bool valid = !received.empty() && received.size() <= kMaxRequestIdBytes;
  for (char c : received) {
    if (!valid) break;
    valid = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-';
  }
  if (valid) return std::string(received);
  // Request ids only correlate log lines; they need to be unique, not unpredictable.
  thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t high = (random() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t low = (random() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? high : low;
    const int shift = 60 - 4 * (i % 16);
    id.push_back(kHex[(word >> shift) & 0xf]);
    if (i == 7 || i == 11 || i == 15 || i == 19) id.push_back('-');
  }
  return id;
}

std::string StatementKinds(std::string_view sql) {
  std::string out;
  size_t count = 0;
  SqlScanner scanner(sql);
  while (true) {
    scanner.SkipSpaceAndComments();
    if (scanner.AtEnd()) break;
    std::string verb = scanner.Word();
    if (verb.empty() || !In(kVerbs, verb)) {
      verb = "OTHER";
    } else if (In(kVerbsWithObject, verb)) {
      scanner.SkipSpaceAndComments();
      const std::string object = scanner.Word();
      if (!object.empty() && In(kObjects, object)) {
        verb += " " + object;
        // CREATE USER TABLE is not CREATE USER: look one word further for table types (the
        // rest of the statement is skipped anyway, so consuming that word costs nothing).
        if (object == "USER" || object == "SHARED" || object == "STREAM") {
          scanner.SkipSpaceAndComments();
          if (scanner.Word() == "TABLE") verb += " TABLE";
        }
      }
    }
    scanner.SkipStatement();
    ++count;
    if (count <= kMaxLoggedStatements) {
      if (!out.empty()) out.push_back(',');
      out += verb;
    }
  }
  if (count > kMaxLoggedStatements) out += ",+" + std::to_string(count - kMaxLoggedStatements);
  return out;
}

std::string SqlForDebugLog(std::string_view sql) {
  if (sql.size() > kMaxDebugSqlBytes) sql = sql.substr(0, kMaxDebugSqlBytes);
  if (!MentionsCredentials(sql)) return LogSafe(sql, kMaxDebugSqlBytes);
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '\'') {
      out.push_back(sql[i]);
      continue;
    }
    // Skip the literal, doubled quotes included.
    ++i;
    while (i < sql.size() && !(sql[i] == '\'' && (i + 1 >= sql.size() || sql[i + 1] != '\''))) {
      i += sql[i] == '\'' ? 2 : 1;
    }
    out += "'***'";
  }
  return LogSafe(out, kMaxDebugSqlBytes);
}

std::string LogSafe(std::string_view text, size_t max_bytes) {
  std::string out;
  const size_t n = std::min(text.size(), max_bytes);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '?' : static_cast<char>(c));
  }
  return out;
}

}  // namespace kalam::api
