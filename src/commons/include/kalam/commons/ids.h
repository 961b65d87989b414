#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace kalam {

// A string id that cannot be mixed up with another kind of id. `Tag` only names the kind.
template <typename Tag>
class StringId {
 public:
  StringId() = default;
  explicit StringId(std::string value) : value_(std::move(value)) {}

  const std::string& str() const { return value_; }
  bool empty() const { return value_.empty(); }
  auto operator<=>(const StringId&) const = default;

 private:
  std::string value_;
};

struct NamespaceIdTag {};
struct TableNameTag {};
struct UserIdTag {};
struct StorageIdTag {};
struct JobIdTag {};
struct LiveQueryIdTag {};

using NamespaceId = StringId<NamespaceIdTag>;
using TableName = StringId<TableNameTag>;
using UserId = StringId<UserIdTag>;
using StorageId = StringId<StorageIdTag>;
using JobId = StringId<JobIdTag>;
using LiveQueryId = StringId<LiveQueryIdTag>;

// A table's full name: namespace and table, never passed apart.
struct TableId {
  NamespaceId namespace_id;
  TableName table_name;

  std::string ToString() const { return namespace_id.str() + "." + table_name.str(); }
  auto operator<=>(const TableId&) const = default;
};

// Dense numeric handle of a table inside the hot tier's key space; never reused.
using TableNumber = uint32_t;

// A row version's sequence number (`_seq`): snowflake layout, strictly increasing.
using SeqId = int64_t;

}  // namespace kalam

template <typename Tag>
struct std::hash<kalam::StringId<Tag>> {
  size_t operator()(const kalam::StringId<Tag>& id) const { return std::hash<std::string>()(id.str()); }
};

template <>
struct std::hash<kalam::TableId> {
  size_t operator()(const kalam::TableId& id) const {
    return std::hash<std::string>()(id.namespace_id.str()) * 31 + std::hash<std::string>()(id.table_name.str());
  }
};
