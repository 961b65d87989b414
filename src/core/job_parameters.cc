#include "kalam/core/job_parameters.h"

#include <simdjson.h>

#include <array>

#include "kalam/commons/json_writer.h"
#include "kalam/commons/table_id_text.h"

namespace kalam::core {
namespace {

// The object's string members named in `names`, in that order; InvalidArgument naming the job
// when the text is not an object or a member is missing or not a string.
template <size_t N>
Result<std::array<std::optional<std::string>, N>> ReadStrings(std::string_view json, const char* job,
                                                              const std::array<const char*, N>& names,
                                                              size_t required) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::object object;
  if (parser.parse(padded).get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string(job) + " job parameters are not a JSON object");
  }
  std::array<std::optional<std::string>, N> out;
  for (size_t i = 0; i < N; ++i) {
    std::string_view value;
    if (object[names[i]].get(value) == simdjson::SUCCESS) {
      out[i] = std::string(value);
    } else if (i < required) {
      return Status::InvalidArgument(std::string(job) + " job parameters need \"" + names[i] + "\"");
    }
  }
  return out;
}

Result<TableId> ReadTableId(const std::string& text, const char* job) {
  auto id = ParseTableId(text);
  if (!id) return Status::InvalidArgument(std::string("bad table_id in ") + job + " job parameters");
  return *id;
}

}  // namespace

std::string FlushJobParams::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.StartObject().Key("table_id").String(table.ToString());
  if (user) w.Key("user_id").String(user->str());
  w.EndObject();
  return out;
}

Result<FlushJobParams> FlushJobParams::FromJson(std::string_view json) {
  KALAM_ASSIGN_OR_RETURN(auto members, ReadStrings<2>(json, "flush", {"table_id", "user_id"}, 1));
  FlushJobParams params;
  KALAM_ASSIGN_OR_RETURN(params.table, ReadTableId(*members[0], "flush"));
  if (members[1]) params.user = UserId(*members[1]);
  return params;
}

std::string RetentionJobParams::ToJson() const {
  std::string out;
  JsonWriter(&out).StartObject().Key("table_id").String(table.ToString()).EndObject();
  return out;
}

Result<RetentionJobParams> RetentionJobParams::FromJson(std::string_view json) {
  KALAM_ASSIGN_OR_RETURN(auto members, ReadStrings<1>(json, "retention", {"table_id"}, 1));
  RetentionJobParams params;
  KALAM_ASSIGN_OR_RETURN(params.table, ReadTableId(*members[0], "retention"));
  return params;
}

std::string CompactJobParams::ToJson() const {
  std::string out;
  JsonWriter(&out)
      .StartObject()
      .Key("table_id")
      .String(table.ToString())
      .Key("min_segments")
      .Uint(min_segments)
      .EndObject();
  return out;
}

Result<CompactJobParams> CompactJobParams::FromJson(std::string_view json) {
  KALAM_ASSIGN_OR_RETURN(auto members, ReadStrings<1>(json, "compact", {"table_id"}, 1));
  CompactJobParams params;
  KALAM_ASSIGN_OR_RETURN(params.table, ReadTableId(*members[0], "compact"));
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  uint64_t min_segments = 0;
  if (parser.parse(padded)["min_segments"].get(min_segments) == simdjson::SUCCESS) {
    if (min_segments < 2 || min_segments > UINT32_MAX) {
      return Status::InvalidArgument("compact job parameters: min_segments must be at least 2");
    }
    params.min_segments = static_cast<uint32_t>(min_segments);
  }
  return params;
}

std::string UserCleanupJobParams::ToJson() const {
  std::string out;
  JsonWriter(&out).StartObject().Key("user_id").String(user.str()).EndObject();
  return out;
}

Result<UserCleanupJobParams> UserCleanupJobParams::FromJson(std::string_view json) {
  KALAM_ASSIGN_OR_RETURN(auto members, ReadStrings<1>(json, "user_cleanup", {"user_id"}, 1));
  return UserCleanupJobParams{UserId(*members[0])};
}

std::string BackupJobParams::ToJson() const {
  std::string out;
  JsonWriter w(&out);
  w.StartObject();
  if (namespace_id) w.Key("namespace_id").String(namespace_id->str());
  w.Key("directory").String(directory).EndObject();
  return out;
}

Result<BackupJobParams> BackupJobParams::FromJson(std::string_view json) {
  KALAM_ASSIGN_OR_RETURN(auto members, ReadStrings<2>(json, "backup", {"directory", "namespace_id"}, 1));
  BackupJobParams params;
  params.directory = *members[0];
  if (members[1]) params.namespace_id = NamespaceId(*members[1]);
  return params;
}

}  // namespace kalam::core
