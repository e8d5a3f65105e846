// Fibers on Boost.Context, a run queue, and an I/O manager on epoll: one scheduler per thread.
//
// A fiber is a function with its own small stack (stack_pool.hpp) that can stop in the middle
// and be resumed later, in user space: a switch is a few dozen instructions
// (boost::context::fiber saves and restores registers; ucontext's swapcontext would make a
// system call per switch to save the signal mask). A connection written as straight-line
// blocking code (read a request, answer it, repeat) runs as one fiber; when a read or a write
// would block, the fiber parks and the scheduler runs another one. The I/O manager is the
// event loop of steps 03-08, turned inside out: epoll_wait() says which descriptors are ready,
// and the fibers waiting on them become runnable.
//
// I/O is optimistic by default: a fiber first tries the system call and parks only when it
// says EAGAIN, so a request already in the socket costs no trip through epoll. Descriptors are
// registered once, edge-triggered, for both directions. The pessimistic variant (environment
// TENK_PESSIMISTIC_IO=1), which waits for readiness before every call the way GHC's
// threadWaitRead does, arms a one-shot registration per wait instead; it exists to measure the
// difference.
//
// Cancellation: cancel() marks a fiber; it receives a fiber::Cancelled exception at its next
// blocking point, or at once if it is parked, and unwinds: destructors close its socket, and
// its stack returns to the pool when it ends. No exception ever crosses a context switch: the
// fiber's entry catches everything, and reports on stderr any exception but Cancelled (nobody
// else could receive it).
//
// Another I/O manager can take epoll's place (IoManager below: step 14's io_uring ring); the
// fibers, the run queue and the timers stay as they are.
//
// Known limits: a fiber never moves to another thread; a fiber that loops without a blocking
// point starves the others (there is no preemption; yield() is the way to give way).
#pragma once

#include <sys/epoll.h>

#include <boost/context/fiber.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "fiber/sanitizers.hpp"
#include "fiber/stack_pool.hpp"

namespace tenk::fiber {

using Clock = std::chrono::steady_clock;

// Thrown at a blocking point of a cancelled fiber. Not a std::exception on purpose: a
// `catch (const std::exception&)` in a fiber's code must not swallow a cancellation.
struct Cancelled {};

class Scheduler;

// What waits for I/O between the scheduler's turns, when it is not epoll: step 14's ring
// (fiber/ring.hpp). The scheduler calls poll() where it would call epoll_wait(), and sends
// wait_readable(), wait_writable() and forget() to it; the manager parks and wakes fibers with
// Scheduler::park() and Scheduler::wake(), and must tell a wake of its own from a cancel().
class IoManager {
 public:
  virtual ~IoManager() = default;
  // Parks the running fiber until `fd` is ready (write: for output). False, with errno, when the
  // descriptor cannot be watched. Throws Cancelled, like the scheduler's own waits.
  virtual bool wait_ready(int fd, bool write) = 0;
  // Hands over what the fibers asked for, waits at most timeout_ms (-1: until something
  // completes) and wakes the fibers whose operations completed.
  virtual void poll(int timeout_ms) = 0;
  // Before `fd` is closed: whatever the manager keeps for it goes.
  virtual void forget(int fd) = 0;
};

class Fiber : public std::enable_shared_from_this<Fiber> {
 public:
  // The fiber gets a Cancelled exception at its next blocking point (at once if parked).
  void cancel();
  bool done() const { return done_; }
  bool cancelled() const { return cancelled_; }

 private:
  friend class Scheduler;

  Scheduler* scheduler_ = nullptr;
  boost::context::fiber context_;  // the fiber itself, while it is not running
  boost::context::fiber back_;     // while it runs: the way back to the scheduler
  std::function<void()> body_;
  std::shared_ptr<Fiber> self_;  // keeps the fiber alive until it ends
  bool done_ = false;
  bool parked_ = false;           // waiting: only a wake() or a cancel() makes it runnable
  bool cancelled_ = false;        // cancel() was called
  std::uint32_t wait_token_ = 0;  // changes on every wake: a stale timer is ignored
  int wait_fd_ = -1;              // the descriptor it waits on, if any
  sanitizers::Context sanitizer_;
};

using FiberPtr = std::shared_ptr<Fiber>;

class Scheduler {
 public:
  explicit Scheduler(std::size_t stack_size = StackPool::kDefaultStackSize);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // A new fiber, runnable; it starts when run() gets to it.
  FiberPtr spawn(std::function<void()> body);

  // Runs fibers until none is left. One scheduler per thread; run() is not reentrant.
  void run();
  // After this many fiber runs in a row, run() polls I/O (without waiting, if fibers are still
  // runnable) and fires the timers that are due. In a server the run queue empties long before.
  static constexpr int kMaxRunsBetweenPolls = 256;

