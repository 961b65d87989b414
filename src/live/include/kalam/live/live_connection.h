#pragma once

#include <cstdint>
#include <string>

namespace kalam::live {

// The transport side of one client connection, as the live-query module uses it. The api's
// WebSocket session implements it. Both methods may be called from any thread (writers
// deliver changes on their own threads) and must never block: Send queues the message and
// returns; messages go out in the order Send was called.
class LiveConnection {
 public:
  virtual ~LiveConnection() = default;
  // Queues one change message. False when the connection is closing, or when the message
  // would take its outbound queue over its bound (it then closes itself as a slow consumer).
  virtual bool Send(std::string message) = 0;
  // Queues an answer to the client's own request (ack, initial-data page, the changes held
  // back until `ready`, errors): the client asked for it and paces it, so it may go past the
  // bound (within a larger allowance; it counts toward the bound for later changes). False
  // when the connection is closing.
  virtual bool SendReply(std::string message) = 0;
  // Closes the connection with a WebSocket close code and reason, after what is queued.
  virtual void Close(uint16_t code, std::string reason) = 0;
};

}  // namespace kalam::live
