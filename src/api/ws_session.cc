#include "ws_session.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>

#include "kalam/commons/clock.h"
#include "kalam/live/live_messages.h"
#include "request_log.h"
#include "run_on_worker.h"
#include "ws_client_message.h"

namespace kalam::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using live::LiveErrorCode;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// How long the closing handshake may take before the socket is dropped.
constexpr auto kCloseTimeout = std::chrono::seconds(2);
constexpr uint16_t kPolicyViolation = OutboundQueue::kPolicyViolation;
constexpr size_t kReadChunk = 64 * 1024;
// Replies may take the outbound queue this many times past its bound (outbound_queue.h).
constexpr size_t kReplyAllowance = 4;
constexpr int kDeflateWindowBits = 11;
constexpr int kDeflateMemLevel = 3;

}  // namespace

WsSession::WsSession(Strand strand, AnyStream stream, ApiService& service, WorkerPool& workers,
                     std::string connection_id, std::string peer_ip, ConnectionGuard::Slot slot)
    : strand_(strand),
      ws_(std::move(stream)),
      service_(service),
      workers_(workers),
      options_(service.options().websocket),
      connection_id_(std::move(connection_id)),
      peer_ip_(std::move(peer_ip)),
      slot_(std::move(slot)),
      wake_(strand),
      ticks_(strand),
      write_deadline_(strand),
      close_deadline_(strand),
      out_(options_.max_outbound_bytes, kReplyAllowance) {}

WsSession::~WsSession() = default;

void WsSession::Start(beast::http::request<beast::http::string_body> request, std::optional<auth::Identity> identity,
                      std::function<void()> on_finished) {
  on_finished_ = std::move(on_finished);
  // Run only starts the loops; it finishes the session itself only when the handshake failed.
  asio::co_spawn(strand_, Run(std::move(request), std::move(identity)),
                 [self = shared_from_this()](std::exception_ptr) {
                   if (self->loops_ == 0) self->Finish();
                 });
}

asio::awaitable<void> WsSession::Run(beast::http::request<beast::http::string_body> request,
                                     std::optional<auth::Identity> identity) {
  auto self = shared_from_this();
  websocket::permessage_deflate deflate;
  deflate.server_enable = options_.compression;
  // Small windows: messages are small JSON, and zlib's default 32 KB windows (both ways) cost
  // ~100 KB per connection; these cost a fraction of that (bench/README.md).
  deflate.server_max_window_bits = kDeflateWindowBits;
  deflate.client_max_window_bits = kDeflateWindowBits;
  deflate.memLevel = kDeflateMemLevel;
  ws_.set_option(deflate);
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = kCloseTimeout;
  timeouts.idle_timeout = websocket::stream_base::none();  // the heartbeat is ours (docs/live-queries.md)
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "kalamdb"); }));
  // Messages are read in pieces and their size checked as they grow (so the client gets
  // MESSAGE_TOO_LARGE before the close); Beast's own limit would close first, so it is off.
  ws_.read_message_max(0);
  ws_.auto_fragment(false);
  ws_.text(true);
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    last_activity_ = clock_.SteadyNow();
    if (kind == websocket::frame_type::pong && live_) live_->RecordPing(clock_.NowMicros());
  });
  ws_.next_layer().tcp().expires_never();
  auto [ec] = co_await ws_.async_accept(request, kUseTuple);
  if (ec) co_return;
  last_activity_ = clock_.SteadyNow();
  started_ = last_activity_;
  if (identity) Authenticated(*identity);
  loops_ = 3;
  auto done = [self](std::exception_ptr) {
    if (--self->loops_ == 0) self->Finish();
  };
  asio::co_spawn(strand_, WriteLoop(), done);
  asio::co_spawn(strand_, TimerLoop(), done);
  asio::co_spawn(strand_, ReadLoop(), done);
}

