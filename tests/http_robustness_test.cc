// What the real server does with requests it cannot parse and with running out of file
// descriptors (docs/http-api.md "Malformed requests"): every malformed request gets an answer
// before the connection closes, and a server out of descriptors pauses accepting instead of
// spinning, then serves again once descriptors are free.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Sends `raw` on a new connection and returns everything the server sends until it closes.
std::string Exchange(uint16_t port, const std::string& raw) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(raw), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::string answer;
  char chunk[4096];
  while (true) {
    const size_t n = socket.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    answer.append(chunk, n);
  }
  return answer;
}

class HttpRobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start(dir_.path())) << server_.output(); }
  TempDir dir_;
  ServerProcess server_;
};

TEST_F(HttpRobustnessTest, GarbageRequestLineIsAnswered400) {
  const std::string answer = Exchange(server_.port(), "\x01\x02 garbage garbage\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(answer, HasSubstr(R"j({"error":"BAD_REQUEST","message":"Malformed HTTP/1.1 request"})j"));
}

TEST_F(HttpRobustnessTest, Http09RequestIsAnswered400) {
  EXPECT_THAT(Exchange(server_.port(), "GET /health\r\n\r\n"), StartsWith("HTTP/1.1 400"));
}

TEST_F(HttpRobustnessTest, OversizedHeadersAreAnswered431) {
  const std::string raw = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
  const std::string answer = Exchange(server_.port(), raw);
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 431"));
  EXPECT_THAT(answer, HasSubstr(R"j("error":"HEADERS_TOO_LARGE")j"));
  // The server is fine afterwards.
  HttpClient client(server_.port());
  EXPECT_EQ(client.Request("GET", "/health").status, 200);
}

TEST(HttpDescriptorsTest, RunningOutOfDescriptorsPausesAcceptingAndRecovers) {
  // The server inherits a small descriptor limit; the test holds connections until accept
  // fails with EMFILE, then lets them go.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  TempDir dir;
  ServerProcess server;
  const bool started = server.Start(dir.path());
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(started) << server.output();

  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> held;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());
  // Each connection costs the server one descriptor; 400 are more than it has.
  for (int i = 0; i < 400; ++i) {
    auto socket = std::make_unique<tcp::socket>(io);
    boost::system::error_code ec;
    socket->connect(endpoint, ec);
    if (ec) break;
    held.push_back(std::move(socket));
  }
  ASSERT_GT(held.size(), 256u);
  // The server says once that it pauses (a spinning accept loop would say nothing, or log
  // without end).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server.AllOutput().find("pausing accepts") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the log, not waiting it out
  }
  ASSERT_THAT(server.AllOutput(), HasSubstr("pausing accepts"));
  held.clear();
  // Descriptors are back: new connections are served.
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/health").status, 200);
}

}  // namespace
}  // namespace kalam::testing
