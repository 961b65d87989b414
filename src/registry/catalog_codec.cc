#include "kalam/registry/catalog_codec.h"

#include "kalam/commons/byte_buffer.h"

namespace kalam::registry {
namespace {

constexpr uint8_t kTableFormat = 1;
constexpr uint8_t kNamespaceFormat = 1;

Status Truncated(std::string_view what) {
  return Status::Corruption("truncated " + std::string(what) + " record");
}

}  // namespace

std::string TableDefinitionCodec::Encode(const TableDefinition& def) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kTableFormat);
  w.Bytes(def.id.namespace_id.str());
  w.Bytes(def.id.table_name.str());
  w.Varint(def.number);
  w.U8(static_cast<uint8_t>(def.type));
  w.Varint(def.schema_version);
  w.Varint(def.next_column_id);
  w.Bytes(def.comment);
  w.Raw(def.created_at_us);
  w.Raw(def.updated_at_us);
  const TableOptions& o = def.options;
  w.U8(o.flush_row_limit.has_value());
  w.Varint(o.flush_row_limit.value_or(0));
  w.U8(o.flush_interval_seconds.has_value());
  w.Varint(o.flush_interval_seconds.value_or(0));
  w.Bytes(o.storage_id.str());
  w.U8(static_cast<uint8_t>(o.access_level));
  w.Varint(o.deleted_retention_hours);
  w.Varint(o.ttl_seconds);
  w.Varint(o.max_buffer);
  w.Varint(def.columns.size());
  for (const ColumnDefinition& c : def.columns) {
    w.Varint(c.column_id);
    w.Bytes(c.name);
    w.U8(static_cast<uint8_t>(c.type.kind));
    w.U8(c.type.precision);
    w.U8(c.type.scale);
    w.U8(c.nullable);
    w.U8(c.primary_key);
    w.U8(c.default_value.has_value());
    if (c.default_value) {
      w.U8(static_cast<uint8_t>(c.default_value->kind));
      w.Bytes(c.default_value->literal);
      w.U8(c.default_value->literal_is_string);
    }
    w.Bytes(c.comment);
  }
  return out;
}

Result<TableDefinition> TableDefinitionCodec::Decode(std::string_view bytes) {
  ByteReader r(bytes);
  TableDefinition def;
  uint8_t format = 0, u8 = 0;
  uint64_t v = 0;
  std::string ns, name;
  if (!r.U8(&format) || format != kTableFormat) return Status::Corruption("unknown table record format");
  if (!r.String(&ns) || !r.String(&name)) return Truncated("table");
  def.id = TableId{NamespaceId(ns), TableName(name)};
  if (!r.Varint(&v)) return Truncated("table");
  def.number = static_cast<TableNumber>(v);
  if (!r.U8(&u8)) return Truncated("table");
  def.type = static_cast<TableType>(u8);
  if (!r.Varint(&v)) return Truncated("table");
  def.schema_version = static_cast<uint32_t>(v);
  if (!r.Varint(&v)) return Truncated("table");
  def.next_column_id = static_cast<uint32_t>(v);
  if (!r.String(&def.comment) || !r.Raw(&def.created_at_us) || !r.Raw(&def.updated_at_us)) return Truncated("table");
  TableOptions& o = def.options;
  uint8_t has = 0;
  if (!r.U8(&has) || !r.Varint(&v)) return Truncated("table");
  if (has) o.flush_row_limit = static_cast<uint32_t>(v);
  if (!r.U8(&has) || !r.Varint(&v)) return Truncated("table");
  if (has) o.flush_interval_seconds = static_cast<uint32_t>(v);
  std::string storage;
  if (!r.String(&storage) || !r.U8(&u8)) return Truncated("table");
  o.storage_id = StorageId(storage);
  o.access_level = static_cast<AccessLevel>(u8);
  if (!r.Varint(&v)) return Truncated("table");
  o.deleted_retention_hours = static_cast<uint32_t>(v);
  if (!r.Varint(&v)) return Truncated("table");
  o.ttl_seconds = static_cast<uint32_t>(v);
  if (!r.Varint(&v)) return Truncated("table");
  o.max_buffer = static_cast<uint32_t>(v);
  uint64_t ncols = 0;
  if (!r.Varint(&ncols)) return Truncated("table");
  for (uint64_t i = 0; i < ncols; ++i) {
    ColumnDefinition c;
    uint8_t kind = 0, nullable = 0, pk = 0, has_default = 0;
    if (!r.Varint(&v) || !r.String(&c.name) || !r.U8(&kind) || !r.U8(&c.type.precision) ||
        !r.U8(&c.type.scale) || !r.U8(&nullable) || !r.U8(&pk) || !r.U8(&has_default)) {
      return Truncated("column");
    }
    c.column_id = static_cast<uint32_t>(v);
    c.type.kind = static_cast<TypeKind>(kind);
    c.nullable = nullable != 0;
    c.primary_key = pk != 0;
    if (has_default) {
      DefaultValue d;
      uint8_t dk = 0, is_str = 0;
      if (!r.U8(&dk) || !r.String(&d.literal) || !r.U8(&is_str)) return Truncated("column");
      d.kind = static_cast<DefaultValue::Kind>(dk);
      d.literal_is_string = is_str != 0;
      c.default_value = std::move(d);
    }
    if (!r.String(&c.comment)) return Truncated("column");
    def.columns.push_back(std::move(c));
  }
  return def;
}

std::string NamespaceDefinitionCodec::Encode(const NamespaceDefinition& def) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kNamespaceFormat);
  w.Bytes(def.id.str());
  w.Raw(def.created_at_us);
  w.Bytes(def.options_json);
  return out;
}

Result<NamespaceDefinition> NamespaceDefinitionCodec::Decode(std::string_view bytes) {
  ByteReader r(bytes);
  NamespaceDefinition def;
  uint8_t format = 0;
  std::string id;
  if (!r.U8(&format) || format != kNamespaceFormat) return Status::Corruption("unknown namespace record format");
  if (!r.String(&id) || !r.Raw(&def.created_at_us) || !r.String(&def.options_json)) return Truncated("namespace");
  def.id = NamespaceId(id);
  return def;
}

}  // namespace kalam::registry
