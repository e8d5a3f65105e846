// The listening socket and the startup line.
#pragma once

#include <cstdint>
#include <string>

#include "net/options.hpp"

namespace tenk::net {

// socket + SO_REUSEADDR + bind + listen (backlog SOMAXCONN). The socket is blocking and
// close-on-exec; steps that want it non-blocking say so themselves. On failure prints the
// reason to stderr and exits 1.
int open_listener(const Options& options);

// The port the kernel gave `listen_fd` (useful when --port 0 asked for any).
std::uint16_t bound_port(int listen_fd);

// Prints exactly "listening on http://ADDR:PORT/" and flushes stdout: tests and the benchmark
// read the port from this line, so it is printed only when the server is ready to serve.
void announce_listening(const Options& options, int listen_fd);

// Raises the soft RLIMIT_NOFILE to the hard limit (each connection is a descriptor) and returns
// the new soft limit.
long raise_open_files_limit();

}  // namespace tenk::net
