#include "outbound_queue.h"

#include <algorithm>
#include <utility>

namespace kalam::api {
namespace {

OutboundQueue::CloseReason MakeCloseReason(uint16_t code, std::string_view reason) {
  OutboundQueue::CloseReason out;
  out.code = code;
  out.reason.assign(reason.data(), std::min(reason.size(), out.reason.max_size()));
  return out;
}

}  // namespace

OutboundQueue::Pushed OutboundQueue::Push(std::string message, bool bounded) {
  Pushed pushed;
  std::lock_guard lock(mu_);
  if (closing_) return pushed;
  const size_t bound = bounded ? max_bytes_ : max_bytes_ * reply_allowance_;
  pushed.wake = !std::exchange(wake_pending_, true);
  if (bytes_ > 0 && bytes_ + message.size() > bound) {
    messages_.clear();
    bytes_ = 0;
    closing_ = true;
    close_ = MakeCloseReason(kPolicyViolation, "Slow consumer");
    pushed.slow_consumer = true;
    return pushed;
  }
  bytes_ += message.size();
  messages_.push_back(std::move(message));
  pushed.accepted = true;
  return pushed;
}

bool OutboundQueue::Close(uint16_t code, std::string_view reason) {
  std::lock_guard lock(mu_);
  if (close_) return false;
  closing_ = true;
  close_ = MakeCloseReason(code, reason);
  return true;
}

void OutboundQueue::StopAccepting() {
  std::lock_guard lock(mu_);
  closing_ = true;
}

bool OutboundQueue::accepting() const {
  std::lock_guard lock(mu_);
  return !closing_;
}

void OutboundQueue::PingDue() {
  std::lock_guard lock(mu_);
  ping_due_ = true;
}

OutboundQueue::Turn OutboundQueue::Take(std::deque<std::string>& messages) {
  Turn turn;
  std::lock_guard lock(mu_);
  messages.swap(messages_);
  wake_pending_ = false;
  turn.ping = std::exchange(ping_due_, false);
  if (messages.empty() && close_) turn.close = close_;
  turn.stop = messages.empty() && !turn.ping && closing_ && !close_;
  return turn;
}

void OutboundQueue::Written(size_t bytes) {
  std::lock_guard lock(mu_);
  bytes_ -= std::min(bytes_, bytes);
}

}  // namespace kalam::api
