#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "kalam/commons/result.h"

namespace kalam::cli {

// One instance's entry of ~/.kalam/credentials: tokens only, never a password.
struct CredentialEntry {
  std::string url;
  std::string user;
  std::string access_token;
  std::string refresh_token;
  std::string expires_at;  // RFC 3339, as the server's login answer gives it
};

// ~/.kalam/credentials: a TOML table per instance name. The directory is kept at mode 0700
// and the file at 0600 (both are set on every save, so a looser mode left by hand is
// tightened); the file is replaced atomically (temp file + rename). Not thread-safe.
class CredentialsFile {
 public:
  explicit CredentialsFile(std::filesystem::path path) : path_(std::move(path)) {}
  // $HOME/.kalam/credentials.
  static std::filesystem::path DefaultPath();
  // $HOME/.kalam, which also holds the history.
  static std::filesystem::path KalamDir();

  // The entry of `instance`, or nullopt when the file or the entry does not exist.
  Result<std::optional<CredentialEntry>> Load(const std::string& instance) const;
  // Replaces (or adds) the entry of `instance`, keeping the others.
  Status Save(const std::string& instance, const CredentialEntry& entry) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  Result<std::map<std::string, CredentialEntry>> LoadAll() const;
  std::filesystem::path path_;
};

// Seconds since the epoch of an RFC 3339 time ("2026-05-02T10:00:00+00:00", "...Z",
// fractions allowed), or nullopt when it does not read as one.
std::optional<int64_t> ParseRfc3339(const std::string& text);

}  // namespace kalam::cli
