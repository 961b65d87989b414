#pragma once

#include <spdlog/formatter.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kalam::server {

// logging.format = "json" (docs/configuration.md): one JSON object per line,
//   {"ts":"2026-05-01T10:00:00.123456Z","level":"info","msg":"request","id":"…","status":"200",…}
// A message of the form `<words> key=value key=value …` (the access log and most server lines)
// becomes "msg":"<words>" plus one string field per key; any other message is kept whole in
// "msg". Keys that would clash with ts, level or msg are prefixed with "_". Everything is
// JSON-escaped, so a value can never break the line.
std::string JsonLogLine(int64_t time_us, std::string_view level, std::string_view message);

// The spdlog formatter writing JsonLogLine lines.
std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter();

}  // namespace kalam::server
