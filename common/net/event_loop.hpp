// The parts of a server loop that are the same in every step: a table of connections, the
// pause after running out of descriptors, the stop-and-drain policy, and their constants.
//
// A step keeps its loop (select, epoll, fibers...) in its own main.cpp, where a reader sees
// it; these are the pieces every loop needs and that would otherwise be rewritten, slightly
// differently, in each copy.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace tenk::net {

using Clock = std::chrono::steady_clock;

// How many ready events one epoll_wait() call may return. More are simply returned by the next
// call, so this only bounds the batch, not the number of connections.
inline constexpr int kMaxEventsPerWait = 256;

// While something waits for time (an accept pause, a drain), a loop wakes at least this often
// to check; otherwise it sleeps until a descriptor is ready.
inline constexpr int kTickMilliseconds = 100;

// On a stop, responses in flight get this long to finish; then the server exits anyway.
inline constexpr std::chrono::seconds kDrainLimit{5};

// After accept() fails with EMFILE/ENFILE, or another error that may last
// (accept_error_may_last), the listener is left alone this long.
inline constexpr std::chrono::milliseconds kAcceptPauseLength{100};

// True for the errno values that mean "out of descriptors" (per process or system-wide).
inline bool out_of_descriptors(int error) {
  return error == EMFILE || error == ENFILE;
}

// After a failed accept(): true unless the error concerns only this call or the one connection
// it was about to return, so that accepting again at once is right (EAGAIN: nothing left to
// accept; EINTR; ECONNABORTED and the network errors Linux passes on from the pending connection,
// which accept(2) says to treat like EAGAIN). Anything else may last: out of descriptors, out of
// memory or socket buffers (ENOMEM, ENOBUFS), a security module that refuses (EPERM). The
// connection then stays in the backlog and the listener stays readable, so trying again at once
// would spin; a loop pauses accepting for kAcceptPauseLength instead, as after EMFILE.
inline bool accept_error_may_last(int error) {
  switch (error) {
    case EAGAIN:
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return false;
    default:
      return true;
  }
}

// The live connections of one event loop, indexed by descriptor: select() and epoll speak in
// descriptors, so this is the natural map, and a lookup is one index. It grows with the
// highest descriptor in use. `Connection` is the step's own type; it must have an `fd` member
// and a `session` (app::HttpSession).
template <typename Connection>
class ConnectionTable {
 public:
  // Takes ownership of the connection on descriptor connection->fd.
  Connection& add(std::unique_ptr<Connection> connection) {
    const auto fd = static_cast<std::size_t>(connection->fd);
    if (fd >= slots_.size()) slots_.resize(fd + 1);
    slots_[fd] = std::move(connection);
    ++live_;
    return *slots_[fd];
  }

  // The connection on `fd`, or nullptr.
  Connection* find(int fd) const {
    const auto index = static_cast<std::size_t>(fd);
    return fd >= 0 && index < slots_.size() ? slots_[index].get() : nullptr;
  }

  // Forgets the connection on `fd` and closes the descriptor.
  void close(int fd) {
    slots_[static_cast<std::size_t>(fd)].reset();
    ::close(fd);
    --live_;
  }

  // The server is stopping: every session's response in progress becomes its last, and idle
  // connections close now (see app::HttpSession::stop()).
  void stop_all() {
    for (std::size_t fd = 0; fd < slots_.size(); ++fd) {
      if (!slots_[fd]) continue;
      slots_[fd]->session.stop();
      if (slots_[fd]->session.idle()) close(static_cast<int>(fd));
    }
  }

  // Calls f(connection) for every live connection. `f` must not close any of them.
  template <typename F>
  void for_each(F f) {
    for (std::unique_ptr<Connection>& slot : slots_) {
      if (slot) f(*slot);
    }
  }

  std::size_t size() const { return live_; }

 private:
  std::vector<std::unique_ptr<Connection>> slots_;
  std::size_t live_ = 0;
};

// accept() failed with EMFILE/ENFILE. The connection stays in the backlog and the listener
// stays readable, so accepting again at once would spin the CPU. The loop stops watching the
// listener for a while and keeps serving the connections it has; when the pause is over it
// watches the listener again and accepts what closed connections made room for.
class AcceptPause {
 public:
  explicit AcceptPause(Clock::duration length = kAcceptPauseLength) : length_(length) {}

  void begin() {
    paused_ = true;
    until_ = Clock::now() + length_;
  }
  // True from begin() until the pause has run out.
  bool paused() const { return paused_ && Clock::now() < until_; }
  // True once, when a pause has run out: a loop that took the listener out of its interest
  // list (epoll) puts it back.
  bool ends_now() {
    if (!paused_ || Clock::now() < until_) return false;
    paused_ = false;
    return true;
  }

 private:
  Clock::duration length_;
  bool paused_ = false;
  Clock::time_point until_{};
};

// Sleeps for `length`, or less if a stop signal arrives: for a thread that can simply wait
// (step 01's accepting thread after EMFILE, a prefork master between checks on its workers).
void sleep_unless_stopped(std::chrono::milliseconds length);

// The stop policy of every step: on SIGTERM/SIGINT stop accepting, close idle connections, let
// responses in flight finish, and give up after kDrainLimit.
class Drain {
 public:
  explicit Drain(Clock::duration limit = kDrainLimit) : limit_(limit) {}

  // The stop signal arrived. The caller has closed its listener; the table's idle connections
  // close now.
  template <typename Connection>
  void begin(ConnectionTable<Connection>& connections) {
    begin();
    connections.stop_all();
  }
  // For a server whose connections close themselves (a fiber per connection): the caller
  // stops them.
  void begin() {
    draining_ = true;
    deadline_ = Clock::now() + limit_;
  }

  bool draining() const { return draining_; }

  // True when the loop should end: draining and no connection is left, or the limit passed
  // (which it reports on stderr).
  bool finished(std::size_t live_connections) const;

 private:
  Clock::duration limit_;
  bool draining_ = false;
  Clock::time_point deadline_{};
};

// The line a server prints when it exits with connections still busy after the drain limit.
void report_drain_timeout();

}  // namespace tenk::net
