#include "kalam/commons/data_type.h"

#include <cctype>
#include <charconv>
#include <string>

#include "kalam/commons/names.h"

namespace kalam {
namespace {

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space && c != '(' && c != ')' && c != ',' && out.back() != '(' && out.back() != ',') out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

std::string DataType::SqlName() const {
  switch (kind) {
    case TypeKind::kBoolean: return "BOOLEAN";
    case TypeKind::kSmallInt: return "SMALLINT";
    case TypeKind::kInt: return "INT";
    case TypeKind::kBigInt: return "BIGINT";
    case TypeKind::kFloat: return "FLOAT";
    case TypeKind::kDouble: return "DOUBLE";
    case TypeKind::kDecimal:
      return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeKind::kText: return "TEXT";
    case TypeKind::kBytes: return "BYTES";
    case TypeKind::kJson: return "JSON";
    case TypeKind::kTimestamp: return "TIMESTAMP";
    case TypeKind::kDateTime: return "DATETIME";
    case TypeKind::kDate: return "DATE";
    case TypeKind::kTime: return "TIME";
    case TypeKind::kUuid: return "UUID";
  }
  return "TEXT";
}

std::string DataType::WireTagJson() const {
  switch (kind) {
    case TypeKind::kBoolean: return "\"Boolean\"";
    case TypeKind::kSmallInt: return "\"SmallInt\"";
    case TypeKind::kInt: return "\"Int\"";
    case TypeKind::kBigInt: return "\"BigInt\"";
    case TypeKind::kFloat: return "\"Float\"";
    case TypeKind::kDouble: return "\"Double\"";
    case TypeKind::kDecimal:
      return "{\"Decimal\":{\"precision\":" + std::to_string(precision) +
             ",\"scale\":" + std::to_string(scale) + "}}";
    case TypeKind::kText: return "\"Text\"";
    case TypeKind::kBytes: return "\"Bytes\"";
    case TypeKind::kJson: return "\"Json\"";
    case TypeKind::kTimestamp: return "\"Timestamp\"";
    case TypeKind::kDateTime: return "\"DateTime\"";
    case TypeKind::kDate: return "\"Date\"";
    case TypeKind::kTime: return "\"Time\"";
    case TypeKind::kUuid: return "\"Uuid\"";
  }
  return "\"Text\"";
}

bool DataType::CanBePrimaryKey() const {
  switch (kind) {
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt:
    case TypeKind::kText:
    case TypeKind::kUuid:
    case TypeKind::kDate:
    case TypeKind::kTimestamp:
      return true;
    default:
      return false;
  }
}

std::optional<DataType> ParseDataType(std::string_view spelling) {
  std::string s = CollapseSpaces(spelling);
  std::string base = s;
  std::string args;
  if (auto open = s.find('('); open != std::string::npos) {
    if (s.back() != ')') return std::nullopt;
    base = s.substr(0, open);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    args = s.substr(open + 1, s.size() - open - 2);
  }
  auto simple = [&](TypeKind k) -> std::optional<DataType> { return DataType{k, 0, 0}; };
  if (base == "boolean" || base == "bool") return args.empty() ? simple(TypeKind::kBoolean) : std::nullopt;
  if (base == "tinyint" || base == "smallint" || base == "int2") return args.empty() ? simple(TypeKind::kSmallInt) : std::nullopt;
  if (base == "int" || base == "integer" || base == "int4" || base == "mediumint") return args.empty() ? simple(TypeKind::kInt) : std::nullopt;
  if (base == "bigint" || base == "int8") return args.empty() ? simple(TypeKind::kBigInt) : std::nullopt;
  if (base == "float" || base == "real" || base == "float4") return args.empty() ? simple(TypeKind::kFloat) : std::nullopt;
  if (base == "double" || base == "double precision" || base == "float8") return args.empty() ? simple(TypeKind::kDouble) : std::nullopt;
  if (base == "text" || base == "varchar" || base == "char" || base == "string" || base == "nvarchar" ||
      base == "character varying" || base == "character") {
    for (char c : args) if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    return simple(TypeKind::kText);
  }
  if (base == "bytes" || base == "binary" || base == "varbinary" || base == "blob" || base == "bytea") return args.empty() ? simple(TypeKind::kBytes) : std::nullopt;
  if (base == "json" || base == "jsonb") return args.empty() ? simple(TypeKind::kJson) : std::nullopt;
  if (base == "timestamp") return args.empty() ? simple(TypeKind::kTimestamp) : std::nullopt;
  if (base == "datetime" || base == "timestamptz" || base == "timestamp with time zone") return args.empty() ? simple(TypeKind::kDateTime) : std::nullopt;
  if (base == "date") return args.empty() ? simple(TypeKind::kDate) : std::nullopt;
  if (base == "time") return args.empty() ? simple(TypeKind::kTime) : std::nullopt;
  if (base == "uuid") return args.empty() ? simple(TypeKind::kUuid) : std::nullopt;
  if (base == "decimal" || base == "numeric") {
    if (args.empty()) return DataType{TypeKind::kDecimal, 18, 3};
    int p = 0, sc = 0;
    const size_t comma = args.find(',');
    auto parse_int = [](std::string_view text, int* out) {
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
      return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
    };
    const std::string_view all(args);
    if (!parse_int(all.substr(0, comma), &p)) return std::nullopt;
    if (comma != std::string::npos && !parse_int(all.substr(comma + 1), &sc)) return std::nullopt;
    if (p < 1 || p > 38 || sc < 0 || sc > p) return std::nullopt;
    return DataType{TypeKind::kDecimal, uint8_t(p), uint8_t(sc)};
  }
  return std::nullopt;
}

}  // namespace kalam
