// How answers leave the real server on a plain connection (docs/threading.md): the worker that
// ran the statement sends what the socket takes at once and leaves the rest to an I/O thread.
// An answer larger than the client's receive window still arrives whole, pipelined requests
// are answered in order, and the keep-alive connection serves the next request after both.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr char kRootBasic[] = "Basic cm9vdDprYWxhbWRiMTIz";  // root:kalamdb123

std::string SqlRequest(const std::string& sql) {
  const std::string body = "{\"sql\":\"" + sql + "\"}";
  return "POST /v1/api/sql HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + std::string(kRootBasic) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Answer {
  int status = 0;
  std::string body;
};

// Reads one HTTP/1.1 answer with a Content-Length from `socket`; `pending` keeps bytes read
// past it (the next pipelined answer).
Answer ReadAnswer(tcp::socket& socket, asio::streambuf& pending) {
  boost::system::error_code ec;
  const size_t head_end = asio::read_until(socket, pending, "\r\n\r\n", ec);
  if (ec) return {};
  std::string head(asio::buffers_begin(pending.data()), asio::buffers_begin(pending.data()) + head_end);
  pending.consume(head_end);
  Answer answer;
  answer.status = std::stoi(head.substr(9, 3));
  const size_t at = head.find("Content-Length: ");
  if (at == std::string::npos) return {};
  const size_t length = std::stoul(head.substr(at + 16));
  if (pending.size() < length) asio::read(socket, pending, asio::transfer_exactly(length - pending.size()), ec);
  if (ec) return {};
  answer.body.assign(asio::buffers_begin(pending.data()), asio::buffers_begin(pending.data()) + length);
  pending.consume(length);
  return answer;
}

class HttpAnswerPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start(dir_.path())) << server_.output();
    HttpClient client(server_.port());
    ASSERT_EQ(
        client.Sql(R"j({"sql":"CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, body TEXT)"})j")
            .status,
        200);
    // 600 rows of 10 KB: a 6 MB answer, far beyond a 4 KB receive window.
    ASSERT_EQ(
        client
            .Sql(R"j({"sql":"INSERT INTO app.t SELECT i, repeat('x', 10000) FROM (SELECT unnest(range(600)) AS i)"})j")
            .status,
        200)
        << server_.output();
  }

  tcp::socket Connect(int receive_buffer = 0) {
    tcp::socket socket(io_);
    socket.open(tcp::v4());
    if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_.port()));
    return socket;
  }

  TempDir dir_;
  ServerProcess server_;
  asio::io_context io_;
};

TEST_F(HttpAnswerPathTest, AnswerLargerThanTheReceiveWindowArrivesWholeAndTheConnectionGoesOn) {
  tcp::socket socket = Connect(4096);
  asio::streambuf pending;
  asio::write(socket, asio::buffer(SqlRequest("SELECT id, body FROM app.t ORDER BY id")));
  const Answer big = ReadAnswer(socket, pending);
  ASSERT_EQ(big.status, 200) << big.body.substr(0, 500);
  EXPECT_GT(big.body.size(), 6'000'000u);
  EXPECT_NE(big.body.find("\"row_count\":600"), std::string::npos);
  // Every row is there, in order: the last one ends the rows array.
  EXPECT_NE(big.body.find("[\"599\",\"" + std::string(10000, 'x') + "\"]]"), std::string::npos);

  asio::write(socket, asio::buffer(SqlRequest("SELECT count(*) AS n FROM app.t")));
  const Answer small = ReadAnswer(socket, pending);
  ASSERT_EQ(small.status, 200) << small.body;
  EXPECT_NE(small.body.find("[[\"600\"]]"), std::string::npos) << small.body;
}

TEST_F(HttpAnswerPathTest, PipelinedRequestsAreAnsweredInOrder) {
  tcp::socket socket = Connect();
  asio::streambuf pending;
  std::string three;
  for (int id : {3, 1, 2}) three += SqlRequest("SELECT id FROM app.t WHERE id = " + std::to_string(id));
  asio::write(socket, asio::buffer(three));
  for (const char* id : {"3", "1", "2"}) {
    const Answer answer = ReadAnswer(socket, pending);
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_NE(answer.body.find("\"rows\":[[\"" + std::string(id) + "\"]]"), std::string::npos) << answer.body;
  }
  asio::write(socket, asio::buffer(SqlRequest("SELECT id FROM app.t WHERE id = 7")));
  const Answer after = ReadAnswer(socket, pending);
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("\"rows\":[[\"7\"]]"), std::string::npos) << after.body;
}

}  // namespace
}  // namespace kalam::testing
