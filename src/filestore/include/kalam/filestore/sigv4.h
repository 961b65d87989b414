#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kalam::filestore {

// AWS Signature Version 4 for header-signed requests (the S3 client's authentication). Pure
// functions over a described request, so that AWS's published example requests can check them
// byte for byte (sigv4_test.cc).

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials (AWS_SESSION_TOKEN)
};

struct SigV4Request {
  std::string method;                                        // "GET", "PUT", ...
  std::string path;                                          // the URI path, NOT yet encoded ("/bucket/a b")
  std::vector<std::pair<std::string, std::string>> query;    // raw names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign (host included)
  std::string payload_sha256;                                // hex, or "UNSIGNED-PAYLOAD"
};

struct SigV4Scope {
  std::string region;
  std::string service = "s3";
  std::string amz_date;  // "20130524T000000Z"
};

// RFC 3986 unreserved characters stay, everything else becomes %XX (upper case); '/' stays
// when `keep_slash` (object key paths).
std::string UriEncode(std::string_view text, bool keep_slash);
// The canonical query string: encoded names and values, sorted, joined with '&'.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);
std::string CanonicalRequest(const SigV4Request& request);
std::string StringToSign(const SigV4Request& request, const SigV4Scope& scope);
// The value of the Authorization header.
std::string SigV4Authorization(const SigV4Request& request, const SigV4Scope& scope,
                               const SigV4Credentials& credentials);

std::string Sha256Hex(std::string_view bytes);
// "YYYYMMDDTHHMMSSZ" for a Unix time in seconds.
std::string AmzDate(int64_t unix_seconds);

}  // namespace kalam::filestore
