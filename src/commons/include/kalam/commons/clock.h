#pragma once

#include <cstdint>

namespace kalam {

// Wall-clock time in microseconds since the Unix epoch.
int64_t NowMicros();

}  // namespace kalam
