#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>

#include <cerrno>
#include <cstddef>

namespace kalam::api {

// Sends as much of an HTTP message as the socket `fd` takes at once, from the serializer
// `sr`, and never waits: a full send buffer leaves the rest to an async_write. Lets a worker
// answer a plain connection itself instead of waking an I/O thread to do it. `ec` is set on
// a failed send (the peer went away); EAGAIN is not a failure.
template <typename Serializer>
void SendWithoutWaiting(int fd, Serializer& sr, boost::beast::error_code& ec) {
  constexpr size_t kMaxPieces = 16;
  while (!sr.is_done()) {
    bool full = false;
    size_t sent = 0;
    sr.next(ec, [&](boost::beast::error_code& next_ec, const auto& buffers) {
      iovec pieces[kMaxPieces];
      size_t count = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        if (count == kMaxPieces) break;
        if (buffer.size() == 0) continue;
        pieces[count].iov_base = const_cast<void*>(buffer.data());
        pieces[count].iov_len = buffer.size();
        ++count;
      }
      msghdr message{};
      message.msg_iov = pieces;
      message.msg_iovlen = count;
      const ssize_t n = ::sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) {
        sent = static_cast<size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        full = true;
      } else {
        next_ec = boost::beast::error_code(errno, boost::system::system_category());
      }
    });
    if (ec || full) return;
    sr.consume(sent);
    if (sent == 0) return;
  }
}

}  // namespace kalam::api
