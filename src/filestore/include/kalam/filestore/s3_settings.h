#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/result.h"
#include "kalam/filestore/sigv4.h"

namespace kalam::filestore {

// Where an s3 storage's objects are and how to reach them, from its definition: the base
// `s3://bucket[/prefix]`, CONFIG `{"endpoint", "region", "path_style"}` and CREDENTIALS
// `{"access_key_id", "secret_access_key"[, "session_token"]}`, falling back to the standard
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN / AWS_REGION variables.
struct S3Settings {
  std::string endpoint;  // "scheme://host[:port]", no trailing '/'
  std::string region;
  std::string bucket;
  std::string prefix;  // "" or "a/b": no leading or trailing '/'
  bool path_style = false;
  SigV4Credentials credentials;
};

// True for "s3://..." (any case of the scheme).
bool IsS3Url(std::string_view location);

// InvalidArgument naming what is wrong (never a secret's value): a base that is not
// s3://bucket[/prefix], a bucket name S3 refuses, a CONFIG field of the wrong type, or no
// credentials at all.
Result<S3Settings> ParseS3Settings(std::string_view base, std::string_view config_json,
                                   std::string_view credentials_json);

// `base` written as s3://bucket/prefix (for BUCKET '..' without a PATH).
std::string S3BaseUrl(std::string_view bucket, std::string_view prefix);

}  // namespace kalam::filestore
