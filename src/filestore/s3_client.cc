#include "kalam/filestore/s3_client.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "kalam/filestore/sigv4.h"

namespace kalam::filestore {
namespace {

// The text of every <tag>...</tag> in `xml`, entities decoded. S3's answers are flat enough
// that this is all the XML the client needs.
std::vector<std::string> XmlValues(std::string_view xml, std::string_view tag) {
  std::vector<std::string> out;
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const size_t start = at + open.size();
    const size_t end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    std::string_view raw = xml.substr(start, end - start);
    std::string text;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        text.push_back(raw[i]);
        continue;
      }
      const size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) {
        text.push_back('&');
        continue;
      }
      const std::string_view entity = raw.substr(i + 1, semi - i - 1);
      if (entity == "amp")
        text.push_back('&');
      else if (entity == "lt")
        text.push_back('<');
      else if (entity == "gt")
        text.push_back('>');
      else if (entity == "quot")
        text.push_back('"');
      else if (entity == "apos")
        text.push_back('\'');
      else if (!entity.empty() && entity[0] == '#') {
        const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
        const long code = std::strtol(std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
        if (code > 0 && code < 0x80) text.push_back(static_cast<char>(code));
      } else {
        text.append(raw.substr(i, semi - i + 1));
      }
      i = semi;
    }
    out.push_back(std::move(text));
    at = end + close.size();
  }
  return out;
}

std::string XmlValue(std::string_view xml, std::string_view tag) {
  auto values = XmlValues(xml, tag);
  return values.empty() ? std::string() : values.front();
}

bool Retryable(long status) { return status >= 500 || status == 429; }

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Header(const HttpResponse& response, const std::string& name) {
  auto it = response.headers.find(name);
  return it == response.headers.end() ? std::string() : it->second;
}

}  // namespace

S3Client::S3Client(S3Settings settings, const ServerConfig::ObjectStore& tuning)
    : settings_(std::move(settings)), tuning_(tuning) {
  const size_t scheme_end = settings_.endpoint.find("://") + 3;
  const std::string scheme = settings_.endpoint.substr(0, scheme_end);
  std::string host = settings_.endpoint.substr(scheme_end);
  if (const size_t slash = host.find('/'); slash != std::string::npos) host.resize(slash);
  host_ = settings_.path_style ? host : settings_.bucket + "." + host;
  origin_ = scheme + host_;
}

std::string S3Client::FullKey(std::string_view key) const {
  if (settings_.prefix.empty()) return std::string(key);
  if (key.empty()) return settings_.prefix;
  return settings_.prefix + "/" + std::string(key);
}

