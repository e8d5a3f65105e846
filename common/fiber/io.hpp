// Fiber-blocking system calls: they look like the blocking calls of step 01, but a call that
// would block parks only the calling fiber (scheduler.hpp), never the thread.
//
// Descriptors must be non-blocking (accept() below returns them so). Each call behaves like
// its namesake, except that it never fails with EAGAIN, that it throws fiber::Cancelled when
// the calling fiber is cancelled while it waits, and that it fails (-1, errno ENOMEM, ENOSPC...)
// when epoll refuses to watch the descriptor, rather than wait for news that could never come.
// Call them from a fiber only.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <span>

#include "fiber/scheduler.hpp"

namespace tenk::fiber {

// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC), waiting for a connection. -1 with errno on failure
// (EMFILE and ENFILE included: the caller decides how to pause).
int accept(int listen_fd);

// recv() for a caller that gives its buffer back while it waits (an idle HTTP session, see
// app::HttpSession::receive_would_block): `space()` gives the buffer to receive into, and is
// asked again after every wait; `before_wait()` runs each time the fiber is about to park.
// Optimistic, with one saving: after a read that drained the socket (it returned less than
// it asked for, or EAGAIN) the fiber parks at once instead of trying a read that could only
// say EAGAIN (Scheduler::may_have_input).
template <typename Space, typename BeforeWait>
ssize_t recv_into(int fd, Space space, BeforeWait before_wait) {
  Scheduler& scheduler = *Scheduler::current();
  if (scheduler.pessimistic_io()) {
    before_wait();
    if (!scheduler.wait_readable(fd)) return -1;
  }
  for (;;) {
    if (!scheduler.may_have_input(fd)) {
      before_wait();
      // before_wait() may have waited itself (step 13 writes its gathered answers there, and a
      // full socket parks that write): input that arrived meanwhile was recorded with no reader
      // to wake, and edge-triggered epoll will not report it again.
      if (!scheduler.may_have_input(fd) && !scheduler.wait_readable(fd)) {
        return -1;  // epoll refused the descriptor
      }
    }
    std::span<char> buffer = space();
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got > 0 && static_cast<std::size_t>(got) < buffer.size()) scheduler.drained(fd);
    if (got >= 0 || (errno != EAGAIN && errno != EINTR)) return got;
    if (errno == EAGAIN) scheduler.drained(fd);
  }
}

// Waits until `fd` is readable, without reading: for a descriptor that is only a signal (a
// stop pipe, an eventfd) or a listener, which the thread cannot do without. Safe as the first
// wait on a descriptor, since registering it reports readiness that is already there;
// afterwards, only after a read said EAGAIN. If epoll refuses the descriptor (out of memory),
// the process says so and exits 1: the thread could no longer stop, or be given connections.
void wait_readable(int fd);

// send() with `flags` (MSG_MORE...); waits until at least one byte can be sent.
ssize_t send(int fd, const void* data, std::size_t length, int flags);

// sendfile(); waits until at least one byte can be sent. 0 at the end of the file.
ssize_t sendfile(int out_fd, int in_fd, off_t* offset, std::size_t count);

void sleep_for(std::chrono::steady_clock::duration length);

// Forgets the descriptor's registration in the scheduler, then closes it.
void close(int fd);

}  // namespace tenk::fiber
