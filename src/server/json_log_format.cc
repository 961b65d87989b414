#include "kalam/server/json_log_format.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include "kalam/commons/json_writer.h"

namespace kalam::server {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `token` as key=value when it is one (a non-empty key of [A-Za-z0-9_] before the first '=').
bool SplitField(std::string_view token, std::string_view* key, std::string_view* value) {
  const size_t eq = token.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    if (!IsKeyChar(token[i])) return false;
  }
  *key = token.substr(0, eq);
  *value = token.substr(eq + 1);
  return true;
}

std::string Timestamp(int64_t time_us) {
  const std::time_t seconds = static_cast<std::time_t>(time_us / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[40];
  const size_t n = std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(out + n, sizeof(out) - n, ".%06lldZ", static_cast<long long>(time_us % 1000000));
  return out;
}

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t time_us = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = JsonLogLine(time_us, std::string_view(level.data(), level.size()),
                                         std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLogFormatter>(); }
};

}  // namespace

std::string JsonLogLine(int64_t time_us, std::string_view level, std::string_view message) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (start <= message.size()) {
    size_t space = message.find(' ', start);
    if (space == std::string_view::npos) space = message.size();
    if (space > start) tokens.push_back(message.substr(start, space - start));
    start = space + 1;
  }
  // The words before the first key=value, and whether every token after them is one.
  size_t first_field = tokens.size();
  std::string_view key, value;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (SplitField(tokens[i], &key, &value)) {
      first_field = i;
      break;
    }
  }
  bool structured = first_field > 0 && first_field < tokens.size();
  for (size_t i = first_field; structured && i < tokens.size(); ++i) structured = SplitField(tokens[i], &key, &value);

  std::string out;
  JsonWriter json(&out);
  json.StartObject().Key("ts").String(Timestamp(time_us)).Key("level").String(level);
  if (!structured) {
    json.Key("msg").String(message);
    json.EndObject();
    return out;
  }
  const std::string_view words(tokens[0].data(),
                               tokens[first_field - 1].data() + tokens[first_field - 1].size() - tokens[0].data());
  json.Key("msg").String(words);
  for (size_t i = first_field; i < tokens.size(); ++i) {
    SplitField(tokens[i], &key, &value);
    if (key == "ts" || key == "level" || key == "msg") {
      json.Key("_" + std::string(key));
    } else {
      json.Key(key);
    }
    json.String(value);
  }
  json.EndObject();
  return out;
}

std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter() { return std::make_unique<JsonLogFormatter>(); }

}  // namespace kalam::server
