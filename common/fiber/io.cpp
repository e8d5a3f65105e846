#include "fiber/io.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fiber/scheduler.hpp"

namespace tenk::fiber {

namespace {

// The shape every call shares. Optimistic: try first, wait only after EAGAIN. Pessimistic:
// wait for readiness before the first try as well.
template <typename Call>
auto retry(int fd, bool write, Call call) -> decltype(call()) {
  Scheduler& scheduler = *Scheduler::current();
  auto wait = [&] { return write ? scheduler.wait_writable(fd) : scheduler.wait_readable(fd); };
  if (scheduler.pessimistic_io() && !wait()) return -1;
  for (;;) {
    const auto result = call();
    if (result >= 0 || (errno != EAGAIN && errno != EINTR)) return result;
    if (errno == EAGAIN && !wait()) return -1;  // epoll refused the descriptor
  }
}

}  // namespace

int accept(int listen_fd) {
  return retry(listen_fd, false,
               [&] { return accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC); });
}

ssize_t send(int fd, const void* data, std::size_t length, int flags) {
  return retry(fd, true, [&] { return ::send(fd, data, length, flags); });
}

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, std::size_t count) {
  return retry(out_fd, true, [&] { return ::sendfile(out_fd, in_fd, offset, count); });
}

void wait_readable(int fd) {
  if (!Scheduler::current()->wait_readable(fd)) {
    std::fprintf(stderr, "tenk: epoll_ctl: %s\n", std::strerror(errno));
    std::exit(1);
  }
}

void sleep_for(std::chrono::steady_clock::duration length) {
  Scheduler::current()->sleep_until(Clock::now() + length);
}

void close(int fd) {
  if (Scheduler* scheduler = Scheduler::current()) scheduler->forget(fd);
  ::close(fd);
}

}  // namespace tenk::fiber
