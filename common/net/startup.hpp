// What every step does before its I/O model starts, in one call.
#pragma once

#include <string>

#include "net/options.hpp"

namespace tenk::net {

struct ServerSetup {
  Options options;
  int root_fd = -1;    // the document root (O_PATH), for app::DirectFileOpener
  int listen_fd = -1;  // listening, non-blocking, close-on-exec
};

// Parses the command line (`used` says which shared flags the step uses, see StepFlags),
// installs the stop signals, raises the open-files limit, opens the document root and the
// listening socket. Exits with status 2 on a usage error and 1 when the root or the socket
// cannot be opened, after saying why on stderr. The startup line is printed separately
// (announce_listening), when the step is ready to serve.
//
// The listener is non-blocking in every step: a connection reset between the readiness
// notification and accept() must make accept() fail with EAGAIN, never block a loop (or
// step 01's accepting thread) where a stop signal cannot reach it. Accepted sockets do not
// inherit O_NONBLOCK on Linux, so this says nothing about connections.
ServerSetup set_up_server(int argc, char** argv, unsigned used);

// Opens the document root directory as an anchor for app::DirectFileOpener's openat2() (O_PATH |
// O_DIRECTORY: never read, so it needs no read permission). Returns -1 and sets errno on failure.
int open_document_root(const std::string& directory);

// The number of cores this process may run on (its CPU affinity, so taskset counts), at
// least 1: what "one per core" means for a server that was given a subset of the machine.
int usable_cores();

}  // namespace tenk::net
