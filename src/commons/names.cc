#include "kalam/commons/names.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace kalam {
namespace {

constexpr std::array kReservedWords = {
    "all", "and", "any", "as", "asc", "between", "by", "case", "cast", "check", "column",
    "constraint", "create", "cross", "default", "delete", "desc", "distinct", "drop", "else",
    "end", "except", "exists", "false", "fetch", "for", "foreign", "from", "full", "grant",
    "group", "having", "in", "inner", "insert", "intersect", "into", "is", "join", "left",
    "like", "limit", "not", "null", "offset", "on", "or", "order", "outer", "primary",
    "references", "returning", "right", "select", "set", "some", "table", "then", "to", "true",
    "union", "unique", "update", "using", "values", "when", "where", "window", "with"};

constexpr std::array kReservedNamespaces = {
    "system", "sys", "root", "kalamdb", "kalam", "main", "default", "sql", "admin", "internal",
    "information_schema", "pg_catalog"};

constexpr std::array kReservedColumns = {
    "_seq", "_deleted", "_id", "_row_id", "_rowid", "_key", "_updated", "_created",
    "_timestamp", "_version", "_hash"};

template <size_t N>
bool Contains(const std::array<const char*, N>& list, std::string_view word) {
  return std::any_of(list.begin(), list.end(), [&](const char* w) { return word == w; });
}

}  // namespace

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsReservedWord(std::string_view w) { return Contains(kReservedWords, w); }
bool IsReservedNamespace(std::string_view n) { return Contains(kReservedNamespaces, n); }
bool IsReservedColumnName(std::string_view n) { return Contains(kReservedColumns, n); }

Status ValidateIdentifier(std::string_view name, std::string_view what) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument(std::string(what) + " name " + quoted + " must be 1 to 64 characters");
  }
  if (name[0] == '_' || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return Status::InvalidArgument(std::string(what) + " name " + quoted +
                                   " must not start with '_' or a digit");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return Status::InvalidArgument(std::string(what) + " name " + quoted +
                                     " may contain only letters, digits and '_'");
    }
  }
  if (IsReservedWord(name)) {
    return Status::InvalidArgument(std::string(what) + " name " + quoted + " is a reserved word");
  }
  return Status::Ok();
}

Status ValidateUserId(std::string_view id) {
  if (id.empty() || id.size() > 128) return Status::InvalidArgument("Invalid user id: must be 1 to 128 characters");
  if (id[0] == '.' || id.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("Invalid user id '" + std::string(id) + "'");
  }
  for (char c : id) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@' ||
                    c == '+' || c == '-';
    if (!ok) return Status::InvalidArgument("Invalid user id '" + std::string(id) + "'");
  }
  return Status::Ok();
}

}  // namespace kalam
