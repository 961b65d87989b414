// libFuzzer target: one WebSocket text message from a client (src/api/ws_client_message.*).
// The parser is reused between inputs, as a connection reuses it between messages.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ws_client_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser parser;
  (void)kalam::api::ParseClientMessage(parser, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