Result<HttpResponse> S3Client::Send(const Call& call) const {
  std::string path = settings_.path_style ? "/" + settings_.bucket : "";
  if (!call.key.empty()) path += "/" + call.key;
  if (path.empty()) path = "/";
  const std::string payload_sha = Sha256Hex(call.body);
  std::string url = origin_ + UriEncode(path, true);
  if (const std::string query = CanonicalQuery(call.query); !query.empty()) url += "?" + query;
  const HttpTimeouts timeouts{tuning_.connect_timeout_ms, tuning_.request_timeout_ms};
  std::mt19937_64 jitter(std::random_device{}());
  Status last = Status::Ok();
  for (int64_t attempt = 0;; ++attempt) {
    if (attempt > 0) {
      const int64_t base = tuning_.retry_base_delay_ms << std::min<int64_t>(attempt - 1, 10);
      const int64_t sleep_ms = base / 2 + static_cast<int64_t>(jitter() % static_cast<uint64_t>(base / 2 + 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    }
    if (call.sink != nullptr) {
      std::rewind(call.sink);
      if (ftruncate(fileno(call.sink), 0) != 0) return Status::IoError("cannot truncate a cache download");
    }
    // Signed per attempt: the date is part of the signature.
    SigV4Request signing;
    signing.method = call.method;
    signing.path = path;
    signing.query = call.query;
    signing.payload_sha256 = payload_sha;
    signing.headers = call.headers;
    const std::string amz_date = AmzDate(NowSeconds());
    signing.headers.emplace_back("host", host_);
    signing.headers.emplace_back("x-amz-date", amz_date);
    signing.headers.emplace_back("x-amz-content-sha256", payload_sha);
    if (!settings_.credentials.session_token.empty()) {
      signing.headers.emplace_back("x-amz-security-token", settings_.credentials.session_token);
    }
    HttpRequest request;
    request.method = call.method;
    request.url = url;
    request.headers = signing.headers;
    request.headers.emplace_back(
        "Authorization",
        SigV4Authorization(signing, SigV4Scope{settings_.region, "s3", amz_date}, settings_.credentials));
    request.body = call.body;
    request.sink = call.sink;
    auto response = HttpSend(request, timeouts);
    if (response.ok() && !Retryable(response->status)) return response;
    if (response.ok()) {
      last = Status::Unavailable("S3 answered " + std::to_string(response->status) + " (" +
                                 XmlValue(response->body, "Code") + ")");
    } else {
      last = response.status();
    }
    if (attempt >= tuning_.max_retries) {
      if (response.ok()) return response;  // the final 5xx, for ErrorOf to word
      return Status::Unavailable(last.message() + " after " + std::to_string(attempt + 1) + " attempts");
    }
  }
}

Status S3Client::ErrorOf(const HttpResponse& response, std::string_view op, std::string_view key) const {
  std::string code = XmlValue(response.body, "Code");
  if (code.empty()) code = "HTTP " + std::to_string(response.status);
  const std::string what =
      "cannot " + std::string(op) + " '" + std::string(key) + "' in bucket '" + settings_.bucket + "': ";
  switch (response.status) {
    case 404: return Status::NotFound(what + "not found (" + code + ")");
    case 401:
    case 403: return Status::PermissionDenied(what + "S3 refused access (" + code + ")");
    case 409:
    case 412: return Status::InvalidOperation(what + "a concurrent write won (" + code + ")");
    default:
      if (Retryable(response.status)) {
        return Status::Unavailable(what + "S3 kept failing (" + code + ") after " +
                                   std::to_string(tuning_.max_retries + 1) + " attempts");
      }
      return Status::IoError(what + "S3 answered " + std::to_string(response.status) + " (" + code + ")");
  }
}

Result<std::string> S3Client::Get(std::string_view key, std::string* etag) const {
  KALAM_ASSIGN_OR_RETURN(HttpResponse response, Send(Call{"GET", FullKey(key), {}, {}, {}, nullptr}));
  if (response.status != 200) return ErrorOf(response, "read", key);
  if (etag != nullptr) *etag = Header(response, "etag");
  return std::move(response.body);
}

Status S3Client::GetToFile(std::string_view key, const std::string& local_path) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(local_path).parent_path(), ec);
  const std::string tmp = local_path + ".download";
  std::FILE* file = std::fopen(tmp.c_str(), "w+b");
  if (file == nullptr) return Status::IoError("cannot create the cache file for '" + std::string(key) + "'");
  auto response = Send(Call{"GET", FullKey(key), {}, {}, {}, file});
  const bool flushed = std::fflush(file) == 0;
  std::fclose(file);
  if (!response.ok() || response->status != 200 || !flushed) {
    fs::remove(tmp, ec);
    if (!response.ok()) return response.status();
    if (!flushed) return Status::IoError("cannot write the cache file for '" + std::string(key) + "'");
    return ErrorOf(*response, "read", key);
  }
  fs::rename(tmp, local_path, ec);
  if (ec) return Status::IoError("cannot place the cache file for '" + std::string(key) + "': " + ec.message());
  return Status::Ok();
}

Result<S3Client::ObjectInfo> S3Client::Head(std::string_view key) const {
  KALAM_ASSIGN_OR_RETURN(HttpResponse response, Send(Call{"HEAD", FullKey(key), {}, {}, {}, nullptr}));
  if (response.status != 200) return ErrorOf(response, "find", key);
  ObjectInfo info;
  info.size = std::strtoull(Header(response, "content-length").c_str(), nullptr, 10);
  info.etag = Header(response, "etag");
  return info;
}

Result<std::string> S3Client::Put(std::string_view key, std::string_view bytes, const S3PutCondition& condition) const {
  Call call{"PUT", FullKey(key), {}, {}, bytes, nullptr};
  if (condition.if_none_match) call.headers.emplace_back("if-none-match", "*");
  if (!condition.if_match.empty()) call.headers.emplace_back("if-match", condition.if_match);
  KALAM_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status != 200) return ErrorOf(response, "write", key);
  return Header(response, "etag");
}

Status S3Client::PutFile(std::string_view key, const std::string& local_path) const {
  std::FILE* file = std::fopen(local_path.c_str(), "rb");
  if (file == nullptr) return Status::IoError("cannot open '" + std::string(key) + "' for upload");
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(local_path, ec);
  Status status = Status::Ok();
  if (ec) {
    status = Status::IoError("cannot size '" + std::string(key) + "' for upload");
  } else if (size > static_cast<uint64_t>(tuning_.multipart_threshold_bytes)) {
    status = MultipartUpload(key, file, size);
  } else {
    std::string bytes(size, '\0');
    if (size > 0 && std::fread(bytes.data(), 1, size, file) != size) {
      status = Status::IoError("cannot read '" + std::string(key) + "' for upload");
    } else {
      status = Put(key, bytes).status();
    }
  }
  std::fclose(file);
  return status;
}

