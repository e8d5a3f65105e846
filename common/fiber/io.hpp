// Fiber-blocking system calls: they look like the blocking calls of step 01, but a call that
// would block parks only the calling fiber (scheduler.hpp), never the thread.
//
// Descriptors must be non-blocking (accept() below returns them so). Each call behaves like
// its namesake, except that it never fails with EAGAIN, and that it throws fiber::Cancelled
// when the calling fiber is cancelled while it waits. Call them from a fiber only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>

namespace tenk::fiber {

// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC), waiting for a connection. -1 with errno on failure
// (EMFILE and ENFILE included: the caller decides how to pause).
int accept(int listen_fd);

// recv(); 0 at the end of the stream.
ssize_t recv(int fd, void* buffer, std::size_t length);

// send() with `flags` (MSG_MORE...); waits until at least one byte can be sent.
ssize_t send(int fd, const void* data, std::size_t length, int flags);

// sendfile(); waits until at least one byte can be sent. 0 at the end of the file.
ssize_t sendfile(int out_fd, int in_fd, off_t* offset, std::size_t count);

void sleep_for(std::chrono::steady_clock::duration length);

// Forgets the descriptor's registration in the scheduler, then closes it.
void close(int fd);

}  // namespace tenk::fiber
