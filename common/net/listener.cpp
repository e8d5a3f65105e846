#include "net/listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tenk::net {

int open_listener(const Options& options) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.bind.c_str(), &address.sin_addr) != 1) {
    std::fprintf(stderr, "tenk: --bind %s is not an IPv4 address\n", options.bind.c_str());
    std::exit(1);
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("tenk: socket");
    std::exit(1);
  }
  // Lets a restarted server bind while old connections sit in TIME_WAIT.
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::fprintf(stderr, "tenk: bind %s:%u: %s\n", options.bind.c_str(), options.port,
                 std::strerror(errno));
    std::exit(1);
  }
  if (listen(fd, SOMAXCONN) != 0) {
    std::perror("tenk: listen");
    std::exit(1);
  }
  return fd;
}

std::uint16_t bound_port(int listen_fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

void announce_listening(const Options& options, int listen_fd) {
  std::printf("listening on http://%s:%u/\n", options.bind.c_str(), bound_port(listen_fd));
  std::fflush(stdout);
}

long raise_open_files_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace tenk::net