asio::awaitable<void> WsSession::ReadLoop() {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  while (true) {
    buffer.clear();
    beast::error_code ec;
    do {
      auto [read_ec, n] = co_await ws_.async_read_some(buffer, kReadChunk, kUseTuple);
      ec = read_ec;
    } while (!ec && buffer.size() <= options_.max_message_size && !ws_.is_message_done());
    if (ec) break;
    last_activity_ = clock_.SteadyNow();
    if (buffer.size() > options_.max_message_size) {
      Send(live::EncodeError("protocol", LiveErrorCode::kMessageTooLarge,
                             "Message exceeds " + std::to_string(options_.max_message_size) + " bytes"));
      Close(1009, "Message too big");
      break;
    }
    if (options_.max_messages_per_sec > 0) {
      const int64_t window = clock_.NowMicros() / 1000000;
      if (window != rate_window_) {
        rate_window_ = window;
        rate_count_ = 0;
      }
      if (++rate_count_ > options_.max_messages_per_sec) {
        Send(live::EncodeError("rate_limit", LiveErrorCode::kRateLimitExceeded,
                               "More than " + std::to_string(options_.max_messages_per_sec) + " messages per second"));
        continue;
      }
    }
    if (!ws_.got_text()) {
      Send(live::EncodeError("protocol", LiveErrorCode::kUnsupportedData, "Binary messages are not supported"));
      continue;
    }
    const auto data = buffer.cdata();
    try {
      co_await HandleMessage(std::string_view(static_cast<const char*>(data.data()), data.size()));
    } catch (const std::exception& e) {
      // Nothing may escape the read loop: it would stop reading without closing.
      spdlog::warn("ws connection={} message failed: {}", connection_id_, LogSafe(e.what()));
      Send(live::EncodeError("protocol", LiveErrorCode::kProtocol, "The message could not be processed"));
    }
  }
  // Reading is over (peer closed, error, or our close completed): nothing more goes out.
  if (live_) {
    if (auto* manager = service_.live()) manager->Detach(*live_);
  }
  out_.StopAccepting();
  wake_.cancel();
  ticks_.cancel();
}

asio::awaitable<void> WsSession::WriteLoop() {
  auto self = shared_from_this();
  std::deque<std::string> batch;
  while (true) {
    const OutboundQueue::Turn turn = out_.Take(batch);
    const bool ping = turn.ping;
    const std::optional<websocket::close_reason>& close = turn.close;
    if (turn.stop) break;
    if (batch.empty() && !ping && !close) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(kUseTuple);
      continue;
    }
    for (std::string& message : batch) {
      // A peer that stops reading must not hold this loop (and its queue) forever.
      ArmWriteDeadline();
      auto [ec, n] = co_await ws_.async_write(asio::buffer(message), kUseTuple);
      DisarmWriteDeadline();
      out_.Written(message.size());
      if (ec) {
        beast::error_code ignored;
        ws_.next_layer().tcp().socket().close(ignored);
        co_return;
      }
    }
    batch.clear();
    if (ping) {
      ArmWriteDeadline();
      auto [ec] = co_await ws_.async_ping({}, kUseTuple);
      DisarmWriteDeadline();
      if (ec) {
        beast::error_code ignored;
        ws_.next_layer().tcp().socket().close(ignored);
        co_return;
      }
    }
    if (close) {
      // Beast bounds the closing handshake (handshake_timeout); close_deadline_ bounds the rest.
      co_await ws_.async_close(*close, kUseTuple);
      beast::error_code ignored;
      ws_.next_layer().tcp().socket().close(ignored);
      co_return;
    }
  }
}

asio::awaitable<void> WsSession::TimerLoop() {
  auto self = shared_from_this();
  const auto heartbeat = std::chrono::seconds(std::max<uint32_t>(1, options_.heartbeat_interval_secs));
  const auto client_timeout = std::chrono::seconds(options_.client_timeout_secs);
  const auto auth_timeout = std::chrono::seconds(options_.auth_timeout_secs);
  auto next_ping = clock_.SteadyNow() + heartbeat;
  while (true) {
    if (!out_.accepting()) break;
    const auto now = clock_.SteadyNow();
    if (!identity_ && !busy_ && now >= started_ + auth_timeout) {
      Send(live::EncodeAuthError("Authentication timeout - no auth message received within " +
                                 std::to_string(options_.auth_timeout_secs) + " seconds"));
      Close(kPolicyViolation, "Authentication timeout");
      break;
    }
    if (options_.client_timeout_secs > 0 && !busy_ && now >= last_activity_ + client_timeout) {
      Close(1000, "Heartbeat timeout");
      break;
    }
    if (now >= next_ping) {
      out_.PingDue();
      WakeWriter();
      next_ping = now + heartbeat;
    }
    auto wake_at = next_ping;
    if (options_.client_timeout_secs > 0) wake_at = std::min(wake_at, last_activity_ + client_timeout);
    if (!identity_) wake_at = std::min(wake_at, started_ + auth_timeout);
    // Relative to the process clock, which a test build may move on: look again by its limit.
    const auto left =
        std::max<std::chrono::steady_clock::duration>(wake_at - clock_.SteadyNow(), std::chrono::milliseconds(5));
    ticks_.expires_after(std::min<std::chrono::steady_clock::duration>(left, clock_.RealWaitLimit()));
    auto [ec] = co_await ticks_.async_wait(kUseTuple);
    (void)ec;
  }
}

