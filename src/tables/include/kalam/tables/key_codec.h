#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"

namespace duckdb {
class Value;
}

namespace kalam::tables {

// Hot-tier key layout (docs/key-encoding.md):
//   row:   table_number(u32 BE) | scope | 0x00 | seq(u64 BE)
//   index: table_number(u32 BE) | scope | 0x00 | encoded primary key
// `scope` is the owning user id for USER tables and empty for SHARED tables. User ids never
// contain 0x00, so each (table, user) pair is exactly one contiguous key range, ordered by
// `_seq`, whatever the number of users.
std::string ScopePrefix(TableNumber table, std::string_view scope);
std::string TablePrefix(TableNumber table);
std::string RowKey(TableNumber table, std::string_view scope, SeqId seq);
void AppendSeq(std::string* key, SeqId seq);
SeqId SeqFromRowKey(std::string_view key);
// The scope of a row key (a view into `key`).
std::string_view ScopeFromRowKey(std::string_view key);
// Encodes a (non-null) primary-key value so equal keys give equal bytes.
std::string EncodePrimaryKey(const duckdb::Value& value);

}  // namespace kalam::tables
