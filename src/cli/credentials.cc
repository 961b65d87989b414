#include "credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace kalam::cli {

namespace chrono = std::chrono;

std::filesystem::path CredentialsFile::KalamDir() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr && *home != '\0' ? home : ".") / ".kalam";
}

std::filesystem::path CredentialsFile::DefaultPath() { return KalamDir() / "credentials"; }

Result<std::map<std::string, CredentialEntry>> CredentialsFile::LoadAll() const {
  std::map<std::string, CredentialEntry> entries;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return entries;
  toml::table table;
  try {
    table = toml::parse_file(path_.string());
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path_.string() + ": " + std::string(e.description()));
  }
  for (const auto& [name, node] : table) {
    const toml::table* section = node.as_table();
    if (section == nullptr) continue;
    CredentialEntry entry;
    entry.url = (*section)["url"].value_or(std::string());
    entry.user = (*section)["user"].value_or(std::string());
    entry.access_token = (*section)["access_token"].value_or(std::string());
    entry.refresh_token = (*section)["refresh_token"].value_or(std::string());
    entry.expires_at = (*section)["expires_at"].value_or(std::string());
    entries.emplace(std::string(name.str()), std::move(entry));
  }
  return entries;
}

Result<std::optional<CredentialEntry>> CredentialsFile::Load(const std::string& instance) const {
  KALAM_ASSIGN_OR_RETURN(auto entries, LoadAll());
  auto it = entries.find(instance);
  if (it == entries.end()) return std::optional<CredentialEntry>();
  return std::optional<CredentialEntry>(std::move(it->second));
}

Status CredentialsFile::Save(const std::string& instance, const CredentialEntry& entry) const {
  auto loaded = LoadAll();
  // A file we cannot read is replaced rather than blocking a fresh login.
  std::map<std::string, CredentialEntry> entries = loaded.ok() ? std::move(loaded).value() : decltype(entries){};
  entries[instance] = entry;

  toml::table table;
  for (const auto& [name, e] : entries) {
    table.insert(name, toml::table{{"url", e.url},
                                   {"user", e.user},
                                   {"access_token", e.access_token},
                                   {"refresh_token", e.refresh_token},
                                   {"expires_at", e.expires_at}});
  }
  std::ostringstream text;
  text << "# kalam credentials: tokens only (no passwords). Mode 0600.\n" << table << "\n";

  const auto dir = path_.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) return Status::IoError("cannot set mode 0700 on " + dir.string());
  const std::string tmp = path_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot write " + tmp);
  const std::string bytes = text.str();
  const bool written = ::fchmod(fd, 0600) == 0 && ::write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + path_.string());
  }
  return Status::Ok();
}

std::optional<int64_t> ParseRfc3339(const std::string& text) {
  int y, mo, d, h, mi, s;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) {
    return std::nullopt;
  }
  size_t at = static_cast<size_t>(consumed);
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
  }
  int64_t offset = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + at + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (text[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else if (at >= text.size() || (text[at] != 'Z' && text[at] != 'z')) {
    return std::nullopt;
  }
  const chrono::year_month_day date{chrono::year(y), chrono::month(static_cast<unsigned>(mo)),
                                    chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  const int64_t days = chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + h * 3600 + mi * 60 + s - offset;
}

}  // namespace kalam::cli
