// Stopping on SIGTERM/SIGINT, and ignoring SIGPIPE.
//
// A signal handler may do almost nothing safely, so ours writes one byte to a pipe. An event loop
// adds stop_fd() to the descriptors it waits on and sees the stop as an ordinary readable event;
// no flag can be missed between a check and a blocking wait (the self-pipe trick).
#pragma once

namespace tenk::net {

// Ignores SIGPIPE (a peer that resets must never kill the server: send() returns EPIPE instead),
// and installs SIGTERM and SIGINT handlers that make stop_fd() readable. Handlers are installed
// without SA_RESTART, so a blocking call is also interrupted with EINTR. A forked child calls it
// again to get a stop pipe of its own (a stop that already arrived stays requested).
void install_stop_signals();

// Readable once a stop signal arrived (and stays readable: the byte is never drained).
int stop_fd();

// True once a stop signal arrived.
bool stop_requested();

}  // namespace tenk::net
