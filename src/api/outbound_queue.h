#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/websocket/rfc6455.hpp>

namespace kalam::api {

// The ordered outbound queue of one WebSocket connection: the messages to send, a due ping and
// the close frame, for the connection's one write loop to take in turns.
//
// Bounded in bytes: a message that would take the queued bytes past `max_bytes` (one message
// alone never does) means the client has fallen behind; the queue then drops what it holds and
// closes with 1008 "Slow consumer", so a slow reader never holds memory or a writer back (it
// resumes with `from`). Replies the client asked for may go past the bound up to
// `reply_allowance` times, so that a request is not refused for changes queued before it; a
// client that asks without ever reading still ends as a slow consumer.
//
// Thread-safe: any thread may push or close (writers deliver changes on their own threads);
// Take and Written belong to the write loop.
class OutboundQueue {
 public:
  using CloseReason = boost::beast::websocket::close_reason;

  static constexpr uint16_t kPolicyViolation = 1008;

  OutboundQueue(size_t max_bytes, size_t reply_allowance) : max_bytes_(max_bytes), reply_allowance_(reply_allowance) {}

  struct Pushed {
    bool accepted = false;       // queued; false once closing
    bool wake = false;           // the write loop must be woken (none was pending)
    bool slow_consumer = false;  // this push closed the queue as a slow consumer
  };
  // `bounded`: a change or other unrequested message (the plain bound); otherwise a reply.
  Pushed Push(std::string message, bool bounded);

  // Sets the close frame and stops accepting messages; false (nothing changed) when a close
  // frame is already set: the first one wins.
  bool Close(uint16_t code, std::string_view reason);

  // Stops accepting messages without a close frame (the peer is gone); the write loop stops
  // once it has sent what is queued.
  void StopAccepting();
  bool accepting() const;

  void PingDue();

  // What the write loop does next: send `messages` (moved out of the queue), then a ping when
  // `ping`, then the close frame when `close` (only once no message is left); `stop` when
  // nothing is left and nothing more will come.
  struct Turn {
    bool ping = false;
    std::optional<CloseReason> close;
    bool stop = false;
  };
  // `messages` must be empty; it receives the queued messages.
  Turn Take(std::deque<std::string>& messages);

  // A taken message of `bytes` has been written: its bytes leave the bound.
  void Written(size_t bytes);

 private:
  const size_t max_bytes_;
  const size_t reply_allowance_;

  mutable std::mutex mu_;  // guards everything below
  std::deque<std::string> messages_;
  size_t bytes_ = 0;  // of messages queued or taken and not yet written
  bool wake_pending_ = false;
  bool ping_due_ = false;
  bool closing_ = false;  // no more messages are accepted
  std::optional<CloseReason> close_;
};

}  // namespace kalam::api
