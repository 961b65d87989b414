#pragma once

#include <simdjson.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "any_stream.h"
#include "connection_guard.h"
#include "kalam/api/api_service.h"
#include "kalam/api/worker_pool.h"
#include "kalam/auth/auth_service.h"
#include "kalam/commons/clock.h"
#include "kalam/live/live_connection.h"
#include "kalam/live/live_query_manager.h"
#include "outbound_queue.h"

namespace kalam::api {

// One WebSocket connection of docs/live-queries.md: the upgrade, authentication (header or first
// message), client messages handed to the live-query module, and one ordered outbound queue.
//
// Everything that touches the socket runs on the session's strand: one read loop, one write
// loop (messages, keepalive pings and the close frame all go through it, so Beast never sees
// two writes at once) and one timer loop (auth timeout, heartbeat). Send and Close may be
// called from any thread (writers deliver changes on their own threads): they queue and wake
// the write loop. The queue (outbound_queue.h) is bounded by `max_outbound_bytes`; a client
// that falls further behind is closed as a slow consumer, so it never holds memory or a writer
// back.
class WsSession final : public live::LiveConnection, public std::enable_shared_from_this<WsSession> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  // `stream` (plain or TLS) must already be bound to `strand` (RehomeSocket).
  WsSession(Strand strand, AnyStream stream, ApiService& service, WorkerPool& workers, std::string connection_id,
            std::string peer_ip, ConnectionGuard::Slot slot);
  ~WsSession() override;

  // Accepts the upgrade of `request` and runs the session until the socket closes; then
  // `on_finished` runs (on the strand).
  void Start(boost::beast::http::request<boost::beast::http::string_body> request,
             std::optional<auth::Identity> identity, std::function<void()> on_finished);

  bool Send(std::string message) override;
  bool SendReply(std::string message) override;
  void Close(uint16_t code, std::string reason) override;
  // After the I/O threads have stopped: leaves the live-query module (its subscriptions go),
  // breaking the session's reference cycle with it. Not thread-safe; only then.
  void Abandon();

 private:
  using SteadyPoint = Clock::SteadyPoint;

  boost::asio::awaitable<void> Run(boost::beast::http::request<boost::beast::http::string_body> request,
                                   std::optional<auth::Identity> identity);
  boost::asio::awaitable<void> ReadLoop();
  boost::asio::awaitable<void> WriteLoop();
  boost::asio::awaitable<void> TimerLoop();

  // One client text message (docs/live-queries.md). The read loop waits for it, so messages
  // are handled in order; what may block runs on a worker (Offload).
  boost::asio::awaitable<void> HandleMessage(std::string_view text);
  // Runs `work` on the worker pool under this connection's fairness key (the address's password
  // checks when `password_check`); false (and an error sent to the client) when the pool
  // refused it.
  boost::asio::awaitable<bool> Offload(std::string_view request_type, bool password_check,
                                       const std::function<void()>& work);
  void Authenticate(const auth::AuthOutcome& outcome);
  void Authenticated(const auth::Identity& identity);
  bool Enqueue(std::string message, bool bounded);
  void WakeWriter();
  void ArmCloseDeadline();
  // Closes the socket when the write started now is not done within WriteTimeout() of the
  // process clock; DisarmWriteDeadline() when it is. Strand-only.
  void ArmWriteDeadline();
  void DisarmWriteDeadline();
  void WaitForWriteDeadline(uint64_t generation);
  std::chrono::seconds WriteTimeout() const;
  void Finish();

  Strand strand_;
  boost::beast::websocket::stream<AnyStream> ws_;
  ApiService& service_;
  WorkerPool& workers_;
  const WebSocketOptions options_;
  const std::string connection_id_;
  const std::string peer_ip_;
  ConnectionGuard::Slot slot_;
  std::function<void()> on_finished_;
  boost::asio::steady_timer wake_;   // the write loop waits on it; cancelled to wake it
  boost::asio::steady_timer ticks_;  // the timer loop's clock
  boost::asio::steady_timer write_deadline_;  // closes the socket when a write hangs
  boost::asio::steady_timer close_deadline_;  // closes the socket when closing hangs

  // Strand-only state.
  simdjson::dom::parser parser_;
  std::optional<auth::Identity> identity_;
  std::shared_ptr<live::LiveSession> live_;
  // The heartbeat and auth timeout run on the process clock (a test build may move it on).
  const Clock& clock_ = ProcessClock();
  SteadyPoint last_activity_ = clock_.SteadyNow();
  SteadyPoint started_ = last_activity_;
  SteadyPoint write_deadline_at_{};
  uint64_t write_generation_ = 0;  // bumped by every arm and disarm: stale timer wake-ups see it
  int64_t rate_window_ = 0;
  uint32_t rate_count_ = 0;
  bool finished_ = false;
  // A message is being handled on a worker: the read loop is not reading, so the client's
  // pongs wait in the socket and must not count as silence.
  bool busy_ = false;
  bool close_deadline_armed_ = false;
  int loops_ = 0;

  OutboundQueue out_;
};

}  // namespace kalam::api