asio::awaitable<void> WsSession::HandleMessage(std::string_view text) {
  const ClientMessage message = ParseClientMessage(parser_, text);
  if (std::holds_alternative<MalformedMessage>(message)) {
    Send(live::EncodeError("protocol", LiveErrorCode::kProtocol, "Messages are JSON objects with a \"type\""));
    co_return;
  }
  if (std::holds_alternative<PingMessage>(message)) {
    Send(live::EncodePong());
    co_return;
  }
  if (const auto* authenticate = std::get_if<AuthenticateMessage>(&message)) {
    auth::AuthOutcome outcome = auth::AuthError{auth::AuthFailure::kInvalidCredentials, "Invalid credentials"};
    auth::RateCharge charge = auth::RateCharge::kCharge;
    bool admitted = true;
    if (authenticate->method == AuthenticateMessage::Method::kBasic) {
      // Counted as it arrives, not when a worker gets to its bcrypt.
      if (auto refused = service_.auth().AdmitPassword(authenticate->user, authenticate->password,
                                                       auth::PasswordRoute::kBasic, peer_ip_, clock_.NowMicros())) {
        outcome = *refused;
        admitted = false;
      } else {
        charge = auth::RateCharge::kAlreadyCharged;
      }
    }
    if (admitted && authenticate->method != AuthenticateMessage::Method::kOther) {
      const bool ran = co_await Offload("authenticate", authenticate->method == AuthenticateMessage::Method::kBasic, [&] {
        const int64_t now_us = clock_.NowMicros();
        outcome = authenticate->method == AuthenticateMessage::Method::kJwt
                      ? service_.auth().AuthenticateToken(authenticate->token, auth::TokenType::kAccess, now_us)
                      : service_.auth().AuthenticatePassword(authenticate->user, authenticate->password, peer_ip_,
                                                             now_us, charge);
      });
      if (!ran) co_return;
    }
    Authenticate(outcome);
    co_return;
  }
  live::LiveQueryManager* manager = service_.live();
  if (const auto* subscribe = std::get_if<SubscribeMessage>(&message)) {
    if (!live_) {
      Send(live::EncodeError("subscribe", LiveErrorCode::kAuthRequired, "Authenticate first"));
      co_return;
    }
    // A copy: Finish may drop live_ on the strand while the worker subscribes.
    auto live = live_;
    co_await Offload(subscribe->request.id, false, [&] { manager->Subscribe(*live, subscribe->request); });
    co_return;
  }
  if (const auto* next_batch = std::get_if<NextBatchMessage>(&message)) {
    if (!live_) co_return;  // ignored before authentication (docs/live-queries.md)
    auto live = live_;
    co_await Offload(next_batch->subscription_id, false, [&] { manager->NextBatch(*live, next_batch->subscription_id); });
    co_return;
  }
  if (const auto* unsubscribe = std::get_if<UnsubscribeMessage>(&message)) {
    if (live_) manager->Unsubscribe(*live_, unsubscribe->subscription_id);
    co_return;
  }
  const auto& unknown = std::get<UnknownMessage>(message);
  Send(live::EncodeError("protocol", LiveErrorCode::kProtocol, "Unknown message type '" + unknown.type + "'"));
}

