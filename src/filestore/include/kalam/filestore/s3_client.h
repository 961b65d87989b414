#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/server_config.h"
#include "kalam/filestore/http_transport.h"
#include "kalam/filestore/s3_settings.h"

namespace kalam::filestore {

// What a conditional PUT requires of the object it replaces.
struct S3PutCondition {
  bool if_none_match = false;  // create only: "If-None-Match: *"
  std::string if_match;        // replace only this version (an ETag)
};

// A small client for the S3 REST API (AWS, MinIO, Ceph RGW, R2, s3rver): signed with SigV4,
// over HTTP or HTTPS, with retries. Keys are relative to the storage's prefix.
//
// Retries: a transport failure (refused, reset, timed out), a 5xx answer, 429 and 503
// SlowDown are retried up to `max_retries` times, sleeping retry_base_delay_ms * 2^n with
// jitter. Every other answer is final.
//
// Errors: 404 is NotFound; 403 and 401 are PermissionDenied with S3's code ("S3 refused
// access (InvalidAccessKeyId)"); 412 is InvalidOperation (a conditional write lost);
// what is still failing after the retries is Unavailable; anything else IoError. Messages
// carry S3's error code and the key, never credentials or signatures.
//
// Thread-safe: holds only immutable settings.
class S3Client {
 public:
  S3Client(S3Settings settings, const ServerConfig::ObjectStore& tuning);

  struct ObjectInfo {
    uint64_t size = 0;
    std::string etag;  // as S3 sends it, quotes included
  };
  struct Listing {
    std::vector<std::string> keys;      // full keys relative to the prefix
    std::vector<uint64_t> sizes;        // parallel to keys
    std::vector<std::string> prefixes;  // common prefixes ("dirs"), relative, without the '/'
  };

  // The object's bytes, and its ETag when `etag` is given.
  Result<std::string> Get(std::string_view key, std::string* etag = nullptr) const;
  // Streams the object into `local_path` (written to a temp file beside it, then renamed).
  Status GetToFile(std::string_view key, const std::string& local_path) const;
  Result<ObjectInfo> Head(std::string_view key) const;
  // The new object's ETag.
  Result<std::string> Put(std::string_view key, std::string_view bytes, const S3PutCondition& condition = {}) const;
  // Uploads a local file: one PUT up to multipart_threshold_bytes, else a multipart upload in
  // parts of multipart_part_bytes (aborted when a part fails for good).
  Status PutFile(std::string_view key, const std::string& local_path) const;
  Status Delete(std::string_view key) const;
  Status Copy(std::string_view from, std::string_view to) const;
  // Every key below `dir` ("" = the prefix itself); with `delimited`, only the direct children
  // and the names of the "directories" below it.
  Result<Listing> List(std::string_view dir, bool delimited) const;

  const S3Settings& settings() const { return settings_; }

 private:
  struct Call {
    std::string method;
    std::string key;  // relative; "" = the bucket
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string_view body;
    std::FILE* sink = nullptr;
  };
  // Signs and sends with retries; a final non-2xx answer is returned as the response, a
  // transport failure that outlived the retries as Unavailable.
  Result<HttpResponse> Send(const Call& call) const;
  Status ErrorOf(const HttpResponse& response, std::string_view op, std::string_view key) const;
  std::string FullKey(std::string_view key) const;
  Status MultipartUpload(std::string_view key, std::FILE* file, uint64_t size) const;

  S3Settings settings_;
  ServerConfig::ObjectStore tuning_;
  std::string host_;    // the Host header
  std::string origin_;  // scheme://host[:port] of the request URL
};

}  // namespace kalam::filestore
