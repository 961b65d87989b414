#include "subscription_messages.h"

#include "kalam/commons/json_writer.h"
#include "kalam/commons/names.h"
#include "kalam/live/live_messages.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/wire_value.h"

namespace kalam::live {

std::string OptionsJson(const SubscriptionOptions& options) {
  std::string out;
  JsonWriter json(&out);
  json.StartObject();
  if (options.given) json.Key("batch_size").Int(options.batch_size);
  if (options.last_rows) json.Key("last_rows").Int(*options.last_rows);
  if (options.from) json.Key("from").String(std::to_string(*options.from));
  json.EndObject();
  return out;
}

void AppendRowObject(const Subscription& sub, const std::vector<duckdb::Value>& values, SeqId seq, const bool* deleted,
                     std::string* out) {
  out->push_back('{');
  bool first = true;
  bool deleted_written = false;
  for (const int column : *sub.projection) {
    if (!first) out->push_back(',');
    first = false;
    if (column == kProjectSeq) {
      out->append("\"_seq\":");
      AppendJsonQuotedInt(seq, out);
    } else if (column == kProjectDeleted) {
      // A live row is a current version; only `from`-mode markers say otherwise.
      out->append("\"_deleted\":");
      AppendJsonBool(deleted != nullptr && *deleted, out);
      deleted_written = true;
    } else {
      const std::string& name = sub.def->columns[column].name;
      AppendJsonString(name, out);
      out->push_back(':');
      if (tables::IsSecretColumn(name) && !values[column].IsNull()) {
        out->append(tables::kSecretMask);
      } else {
        tables::AppendWireValue(values[column], out);
      }
    }
  }
  if (deleted != nullptr && !deleted_written) {
    out->append(",\"_deleted\":");
    AppendJsonBool(*deleted, out);
  }
  out->push_back('}');
}

std::string EncodeAck(const Subscription& sub, bool options_given) {
  std::string out = "{\"type\":\"subscription_ack\",\"subscription_id\":";
  AppendJsonString(sub.id(), &out);
  out += ",\"total_rows\":0,\"batch_control\":{\"batch_num\":0,\"has_more\":";
  out += options_given ? "true,\"status\":\"loading\"" : "false,\"status\":\"ready\"";
  out += ",\"last_seq_id\":";
  AppendJsonQuotedInt(sub.snapshot_seq, &out);
  out += "},\"schema\":[";
  const auto pk = sub.def->PrimaryKeyIndex();
  for (size_t i = 0; i < sub.projection->size(); ++i) {
    if (i) out.push_back(',');
    const int column = (*sub.projection)[i];
    const bool is_seq = column == kProjectSeq;
    const bool is_deleted = column == kProjectDeleted;
    const bool is_system = is_seq || is_deleted;
    const ColumnDefinition* def = is_system ? nullptr : &sub.def->columns[column];
    out += "{\"name\":";
    AppendJsonString(is_seq ? std::string(kSeqColumn) : is_deleted ? std::string(kDeletedColumn) : def->name, &out);
    out += ",\"data_type\":";
    out += is_seq       ? DataType{TypeKind::kBigInt}.WireTagJson()
           : is_deleted ? DataType{TypeKind::kBoolean}.WireTagJson()
                        : def->type.WireTagJson();
    out += ",\"index\":" + std::to_string(i);
    if (is_system) {
      out += ",\"flags\":[\"nn\"]";
    } else if (pk && static_cast<size_t>(column) == *pk) {
      out += ",\"flags\":[\"pk\",\"nn\",\"uq\"]";
    } else if (!def->nullable) {
      out += ",\"flags\":[\"nn\"]";
    }
    out.push_back('}');
  }
  out += "]}";
  return out;
}

std::string EncodeInitialDataBatch(const Subscription& sub, std::span<const std::string> rows, int batch_num,
                                   bool has_more, SeqId last_seq) {
  std::string out = "{\"type\":\"initial_data_batch\",\"subscription_id\":";
  AppendJsonString(sub.id(), &out);
  out += ",\"rows\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) out.push_back(',');
    out += rows[i];
  }
  out += "],\"batch_control\":{\"batch_num\":" + std::to_string(batch_num) + ",\"has_more\":";
  out += has_more ? (batch_num == 0 ? "true,\"status\":\"loading\"" : "true,\"status\":\"loading_batch\"")
                  : "false,\"status\":\"ready\"";
  out += ",\"last_seq_id\":";
  AppendJsonQuotedInt(last_seq, &out);
  out += "}}";
  return out;
}

Delivery Classify(const Subscription& sub, const tables::CommittedChange& change) {
  switch (change.kind) {
    case tables::ChangeKind::kInsert:
      return sub.filter.Matches(*change.values, change.seq) ? Delivery::kInsert : Delivery::kNone;
    case tables::ChangeKind::kDelete:
      return sub.filter.Matches(*change.old_values, change.old_seq) ? Delivery::kDelete : Delivery::kNone;
    case tables::ChangeKind::kUpdate: {
      const bool was = sub.filter.Matches(*change.old_values, change.old_seq);
      const bool is = sub.filter.Matches(*change.values, change.seq);
      if (was && is) return Delivery::kUpdate;
      if (is) return Delivery::kInsert;   // enters the result
      if (was) return Delivery::kDelete;  // leaves it
      return Delivery::kNone;
    }
  }
  return Delivery::kNone;
}

std::string EncodeChange(const Subscription& sub, Delivery delivery, SeqId seq, const std::string& new_row,
                         const std::string& old_row) {
  std::string out;
  out.reserve(96 + sub.id_length + new_row.size() + old_row.size());
  out += "{\"type\":\"change\",\"subscription_id\":";
  AppendJsonString(sub.id(), &out);
  out += delivery == Delivery::kInsert   ? ",\"change_type\":\"insert\""
         : delivery == Delivery::kUpdate ? ",\"change_type\":\"update\""
                                         : ",\"change_type\":\"delete\"";
  out += ",\"seq\":";
  AppendJsonQuotedInt(seq, &out);
  if (delivery != Delivery::kDelete) {
    out += ",\"rows\":[";
    out += new_row;
    out += "]";
  }
  if (delivery != Delivery::kInsert) {
    out += ",\"old_values\":[";
    out += old_row;
    out += "]";
  }
  out += "}";
  return out;
}

}  // namespace kalam::live
