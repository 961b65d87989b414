#include "kalam/tables/key_codec.h"

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/byte_buffer.h"

namespace kalam::tables {

std::string TablePrefix(TableNumber table) {
  std::string key;
  ByteWriter(&key).U32BE(table);
  return key;
}

std::string ScopePrefix(TableNumber table, std::string_view scope) {
  std::string key;
  key.reserve(4 + scope.size() + 1 + 8);
  ByteWriter w(&key);
  w.U32BE(table);
  key.append(scope.data(), scope.size());
  key.push_back('\0');
  return key;
}

void AppendSeq(std::string* key, SeqId seq) { ByteWriter(key).U64BE(static_cast<uint64_t>(seq)); }

std::string RowKey(TableNumber table, std::string_view scope, SeqId seq) {
  std::string key = ScopePrefix(table, scope);
  AppendSeq(&key, seq);
  return key;
}

SeqId SeqFromRowKey(std::string_view key) {
  uint64_t seq = 0;
  ByteReader r(key.substr(key.size() - 8));
  r.U64BE(&seq);
  return static_cast<SeqId>(seq);
}

std::string_view ScopeFromRowKey(std::string_view key) {
  // table(4) | scope | 0x00 | seq(8)
  return key.size() < 4 + 1 + 8 ? std::string_view() : key.substr(4, key.size() - 4 - 1 - 8);
}

std::string EncodePrimaryKey(const duckdb::Value& value) {
  std::string out;
  ByteWriter w(&out);
  switch (value.type().InternalType()) {
    case duckdb::PhysicalType::VARCHAR: {
      const auto& s = duckdb::StringValue::Get(value);
      out.append(s.data(), s.size());
      break;
    }
    case duckdb::PhysicalType::INT128: {
      auto h = value.GetValueUnsafe<duckdb::hugeint_t>();
      w.U64BE(static_cast<uint64_t>(h.upper));
      w.U64BE(h.lower);
      break;
    }
    case duckdb::PhysicalType::INT16: w.U64BE(static_cast<uint64_t>(value.GetValueUnsafe<int16_t>())); break;
    case duckdb::PhysicalType::INT32: w.U64BE(static_cast<uint64_t>(value.GetValueUnsafe<int32_t>())); break;
    default: w.U64BE(static_cast<uint64_t>(value.GetValueUnsafe<int64_t>())); break;
  }
  return out;
}

}  // namespace kalam::tables
