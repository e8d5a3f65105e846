#include "net/event_loop.hpp"

#include <poll.h>

#include <cstdio>

#include "net/signals.hpp"

namespace tenk::net {

void sleep_unless_stopped(std::chrono::milliseconds length) {
  pollfd stop = {stop_fd(), POLLIN, 0};
  poll(&stop, 1, static_cast<int>(length.count()));  // EINTR: a signal, which is a stop
}

bool Drain::finished(std::size_t live_connections) const {
  if (!draining_) return false;
  if (live_connections == 0) return true;
  if (Clock::now() < deadline_) return false;
  report_drain_timeout();
  return true;
}

void report_drain_timeout() {
  std::fprintf(stderr, "tenk: connections still busy after %lld s, exiting\n",
               static_cast<long long>(kDrainLimit.count()));
}

}  // namespace tenk::net
