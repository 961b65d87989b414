#include "table_options_builder.h"

#include "kalam/dialect/parser.h"

#include <cctype>
#include <cstdint>

#include "kalam/commons/access_level.h"
#include "kalam/commons/names.h"

#include "lexer.h"

namespace kalam::dialect {
namespace {

constexpr uint32_t kMaxFlushRows = 999999;
constexpr uint32_t kMaxFlushIntervalSeconds = 86399;

// Unsigned decimal that fits 32 bits; nullopt for anything else (signs, suffixes, overflow).
std::optional<uint32_t> ParseUint32(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > UINT32_MAX) return std::nullopt;
  }
  return static_cast<uint32_t>(value);
}

// A duration "300", "300s", "5m" or "1h", in seconds.
std::optional<uint64_t> ParseDurationSeconds(std::string_view text) {
  uint64_t unit = 1;
  if (!text.empty()) {
    switch (std::tolower(static_cast<unsigned char>(text.back()))) {
      case 's':
        unit = 1;
        text.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        text.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        text.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  const std::optional<uint32_t> count = ParseUint32(text);
  if (!count) return std::nullopt;
  return *count * unit;
}

Status InvalidValue(std::string_view option, std::string_view text) {
  return Status::InvalidArgument("Invalid value '" + std::string(text) + "' for table option '" +
                                 std::string(option) + "'");
}

Result<uint32_t> PositiveValue(std::string_view option, std::string_view text) {
  const std::optional<uint32_t> value = ParseUint32(text);
  if (!value || *value == 0) return InvalidValue(option, text);
  return *value;
}

// Which table types accept a setting.
struct OptionRule {
  std::string_view name;
  bool user;
  bool shared;
  bool stream;
  std::string_view valid_for;
};

constexpr OptionRule kOptionRules[] = {
    {"FLUSH_POLICY", true, true, false, "USER and SHARED"},
    {"STORAGE_ID", true, true, false, "USER and SHARED"},
    {"DELETED_RETENTION_HOURS", true, true, false, "USER and SHARED"},
    {"ACCESS_LEVEL", false, true, false, "SHARED"},
    {"TTL_SECONDS", false, false, true, "STREAM"},
    {"MAX_BUFFER", false, false, true, "STREAM"},
    {"EPHEMERAL", false, false, true, "STREAM"},
};

}  // namespace

Status TableOptionsBuilder::MarkGiven(std::string_view name) {
  for (const std::string& given : given_) {
    if (given == name) {
      return Status::InvalidArgument("Duplicate table option '" + std::string(name) + "'");
    }
  }
  given_.emplace_back(name);
  return Status::Ok();
}

Status TableOptionsBuilder::SetFlushRows(std::string_view text) {
  const std::optional<uint32_t> rows = ParseUint32(text);
  if (!rows || *rows < 1 || *rows > kMaxFlushRows) {
    return Status::InvalidArgument("Invalid FLUSH_POLICY: row limit must be between 1 and " +
                                   std::to_string(kMaxFlushRows) + ", got '" + std::string(text) +
                                   "'");
  }
  options_.flush_row_limit = *rows;
  set_.flush = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetFlushInterval(std::string_view text) {
  const std::optional<uint64_t> seconds = ParseDurationSeconds(text);
  if (!seconds || *seconds < 1 || *seconds > kMaxFlushIntervalSeconds) {
    return Status::InvalidArgument("Invalid FLUSH_POLICY: interval must be between 1 and " +
                                   std::to_string(kMaxFlushIntervalSeconds) + " seconds, got '" +
                                   std::string(text) + "'");
  }
  options_.flush_interval_seconds = static_cast<uint32_t>(*seconds);
  set_.flush = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetFlushPolicyText(std::string_view text) {
  const Status malformed =
      Status::InvalidArgument("Invalid FLUSH_POLICY '" + std::string(text) +
                              "': expected 'rows:N', 'interval:S' or 'rows:N,interval:S'");
  bool rows_seen = false;
  bool interval_seen = false;
  std::string_view rest = text;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view part = TrimSpace(rest.substr(0, comma));
    const size_t colon = part.find(':');
    if (colon == std::string_view::npos) return malformed;
    const std::string key = ToLower(TrimSpace(part.substr(0, colon)));
    const std::string_view value = TrimSpace(part.substr(colon + 1));
    if (key == "rows" && !rows_seen) {
      rows_seen = true;
      KALAM_RETURN_IF_ERROR(SetFlushRows(value));
    } else if (key == "interval" && !interval_seen) {
      interval_seen = true;
      KALAM_RETURN_IF_ERROR(SetFlushInterval(value));
    } else {
      return malformed;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return Status::Ok();
}

Status TableOptionsBuilder::SetStorage(std::string_view text) {
  const std::string id = ToLower(text);
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(id, "Storage"));
  options_.storage_id = StorageId(id);
  set_.storage = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetTtl(std::string_view text) {
  KALAM_ASSIGN_OR_RETURN(options_.ttl_seconds, PositiveValue("TTL_SECONDS", text));
  set_.ttl = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetMaxBuffer(std::string_view text) {
  KALAM_ASSIGN_OR_RETURN(options_.max_buffer, PositiveValue("MAX_BUFFER", text));
  set_.max_buffer = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetDeletedRetention(std::string_view text) {
  // 0 is meaningful: tombstones become purgeable at the next retention run.
  const std::optional<uint32_t> hours = ParseUint32(text);
  if (!hours) return InvalidValue("DELETED_RETENTION_HOURS", text);
  options_.deleted_retention_hours = *hours;
  set_.deleted_retention = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetAccessLevel(std::string_view text) {
  const std::optional<AccessLevel> level = ParseAccessLevel(text);
  if (!level) {
    return Status::InvalidArgument("Invalid ACCESS_LEVEL '" + std::string(text) +
                                   "': expected PUBLIC, PRIVATE, RESTRICTED or DBA");
  }
  options_.access_level = *level;
  set_.access_level = true;
  return Status::Ok();
}

Status TableOptionsBuilder::SetType(std::string_view text) {
  with_type_ = ParseTableType(text);
  if (!with_type_) {
    return Status::InvalidArgument("Invalid table TYPE '" + std::string(text) +
                                   "': expected USER, SHARED or STREAM");
  }
  return Status::Ok();
}

Status TableOptionsBuilder::ApplyWithOption(const std::string& key, std::string_view value) {
  using Setter = Status (TableOptionsBuilder::*)(std::string_view);
  struct WithOption {
    std::string_view key;
    Setter set;
  };
  static constexpr WithOption kWithOptions[] = {
      {"TYPE", &TableOptionsBuilder::SetType},
      {"STORAGE_ID", &TableOptionsBuilder::SetStorage},
      {"FLUSH_POLICY", &TableOptionsBuilder::SetFlushPolicyText},
      {"TTL_SECONDS", &TableOptionsBuilder::SetTtl},
      {"ACCESS_LEVEL", &TableOptionsBuilder::SetAccessLevel},
      {"DELETED_RETENTION_HOURS", &TableOptionsBuilder::SetDeletedRetention},
      {"MAX_BUFFER", &TableOptionsBuilder::SetMaxBuffer},
  };
  for (const WithOption& option : kWithOptions) {
    if (option.key != key) continue;
    KALAM_RETURN_IF_ERROR(MarkGiven(key));
    return (this->*option.set)(value);
  }
  return Status::InvalidArgument("Unknown table option '" + key + "'");
}

Status TableOptionsBuilder::Finish(std::optional<TableType> prefix_type, CreateTableStmt* stmt) {
  stmt->type = prefix_type;
  if (with_type_) {
    if (prefix_type && *prefix_type != *with_type_) {
      return Status::InvalidArgument("Conflicting table type definitions");
    }
    stmt->type = with_type_;
  }
  const TableType resolved = stmt->type.value_or(TableType::kShared);
  std::vector<std::string> checked;
  for (const std::string& name : given_) {
    // With no type written the table may still be downgraded to USER (docs/http-api.md),
    // so ACCESS_LEVEL is accepted and the engine decides whether it applies.
    if (name == "ACCESS_LEVEL" && !stmt->type) continue;
    checked.push_back(name);
  }
  KALAM_RETURN_IF_ERROR(CheckTableOptionsFor(resolved, checked));
  stmt->options = options_;
  stmt->options_set = set_;
  return Status::Ok();
}

Status TableOptionsBuilder::FinishAlter(AlterTableStmt* stmt) {
  if (with_type_) return Status::InvalidArgument("The table type cannot be changed");
  if (set_.storage) return Status::InvalidArgument("The storage of a table cannot be changed");
  if (given_.empty()) return Status::InvalidArgument("SET TBLPROPERTIES needs at least one option");
  stmt->options = options_;
  stmt->options_set = set_;
  stmt->options_given = given_;
  return Status::Ok();
}

Status CheckTableOptionsFor(TableType type, const std::vector<std::string>& given) {
  for (const std::string& name : given) {
    for (const OptionRule& rule : kOptionRules) {
      if (rule.name != name) continue;
      const bool valid = (type == TableType::kUser && rule.user) || (type == TableType::kShared && rule.shared) ||
                         (type == TableType::kStream && rule.stream);
      if (!valid) {
        return Status::InvalidArgument(std::string(rule.name) + " is only valid for " + std::string(rule.valid_for) +
                                       " tables");
      }
    }
  }
  return Status::Ok();
}

}  // namespace kalam::dialect
