#include "kalam/filestore/s3_settings.h"

#include <cctype>
#include <cstdlib>

#include <simdjson.h>

namespace kalam::filestore {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// S3's bucket naming rules, loosely: 3-63 of [a-z0-9.-], starting and ending alphanumeric.
bool ValidBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
          c == '.')) {
      return false;
    }
  }
  return std::isalnum(static_cast<unsigned char>(bucket.front())) &&
         std::isalnum(static_cast<unsigned char>(bucket.back()));
}

Status ReadObject(std::string_view text, std::string_view clause, simdjson::dom::parser& parser,
                  simdjson::dom::object* out) {
  if (text.empty()) return Status::Ok();
  simdjson::padded_string padded(text);
  if (parser.parse(padded).get(*out) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string(clause) + " must be a JSON object");
  }
  return Status::Ok();
}

// A string field; InvalidArgument when present but not a string.
Status StringField(const simdjson::dom::object& object, std::string_view clause, std::string_view key,
                   std::string* out) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return Status::Ok();
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string(clause) + " field '" + std::string(key) + "' must be a string");
  }
  *out = std::string(text);
  return Status::Ok();
}

}  // namespace

bool IsS3Url(std::string_view location) {
  if (location.size() < 5) return false;
  std::string scheme(location.substr(0, 5));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "s3://";
}

std::string S3BaseUrl(std::string_view bucket, std::string_view prefix) {
  std::string out = "s3://" + std::string(bucket);
  if (!prefix.empty()) out += "/" + std::string(prefix);
  return out;
}

Result<S3Settings> ParseS3Settings(std::string_view base, std::string_view config_json,
                                   std::string_view credentials_json) {
  if (!IsS3Url(base)) return Status::InvalidArgument("An s3 storage needs a PATH of the form s3://bucket/prefix");
  S3Settings s;
  std::string_view rest = base.substr(5);
  const size_t slash = rest.find('/');
  s.bucket = std::string(rest.substr(0, slash));
  if (!ValidBucket(s.bucket)) {
    return Status::InvalidArgument("'" + s.bucket +
                                   "' is not a valid bucket name (3-63 lower-case letters, digits, '.' or '-')");
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    s.prefix = std::string(prefix);
    if (s.prefix.find("//") != std::string::npos || s.prefix.find('\\') != std::string::npos) {
      return Status::InvalidArgument("The s3 PATH has an empty segment");
    }
  }

  simdjson::dom::parser config_parser;
  simdjson::dom::object config;
  KALAM_RETURN_IF_ERROR(ReadObject(config_json, "CONFIG", config_parser, &config));
  if (!config_json.empty()) {
    KALAM_RETURN_IF_ERROR(StringField(config, "CONFIG", "endpoint", &s.endpoint));
    KALAM_RETURN_IF_ERROR(StringField(config, "CONFIG", "region", &s.region));
    simdjson::dom::element path_style;
    if (config.at_key("path_style").get(path_style) == simdjson::SUCCESS &&
        path_style.get(s.path_style) != simdjson::SUCCESS) {
      return Status::InvalidArgument("CONFIG field 'path_style' must be true or false");
    }
  }
  if (s.region.empty()) s.region = Env("AWS_REGION");
  if (s.region.empty()) s.region = "us-east-1";
  if (s.endpoint.empty()) s.endpoint = "https://s3." + s.region + ".amazonaws.com";
  while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  if (s.endpoint.rfind("http://", 0) != 0 && s.endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("CONFIG field 'endpoint' must start with http:// or https://");
  }
  // A bucket with dots cannot be a host name under TLS wildcard certificates.
  if (s.bucket.find('.') != std::string::npos) s.path_style = true;

  simdjson::dom::parser credentials_parser;
  simdjson::dom::object credentials;
  KALAM_RETURN_IF_ERROR(ReadObject(credentials_json, "CREDENTIALS", credentials_parser, &credentials));
  if (!credentials_json.empty()) {
    KALAM_RETURN_IF_ERROR(StringField(credentials, "CREDENTIALS", "access_key_id", &s.credentials.access_key_id));
    KALAM_RETURN_IF_ERROR(
        StringField(credentials, "CREDENTIALS", "secret_access_key", &s.credentials.secret_access_key));
    KALAM_RETURN_IF_ERROR(StringField(credentials, "CREDENTIALS", "session_token", &s.credentials.session_token));
  }
  if (s.credentials.access_key_id.empty() && s.credentials.secret_access_key.empty()) {
    s.credentials.access_key_id = Env("AWS_ACCESS_KEY_ID");
    s.credentials.secret_access_key = Env("AWS_SECRET_ACCESS_KEY");
    s.credentials.session_token = Env("AWS_SESSION_TOKEN");
  }
  if (s.credentials.access_key_id.empty() || s.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "The s3 storage has no credentials: give CREDENTIALS '{\"access_key_id\": ..., \"secret_access_key\": ...}' "
        "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  return s;
}

}  // namespace kalam::filestore
