#pragma once

#include <string>

namespace kalam::core {

// RFC 9562 version-7 UUID, lowercase canonical text.
std::string NewUuidV7();
// 26-character Crockford base32 ULID; monotonic within the process (same millisecond ->
// the random part is incremented).
std::string NewUlid();

}  // namespace kalam::core
