// Handing descriptors from one thread to a fiber scheduler on another (step 11's acceptor
// giving a connection to an I/O thread).
//
// A locked vector and an eventfd: push() appends under the lock and writes the eventfd, which
// wakes the receiving thread's epoll; receive(), called by a fiber on that thread, reads the
// eventfd and takes the whole vector at once. One lock and one eventfd write per connection,
// never per request. After close() nothing more is accepted: push() returns false and the
// pusher keeps (and closes) its descriptor, so none is left in an inbox nobody reads.
#pragma once

#include <mutex>
#include <vector>

namespace tenk::fiber {

class Handoff {
 public:
  Handoff();
  ~Handoff();
  Handoff(const Handoff&) = delete;
  Handoff& operator=(const Handoff&) = delete;

  // Any thread. False when the receiver has closed the hand-off.
  bool push(int fd);

  // From a fiber on the receiving thread: waits until something was pushed, then takes all of
  // it, oldest first.
  std::vector<int> receive();

  // From the receiving thread: refuses further pushes and closes what was pushed but not taken.
  void close();

 private:
  int event_fd_;
  std::mutex mutex_;
  std::vector<int> fds_;
  bool closed_ = false;
};

}  // namespace tenk::fiber
