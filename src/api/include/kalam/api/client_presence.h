#pragma once

#include <mutex>

namespace kalam::core {
class Session;
}

namespace kalam::api {

// Whether the client of one HTTP connection is still there while its request runs on a
// worker. The HTTP server watches the socket meanwhile and calls MarkGone when the client
// hangs up (Ctrl+C in `kalam`, a killed script); the SQL route brackets each Execute with
// Begin/EndStatement, so the statement running then is interrupted and the rest of its
// request never starts. Thread-safe.
class ClientPresence {
 public:
  // The client went away: interrupts the statement running for it, if any.
  void MarkGone();
  // Registers the session about to execute; false when the client is already gone (then
  // nothing should run). `session` must stay valid until EndStatement.
  bool BeginStatement(core::Session* session);
  void EndStatement();

  // Where the server's hang-up watch peeks one byte: one per connection, so arming the watch
  // for each request allocates nothing. Only the connection's I/O thread uses it.
  char* peek_buffer() { return &peek_byte_; }

 private:
  char peek_byte_ = 0;
  std::mutex mu_;  // guards gone_, running_
  bool gone_ = false;
  core::Session* running_ = nullptr;
};

}  // namespace kalam::api