  // The scheduler whose run() is active on this thread, or nullptr.
  static Scheduler* current();

  // Blocking points of the running fiber. Each throws Cancelled if the fiber is (or gets)
  // cancelled.
  //
  // yield(): every fiber runnable now runs before this one continues. For code that computes
  // for long between blocking points (application code; tenk's fibers block every few
  // microseconds, and bench/micro/fiber_bench.cpp times a switch with it). run() looks at I/O
  // and timers at least every kMaxRunsBetweenPolls fiber runs, so yielding fibers delay the
  // others' sockets and timers by a bounded amount, never for good.
  void yield();
  // Parks until `fd` is ready. False, with errno, when epoll refuses the descriptor (ENOMEM,
  // ENOSPC past fs.epoll.max_user_watches, EPERM for a regular file): no event could ever wake
  // the fiber, so it does not park, and the caller's I/O call fails instead.
  bool wait_readable(int fd);
  bool wait_writable(int fd);
  void sleep_until(Clock::time_point deadline);

  // Registers `fd` for `events` (EPOLLIN, EPOLLEXCLUSIVE...) before any wait on it, in place of
  // the registration a first wait would make; waits on it never re-arm it (pessimistic I/O
  // included). Edge-triggered like every registration here, so wait only after a call said
  // EAGAIN. For flags epoll accepts only when a descriptor is added: a listener that prefork
  // workers share, with EPOLLEXCLUSIVE. False, with errno, when epoll refuses.
  bool watch(int fd, std::uint32_t events);

  // Before closing a descriptor a fiber waited on: the scheduler forgets its registration,
  // so that a new descriptor with the same number starts fresh.
  void forget(int fd);

  // Readiness bookkeeping for optimistic reads (io.hpp). A read that returned less than it
  // asked for drained the socket: until epoll reports new input, another read would only say
  // EAGAIN, so the reader may park at once and save that call. Edge triggering makes this
  // safe: input that arrives after the drain raises an event, which poll_io() records here even
  // when no fiber waits yet.
  // A peer that closed (or an error) stays readable for good: its end of stream may sit behind
  // the data a short read took, reported by the same event.
  bool may_have_input(int fd) {
    const Waiters& slot = waiters(fd);
    return slot.may_have_input || slot.input_ended;
  }
  void drained(int fd) { waiters(fd).may_have_input = false; }

  // From now on `manager` waits for I/O instead of epoll; before the first spawn().
  void use_io_manager(IoManager& manager) { io_manager_ = &manager; }

  // For an IoManager: the fiber that runs now (aborts outside a fiber), parking it until
  // wake() or its cancel(), and making a parked fiber runnable.
  Fiber& running_fiber();
  void park(Fiber& fiber);
  void wake(Fiber& fiber);

  bool pessimistic_io() const { return pessimistic_io_; }
  std::size_t live_fibers() const { return live_; }
  const StackPool& stacks() const { return stacks_; }

 private:
  friend class Fiber;

  struct Waiters {
    Fiber* reader = nullptr;
    Fiber* writer = nullptr;
    bool registered = false;     // in the epoll interest list
    bool watched = false;        // registered by watch(): waits never re-arm it
    bool may_have_input = true;  // no read has drained it since epoll last reported input
    bool input_ended = false;    // epoll reported the peer's close or an error
  };
  // A sleeper woken early (only cancel() does that) leaves its timer behind until the deadline,
  // for a wakeup that finds nothing to do; the weak reference lets the fiber end meanwhile.
  struct Timer {
    Clock::time_point deadline;
    std::weak_ptr<Fiber> fiber;
    std::uint32_t token;
    bool operator>(const Timer& other) const { return deadline > other.deadline; }
  };

  void resume(Fiber& fiber);
  void switch_to_scheduler(Fiber& fiber);  // from the running fiber back to run()
  void finish(Fiber& fiber);
  bool wait_on(int fd, bool write);
  bool arm(int fd, Waiters& slot, bool write);
  Waiters& waiters(int fd);
  void poll_io(int timeout_ms);
  void fire_timers();
  static void check_cancelled(Fiber& fiber);

  StackPool stacks_;
  sanitizers::Context sanitizer_;  // the scheduler's own stack (the thread's)
  int epoll_fd_;
  bool pessimistic_io_;
  IoManager* io_manager_ = nullptr;  // when set, waits for I/O in place of epoll
  Fiber* running_ = nullptr;
  std::size_t live_ = 0;
  std::deque<Fiber*> runnable_;
  std::vector<Waiters> waiters_;  // indexed by descriptor
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
};

}  // namespace tenk::fiber
