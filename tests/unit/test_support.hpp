// Small helpers several unit-test files share.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

#include "http/date.hpp"

namespace tenk::testing {

// A date that never changes, so transcripts are exact.
class FixedDate final : public http::DateSource {
 public:
  std::string_view now() override { return "Thu, 26 Nov 2026 10:00:00 GMT"; }
};

// True while `fd` is an open descriptor of this process.
inline bool is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}

// A connected pair of non-blocking stream sockets (the fiber and ring tests).
struct SocketPair {
  SocketPair() {
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2];
};

// A listening TCP socket on a free loopback port, non-blocking.
struct Listener {
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(fd, 8), 0);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  }
  ~Listener() { ::close(fd); }
  // Connects a blocking client socket and closes it at once.
  void connect_once() const {
    int client = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    ::close(client);
  }
  int fd;
  sockaddr_in address{};
};

}  // namespace tenk::testing
