#include "outbound_queue.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace kalam::api {
namespace {

std::deque<std::string> TakeAll(OutboundQueue& queue, OutboundQueue::Turn* turn = nullptr) {
  std::deque<std::string> messages;
  const OutboundQueue::Turn taken = queue.Take(messages);
  if (turn) *turn = taken;
  return messages;
}

TEST(OutboundQueueTest, MessagesLeaveInOrderAndWakeOncePerTurn) {
  OutboundQueue queue(100, 4);
  const auto first = queue.Push("a", true);
  EXPECT_TRUE(first.accepted);
  EXPECT_TRUE(first.wake);
  const auto second = queue.Push("b", false);
  EXPECT_TRUE(second.accepted);
  EXPECT_FALSE(second.wake);  // the writer is already woken
  OutboundQueue::Turn turn;
  EXPECT_EQ(TakeAll(queue, &turn), (std::deque<std::string>{"a", "b"}));
  EXPECT_FALSE(turn.ping);
  EXPECT_FALSE(turn.close);
  EXPECT_FALSE(turn.stop);
  EXPECT_TRUE(queue.Push("c", true).wake);  // a new turn
}

TEST(OutboundQueueTest, OneMessageAloneNeverTripsTheBound) {
  OutboundQueue queue(10, 4);
  EXPECT_TRUE(queue.Push(std::string(50, 'x'), true).accepted);
}

TEST(OutboundQueueTest, ASlowConsumerIsDroppedAndClosed) {
  OutboundQueue queue(10, 4);
  EXPECT_TRUE(queue.Push(std::string(6, 'x'), true).accepted);
  const auto over = queue.Push(std::string(6, 'y'), true);
  EXPECT_FALSE(over.accepted);
  EXPECT_TRUE(over.slow_consumer);
  EXPECT_FALSE(queue.accepting());
  EXPECT_FALSE(queue.Push("z", false).accepted);
  OutboundQueue::Turn turn;
  EXPECT_TRUE(TakeAll(queue, &turn).empty());  // what it had not read is dropped
  ASSERT_TRUE(turn.close);
  EXPECT_EQ(turn.close->code, OutboundQueue::kPolicyViolation);
  EXPECT_EQ(std::string(turn.close->reason.data(), turn.close->reason.size()), "Slow consumer");
  EXPECT_FALSE(queue.Close(1000, "later")) << "the first close wins";
}

TEST(OutboundQueueTest, RepliesMayGoPastTheBoundUpToTheAllowance) {
  OutboundQueue queue(10, 4);
  EXPECT_TRUE(queue.Push(std::string(8, 'c'), true).accepted);
  EXPECT_TRUE(queue.Push(std::string(20, 'r'), false).accepted);  // 28 <= 40
  EXPECT_FALSE(queue.Push(std::string(1, 'c'), true).accepted);   // a change is held to 10
}

TEST(OutboundQueueTest, WrittenBytesLeaveTheBound) {
  OutboundQueue queue(10, 4);
  EXPECT_TRUE(queue.Push(std::string(8, 'x'), true).accepted);
  auto taken = TakeAll(queue);
  ASSERT_EQ(taken.size(), 1u);
  // Taken but not yet written: still counted.
  EXPECT_FALSE(queue.Push(std::string(8, 'y'), true).accepted);

  OutboundQueue other(10, 4);
  EXPECT_TRUE(other.Push(std::string(8, 'x'), true).accepted);
  taken = TakeAll(other);
  other.Written(taken.front().size());
  EXPECT_TRUE(other.Push(std::string(8, 'y'), true).accepted);
}

TEST(OutboundQueueTest, CloseComesAfterTheQueuedMessages) {
  OutboundQueue queue(100, 4);
  EXPECT_TRUE(queue.Push("last words", true).accepted);
  EXPECT_TRUE(queue.Close(1000, "Bye"));
  EXPECT_FALSE(queue.Push("too late", true).accepted);
  OutboundQueue::Turn turn;
  EXPECT_EQ(TakeAll(queue, &turn), (std::deque<std::string>{"last words"}));
  EXPECT_FALSE(turn.close) << "not while messages are in this turn";
  TakeAll(queue, &turn);
  ASSERT_TRUE(turn.close);
  EXPECT_EQ(turn.close->code, 1000);
  EXPECT_FALSE(turn.stop);
}

TEST(OutboundQueueTest, PingsAndTheEndWithoutACloseFrame) {
  OutboundQueue queue(100, 4);
  queue.PingDue();
  OutboundQueue::Turn turn;
  TakeAll(queue, &turn);
  EXPECT_TRUE(turn.ping);
  TakeAll(queue, &turn);
  EXPECT_FALSE(turn.ping);
  EXPECT_FALSE(turn.stop);
  queue.StopAccepting();
  EXPECT_FALSE(queue.Push("x", true).accepted);
  TakeAll(queue, &turn);
  EXPECT_TRUE(turn.stop);
  EXPECT_FALSE(turn.close);
}

}  // namespace
}  // namespace kalam::api
