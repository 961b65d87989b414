#include "s3_storage_setup.h"

#include "kalam/commons/json_text.h"
#include "kalam/filestore/s3_client.h"
#include "kalam/filestore/s3_file_backend.h"
#include "kalam/filestore/s3_settings.h"

namespace kalam::core {

Result<std::string> S3Location(const dialect::CreateStorageStmt& s) {
  if (s.path && filestore::IsS3Url(*s.path)) {
    if (s.bucket) {
      const std::string expected = filestore::S3BaseUrl(*s.bucket, "");
      if (s.path->compare(0, expected.size(), expected) != 0 ||
          (s.path->size() > expected.size() && (*s.path)[expected.size()] != '/')) {
        return Status::InvalidArgument("BUCKET '" + *s.bucket + "' does not match PATH '" + *s.path + "'");
      }
    }
    return *s.path;
  }
  if (!s.bucket) return Status::InvalidArgument("An s3 storage needs PATH 's3://bucket/prefix' or BUCKET '..'");
  std::string prefix = s.path.value_or("");
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
  return filestore::S3BaseUrl(*s.bucket, prefix);
}

std::string S3ConfigWithRegion(const dialect::CreateStorageStmt& s) {
  std::string config = s.config_json.value_or("");
  if (!s.region) return config;
  std::string region_field = "\"region\": ";
  AppendJsonString(*s.region, &region_field);
  if (config.empty()) return "{" + region_field + "}";
  if (config.find("\"region\"") != std::string::npos) return config;  // CONFIG names it already
  const size_t open = config.find('{');
  const size_t first = config.find_first_not_of(" \t\r\n", open + 1);
  const bool empty_object = first != std::string::npos && config[first] == '}';
  return config.substr(0, open + 1) + region_field + (empty_object ? "" : ", ") + config.substr(open + 1);
}

Status CheckS3Storage(const StorageDefinition& def, const ServerConfig::ObjectStore& tuning) {
  KALAM_ASSIGN_OR_RETURN(filestore::S3Settings settings,
                         filestore::ParseS3Settings(def.base_directory, def.config_json, def.credentials_json));
  // One try per request: a CREATE should fail fast when the endpoint is wrong.
  ServerConfig::ObjectStore quick = tuning;
  quick.max_retries = std::min<int64_t>(quick.max_retries, 1);
  const filestore::S3ProbeReport report = filestore::ProbeS3(filestore::S3Client(std::move(settings), quick));
  if (report.ok()) return Status::Ok();
  return Status::InvalidArgument("Storage check failed for '" + def.base_directory + "': " + report.FirstFailure());
}

}  // namespace kalam::core
