// The stop-and-drain policy (net::Drain) for servers with a fiber per connection (steps 09-11):
// idle connections are cancelled now, the others finish their response, and whatever is still
// busy after net::kDrainLimit is cancelled too. Each cancelled fiber unwinds and closes its own
// socket. `Connection` has a `session` (app::HttpSession) and a `fiber` (fiber::FiberPtr).
#pragma once

#include "fiber/io.hpp"
#include "net/event_loop.hpp"

namespace tenk::fiber {

template <typename Connection>
void drain_connections(net::ConnectionTable<Connection>& connections) {
  net::Drain drain;
  drain.begin();
  connections.for_each([](Connection& connection) {
    connection.session.stop();
    if (connection.session.idle()) connection.fiber->cancel();
  });
  while (!drain.finished(connections.size())) {
    sleep_for(std::chrono::milliseconds(net::kTickMilliseconds));
  }
  connections.for_each([](Connection& connection) { connection.fiber->cancel(); });
}

}  // namespace tenk::fiber
