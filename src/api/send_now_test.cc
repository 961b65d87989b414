#include "send_now.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace kalam::api {
namespace {

namespace http = boost::beast::http;

class SendNowTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  // Everything the other end can read without waiting.
  std::string Drain() {
    std::string out;
    char chunk[65536];
    while (true) {
      const ssize_t n = ::recv(fds_[1], chunk, sizeof(chunk), MSG_DONTWAIT);
      if (n <= 0) break;
      out.append(chunk, static_cast<size_t>(n));
    }
    return out;
  }
  int fds_[2] = {-1, -1};
};

http::response<http::string_body> Answer(std::string body) {
  http::response<http::string_body> out{http::status::ok, 11};
  out.set(http::field::content_type, "application/json");
  out.body() = std::move(body);
  out.prepare_payload();
  return out;
}

TEST_F(SendNowTest, SmallAnswerGoesOutWhole) {
  auto answer = Answer("{\"status\":\"success\"}");
  http::serializer<false, http::string_body> serializer(answer);
  boost::beast::error_code ec;
  SendWithoutWaiting(fds_[0], serializer, ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(serializer.is_done());
  const std::string sent = Drain();
  EXPECT_EQ(sent.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(sent.substr(sent.size() - 20), "{\"status\":\"success\"}");
}

TEST_F(SendNowTest, FullSocketLeavesTheRestWithoutWaitingAndItFollowsLater) {
  const int small = 4096;
  ASSERT_EQ(::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
  const std::string body(4 << 20, 'x');
  auto answer = Answer(body);
  http::serializer<false, http::string_body> serializer(answer);
  boost::beast::error_code ec;
  SendWithoutWaiting(fds_[0], serializer, ec);  // returns although the peer reads nothing
  EXPECT_FALSE(ec);
  ASSERT_FALSE(serializer.is_done());
  std::string received = Drain();
  while (!serializer.is_done() && !ec) {
    SendWithoutWaiting(fds_[0], serializer, ec);
    received += Drain();
  }
  EXPECT_FALSE(ec);
  EXPECT_EQ(received.size() - received.find("\r\n\r\n") - 4, body.size());
  EXPECT_EQ(received.substr(received.size() - body.size()), body);
}

TEST_F(SendNowTest, ClosedPeerIsAnError) {
  ::close(fds_[1]);
  fds_[1] = ::dup(fds_[0]);  // keep TearDown's closes balanced
  ::shutdown(fds_[0], SHUT_RDWR);
  auto answer = Answer("{}");
  http::serializer<false, http::string_body> serializer(answer);
  boost::beast::error_code ec;
  SendWithoutWaiting(fds_[0], serializer, ec);
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace kalam::api