asio::awaitable<bool> WsSession::Offload(std::string_view request_type, bool password_check,
                                         const std::function<void()>& work) {
  // The same keys as HTTP requests from this address (ApiService::FairnessKey): password checks
  // share one per address; the rest go with the user's HTTP requests.
  std::string key = password_check ? "pw" : identity_ ? "u:" + identity_->user.str() : std::string();
  key += "@";
  key += peer_ip_;
  std::exception_ptr failure;
  busy_ = true;
  const Admission admission = co_await RunOnWorker(workers_, key, [&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  busy_ = false;
  last_activity_ = clock_.SteadyNow();
  if (failure) std::rethrow_exception(failure);  // the read loop answers it
  if (admission == Admission::kAccepted) co_return true;
  const WorkerPoolOptions& pool = workers_.options();
  Send(live::EncodeError(request_type, LiveErrorCode::kRateLimitExceeded,
                         admission == Admission::kKeyQueueFull
                             ? "Too many concurrent requests: at most " + std::to_string(pool.max_running_per_key) +
                                   " run and " + std::to_string(pool.max_queued_per_key) + " wait per user"
                             : std::string("Server busy, try again")));
  co_return false;
}

void WsSession::Authenticate(const auth::AuthOutcome& outcome) {
  const auto* identity = std::get_if<auth::Identity>(&outcome);
  if (identity == nullptr || (identity_ && identity->user != identity_->user)) {
    Send(live::EncodeAuthError("Invalid credentials"));
    Close(kPolicyViolation, "Authentication failed");
    return;
  }
  if (identity_) {
    Send(live::EncodeAuthSuccess(identity_->user, identity_->role));
    return;
  }
  Authenticated(*identity);
}

void WsSession::Authenticated(const auth::Identity& identity) {
  identity_ = identity;
  Send(live::EncodeAuthSuccess(identity.user, identity.role));
  live_ = service_.live()->Attach(shared_from_this(), connection_id_, identity.user, identity.role);
  spdlog::info("ws connection={} user={} authenticated", connection_id_, LogSafe(identity.user.str()));
}

bool WsSession::Send(std::string message) { return Enqueue(std::move(message), /*bounded=*/true); }

bool WsSession::SendReply(std::string message) { return Enqueue(std::move(message), /*bounded=*/false); }

bool WsSession::Enqueue(std::string message, bool bounded) {
  const OutboundQueue::Pushed pushed = out_.Push(std::move(message), bounded);
  // A slow consumer: what it had not read is dropped and the close frame queued; it resumes
  // with `from`.
  if (pushed.slow_consumer) ArmCloseDeadline();
  if (pushed.wake) WakeWriter();
  return pushed.accepted;
}

void WsSession::Close(uint16_t code, std::string reason) {
  if (!out_.Close(code, reason)) return;
  ArmCloseDeadline();
  WakeWriter();
}

void WsSession::ArmCloseDeadline() {
  // A write stuck on a peer that does not read would hold the close frame back forever. Our
  // own timers, not the stream's expiry: Beast's expiry applies only to operations started
  // after it is set, and would linger on the read side.
  asio::post(strand_, [self = shared_from_this()] {
    if (self->close_deadline_armed_) return;
    self->close_deadline_armed_ = true;
    self->close_deadline_.expires_after(kCloseTimeout);
    self->close_deadline_.async_wait([self](beast::error_code ec) {
      if (ec) return;
      beast::error_code ignored;
      self->ws_.next_layer().tcp().socket().close(ignored);
    });
  });
}

void WsSession::ArmWriteDeadline() {
  write_deadline_at_ = clock_.SteadyNow() + WriteTimeout();
  WaitForWriteDeadline(++write_generation_);
}

void WsSession::DisarmWriteDeadline() {
  ++write_generation_;
  write_deadline_.cancel();
}

void WsSession::WaitForWriteDeadline(uint64_t generation) {
  const auto left = std::max<std::chrono::steady_clock::duration>(write_deadline_at_ - clock_.SteadyNow(),
                                                                  std::chrono::milliseconds(0));
  write_deadline_.expires_after(std::min<std::chrono::steady_clock::duration>(left, clock_.RealWaitLimit()));
  write_deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    // Cancelled, or a write that finished after the timer had fired.
    if (ec || generation != self->write_generation_) return;
    if (self->clock_.SteadyNow() < self->write_deadline_at_) return self->WaitForWriteDeadline(generation);
    beast::error_code ignored;
    self->ws_.next_layer().tcp().socket().close(ignored);
  });
}

std::chrono::seconds WsSession::WriteTimeout() const {
  // Longer than a heartbeat round, so a live client is never cut off by it.
  return std::chrono::seconds(
      std::max<uint32_t>(30, 2 * options_.heartbeat_interval_secs + options_.client_timeout_secs));
}

void WsSession::Abandon() {
  if (live_) {
    if (auto* manager = service_.live()) manager->Detach(*live_);
    live_.reset();
  }
}

void WsSession::WakeWriter() {
  asio::post(strand_, [self = shared_from_this()] { self->wake_.cancel(); });
}

void WsSession::Finish() {
  if (finished_) return;
  finished_ = true;
  DisarmWriteDeadline();
  close_deadline_.cancel();
  if (live_) {
    if (auto* manager = service_.live()) manager->Detach(*live_);
    live_.reset();
  }
  beast::error_code ignored;
  ws_.next_layer().tcp().socket().close(ignored);
  if (on_finished_) std::exchange(on_finished_, nullptr)();
}

}  // namespace kalam::api