Status S3Client::MultipartUpload(std::string_view key, std::FILE* file, uint64_t size) const {
  const std::string full = FullKey(key);
  KALAM_ASSIGN_OR_RETURN(HttpResponse created, Send(Call{"POST", full, {{"uploads", ""}}, {}, {}, nullptr}));
  if (created.status != 200) return ErrorOf(created, "start an upload of", key);
  const std::string upload_id = XmlValue(created.body, "UploadId");
  if (upload_id.empty()) return Status::IoError("S3 started an upload of '" + std::string(key) + "' without an id");
  auto abort = [&](Status why) {
    (void)Send(Call{"DELETE", full, {{"uploadId", upload_id}}, {}, {}, nullptr});
    return why;
  };
  const uint64_t part_size = static_cast<uint64_t>(tuning_.multipart_part_bytes);
  std::string complete = "<CompleteMultipartUpload>";
  std::string part(part_size, '\0');
  int part_number = 1;
  for (uint64_t done = 0; done < size; ++part_number) {
    const size_t n = static_cast<size_t>(std::min(part_size, size - done));
    if (std::fread(part.data(), 1, n, file) != n) {
      return abort(Status::IoError("cannot read '" + std::string(key) + "' for upload"));
    }
    auto sent = Send(Call{"PUT",
                          full,
                          {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
                          {},
                          std::string_view(part.data(), n),
                          nullptr});
    if (!sent.ok()) return abort(sent.status());
    if (sent->status != 200) return abort(ErrorOf(*sent, "upload a part of", key));
    complete += "<Part><PartNumber>" + std::to_string(part_number) + "</PartNumber><ETag>" + Header(*sent, "etag") +
                "</ETag></Part>";
    done += n;
  }
  complete += "</CompleteMultipartUpload>";
  auto finished = Send(Call{"POST", full, {{"uploadId", upload_id}}, {}, complete, nullptr});
  if (!finished.ok()) return abort(finished.status());
  // S3 may answer 200 with an <Error> body when completion fails late.
  if (finished->status != 200 || finished->body.find("<Error>") != std::string::npos) {
    return abort(ErrorOf(*finished, "complete the upload of", key));
  }
  return Status::Ok();
}

Status S3Client::Delete(std::string_view key) const {
  KALAM_ASSIGN_OR_RETURN(HttpResponse response, Send(Call{"DELETE", FullKey(key), {}, {}, {}, nullptr}));
  if (response.status != 204 && response.status != 200) return ErrorOf(response, "delete", key);
  return Status::Ok();
}

Status S3Client::Copy(std::string_view from, std::string_view to) const {
  const std::string source = "/" + settings_.bucket + "/" + UriEncode(FullKey(from), true);
  KALAM_ASSIGN_OR_RETURN(HttpResponse response,
                         Send(Call{"PUT", FullKey(to), {}, {{"x-amz-copy-source", source}}, {}, nullptr}));
  if (response.status != 200 || response.body.find("<Error>") != std::string::npos) {
    return ErrorOf(response, "copy", from);
  }
  return Status::Ok();
}

Result<S3Client::Listing> S3Client::List(std::string_view dir, bool delimited) const {
  std::string prefix = FullKey(dir);
  if (!prefix.empty()) prefix += "/";
  Listing listing;
  std::string token;
  while (true) {
    std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}, {"prefix", prefix}};
    if (delimited) query.emplace_back("delimiter", "/");
    if (!token.empty()) query.emplace_back("continuation-token", token);
    KALAM_ASSIGN_OR_RETURN(HttpResponse response, Send(Call{"GET", "", query, {}, {}, nullptr}));
    if (response.status != 200) return ErrorOf(response, "list", dir);
    for (const std::string& contents : XmlValues(response.body, "Contents")) {
      const std::string key = XmlValue(contents, "Key");
      if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string rel_to_base = FullKey("").empty() ? key : key.substr(FullKey("").size() + 1);
      listing.keys.push_back(rel_to_base);
      listing.sizes.push_back(std::strtoull(XmlValue(contents, "Size").c_str(), nullptr, 10));
    }
    for (const std::string& common : XmlValues(response.body, "CommonPrefixes")) {
      std::string p = XmlValue(common, "Prefix");
      if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) continue;
      p = p.substr(prefix.size());
      while (!p.empty() && p.back() == '/') p.pop_back();
      if (!p.empty()) listing.prefixes.push_back(std::move(p));
    }
    if (XmlValue(response.body, "IsTruncated") != "true") break;
    token = XmlValue(response.body, "NextContinuationToken");
    if (token.empty()) break;
  }
  return listing;
}

}  // namespace kalam::filestore
