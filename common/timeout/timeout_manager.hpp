// Warp's timeout manager: one reaper for every connection's idle timeout, and a tickle that is
// one store.
//
// A timer per connection (a heap entry, a timerfd, a sleeping fiber) would cost work on every
// request to re-arm it. Instead each connection registers a Handle once; the connection
// "tickles" it when it makes progress (a plain atomic store, no lock, no system call), and one
// reaper sweeps all handles every period T:
//   - Active   → Inactive (it made progress since the last sweep);
//   - Inactive → timed out: its on_timeout() runs (the step cancels the connection's fiber);
//   - Canceled → the connection has ended: the handle is dropped.
// So a connection dies between T and 2T after its last progress.
//
// Ended connections: a Canceled handle stays in the list until something walks it, and at a high
// connection rate a sweep every T would let rate × T of them pile up (1.4 million at 47,000
// connections per second and T = 30 s). So add() also drops the Canceled handles whenever the
// list has doubled since it was last walked: the list stays within about twice the live
// connections (at least kCompactAt), for a constant amortized cost per registration.
//
// Swap and merge: registrations go to a lock-free list (a compare-and-swap push). A sweep
// swaps the whole list for an empty one (one atomic exchange), works on its private copy while
// new connections keep registering, then pushes the survivors back in front of the new
// registrations with one more compare-and-swap. Nobody ever takes a lock, so the same manager
// could be shared by threads; tenk runs one per scheduler thread (each worker in step 10, each
// I/O manager thread in step 11), and then the atomics are simply uncontended. (Shared, a
// handle that is out of the list while another thread drops Canceled ones would miss that
// sweep, and time out one period later.)
//
// Warp also has a Paused state, for handlers that run long without I/O. tenk's replies are
// computed in microseconds, and pausing while a response is sent would let a client that stops
// reading (a zero TCP window) hold its connection forever; so there is no Paused: sending
// progress tickles instead (see step 10).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace tenk::timeout {

class Handle {
 public:
  explicit Handle(std::function<void()> on_timeout) : on_timeout_(std::move(on_timeout)) {}

  // The connection made progress. One relaxed store: the cost of the whole scheme per request.
  void tickle() { state_.store(State::Active, std::memory_order_relaxed); }

  // The connection has ended: never time it out; the manager drops the handle.
  void cancel() { state_.store(State::Canceled, std::memory_order_relaxed); }

 private:
  friend class TimeoutManager;
  enum class State : std::uint8_t { Active, Inactive, Canceled };

  std::atomic<State> state_{State::Active};
  std::function<void()> on_timeout_;
};

class TimeoutManager {
 public:
  TimeoutManager() = default;
  ~TimeoutManager();
  TimeoutManager(const TimeoutManager&) = delete;
  TimeoutManager& operator=(const TimeoutManager&) = delete;

  // Registers a connection. `on_timeout` runs in the thread that calls sweep().
  std::shared_ptr<Handle> add(std::function<void()> on_timeout);

  // One pass of the reaper (call it every period).
  void sweep();

  // Handles registered and not yet dropped (for tests and statistics).
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

  // add() drops the Canceled handles once the list holds twice what its last walk left, and
  // at least this many.
  static constexpr std::size_t kCompactAt = 1024;

 private:
  struct Node {
    std::shared_ptr<Handle> handle;
    Node* next = nullptr;
  };
  void push_front(Node* first, Node* last);
  template <typename Keep>
  void keep_only(Keep keep);

  std::atomic<Node*> head_{nullptr};
  std::atomic<std::size_t> size_{0};
  std::atomic<std::size_t> compact_at_{kCompactAt};
};

}  // namespace tenk::timeout
