// The floor's io_uring loop, run instead of the epoll one when TENK_IO_URING=1 (see uring.cpp).
#pragma once

#include <cstddef>
#include <string>

#include "net/options.hpp"

namespace tenk::floor {

// Serves on listen_fd until SIGTERM or SIGINT: every request end is answered with one response of
// response_len bytes, sent from `responses` (whole copies of it, back to back). Prints the
// "listening on" line once its ring is set up. Returns main's exit status: 0 after a stop; 2 when
// io_uring is not available here, after one line on stderr that says why; 1 on a failure later.
// sqpoll: IORING_SETUP_SQPOLL in place of DEFER_TASKRUN (TENK_SQPOLL=1).
int RunIoUring(const tenk::net::Options& options, int listen_fd, const std::string& responses,
               std::size_t response_len, bool sqpoll);

}  // namespace tenk::floor
