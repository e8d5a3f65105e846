// An I/O manager on io_uring (step 14): a fiber's system calls become submissions, and the
// fiber parks until their completion.
//
// epoll (scheduler.hpp) reports readiness: "this socket could be read now", after which the
// fiber makes the system call itself. io_uring takes the operations: a fiber fills a submission
// queue entry (SQE: "receive on this socket", "send these bytes") in memory it shares with the
// kernel, and parks. The scheduler runs every runnable fiber first; when none is left, poll()
// hands over all the entries of the turn and waits for completions in ONE io_uring_enter(), and
// the completion queue entries (CQEs) it finds make their fibers runnable with the result in
// hand. A turn that served a thousand connections costs one system call, not a thousand.
//
// What the ring is set up with, and why:
// - IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN: one thread submits (the ring is
//   made by the thread that runs it), and the kernel finishes completed operations only when
//   that thread asks, inside its io_uring_enter(), instead of interrupting it at any moment.
// - A registered ring descriptor (io_uring_register_ring_fd): io_uring_enter() skips looking up
//   the ring's file.
// - Multishot accept: one submission keeps accepting; each connection is a completion.
// - A multishot receive per connection, into provided buffers: one submission keeps receiving,
//   each arrival of bytes is a completion, and the kernel keeps its wait on the socket armed
//   instead of arming it anew for every request. The receive names a group of buffers rather
//   than one, and the kernel picks one when bytes arrive, so a connection waiting between
//   requests lends no memory to the kernel, and an idle session still gives its workspace back
//   (app/session.hpp). The bytes are copied out of the picked buffer at once (a request is a
//   few hundred bytes) and the buffer goes back to the kernel, so no buffer stays taken while
//   a fiber is busy; they wait in the connection's Receiver until its fiber reads them.
// - Registered files: a connection's socket gets a slot in the ring's file table (slot number =
//   descriptor number), installed by an IORING_OP_FILES_UPDATE submitted like any operation (no
//   system call of its own), so the kernel skips the descriptor lookup and its reference count
//   on every operation. forget() empties the slot before the descriptor is closed.
// - The variant TENK_SQPOLL=1 adds a kernel thread that takes submissions as they are written,
//   so a turn makes a system call only to wait; it cannot be combined with DEFER_TASKRUN.
//
// Cancellation (a timeout, a stop): a parked fiber woken by cancel() cannot unwind while the
// kernel may still write into its stack and buffers. It submits IORING_OP_ASYNC_CANCEL for its
// operation, parks until the operation's completion arrives (cancelled or done), then throws
// Cancelled.
//
// Flow control: a client that sends while its fiber is not reading (it writes an answer to a
// client that does not read) would have its bytes pile up in the Receiver. Past
// kPendingLimit the multishot receive is cancelled, and the bytes stay in the socket, where
// TCP's window stops the sender; it is armed again once the fiber has read what waits.
//
// Known limits: needs Linux 6.1 or later (DEFER_TASKRUN, buffer rings, multishot receive). A
// receive that found every buffer taken (ENOBUFS) ends, and is armed again by the next
// recv_into(): the buffers go back in the same poll(). Only sockets are registered; files are
// read with their descriptors.
#pragma once

#include <liburing.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fiber/scheduler.hpp"

namespace tenk::fiber {

// Why this process cannot use io_uring as step 14 does ("" when it can): a probe ring with the
// same setup. Disabled by sysctl (kernel.io_uring_disabled), refused by seccomp, or a kernel
// older than the features above.
std::string io_uring_unavailable_reason();

class Ring final : public IoManager {
 public:
  // Sets up the ring and makes it `scheduler`'s I/O manager. Must be made on the thread that
  // runs the scheduler. If the ring cannot be made, says why and exits 1 (the server checked
  // io_uring_unavailable_reason() at start-up).
  explicit Ring(Scheduler& scheduler);
  ~Ring() override;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // The ring of the scheduler running on this thread.
  static Ring& current();

  // Fiber-blocking operations, from a fiber of this ring's scheduler. Like their namesakes in
  // fiber/io.hpp: -1 with errno on failure, Cancelled thrown when the fiber is cancelled.

  // The next connection (multishot accept: armed once, re-armed only when the kernel ends it).
  int accept(int listen_fd);
  // Receives into `space()` (asked after the wait); `before_wait()` runs before the fiber parks.
  template <typename Space, typename BeforeWait>
  ssize_t recv_into(int fd, Space space, BeforeWait before_wait);
  ssize_t send(int fd, const void* data, std::size_t length, int flags);
  ssize_t read(int fd, void* buffer, std::size_t length, std::uint64_t offset);

  // Gives socket `fd` a slot in the registered file table: its later operations use it.
  void register_socket(int fd);

  // IoManager
  bool wait_ready(int fd, bool write) override;
  void poll(int timeout_ms) override;
  void forget(int fd) override;

  bool sqpoll() const { return sqpoll_; }

  // The provided buffers: how many, and how large. 4 KiB holds a request head of the benchmark
  // many times over; a larger head arrives in several receives.
  static constexpr unsigned kBufferCount = 1024;
  static constexpr unsigned kBufferSize = 4096;
  // Received bytes a connection may have waiting before its receive pauses (flow control).
  static constexpr std::size_t kPendingLimit = 64 << 10;

 private:
  // One submitted operation, on the stack of the fiber that waits for it.
  struct Operation {
    Fiber* fiber = nullptr;
    int result = 0;
    std::uint32_t flags = 0;  // the CQE's: which provided buffer, more to come
    bool done = false;
  };
  // The multishot accept: its completions outlive any one wait, so they queue here.
  struct Acceptor {
    bool armed = false;     // a multishot accept is in the kernel
    bool stopping = false;  // cancelled: what it still accepts is closed
    int error = 0;          // the error that ended it, for the next accept()
    std::deque<int> ready;  // accepted, not yet taken
    Fiber* waiting = nullptr;
  };

  // A connection's multishot receive and what it received, by descriptor. Heap-allocated: its
  // address is the receive's user data, and it outlives the connection until the kernel's last
  // completion for it (retired_ keeps it until then).
  struct Receiver {
    bool armed = false;    // a multishot receive is in the kernel (until its last completion)
    bool retired = false;  // the connection is gone: delete at the last completion
    bool pausing = false;  // cancelled for flow control, its last completion not yet here
    std::string pending;   // received, not yet read by the fiber
    int end = 0;           // 1: the peer closed; -errno: the receive failed
    Fiber* waiting = nullptr;
  };

  io_uring_sqe* next_sqe();
  void use_slot(io_uring_sqe* sqe, int fd) const;
  int await(io_uring_sqe* sqe, Operation& operation);
  void cancel(std::uint64_t user_data);
  void reap();  // reads every completion there is
  void complete(const io_uring_cqe& cqe);
  void received(Receiver& receiver, const io_uring_cqe& cqe);
  void give_back_buffer(unsigned buffer_id);
  Receiver& receiver(int fd);
  void arm(int fd, Receiver& receiver);
  static ssize_t take_pending(Receiver& receiver, std::span<char> space);
  // A receiver's user data: its address with the low bit set, which no Operation's (aligned)
  // address has, so that complete() tells the two apart.
  static constexpr std::uint64_t kReceiverTag = 1;
  static std::uint64_t tagged(Receiver& receiver) {
    return reinterpret_cast<std::uint64_t>(&receiver) | kReceiverTag;
  }

  Scheduler& scheduler_;
  io_uring ring_{};
  bool sqpoll_ = false;
  io_uring_buf_ring* buffers_ = nullptr;   // the ring of provided buffers (kernel-shared)
  std::unique_ptr<char[]> buffer_memory_;  // kBufferCount buffers of kBufferSize
  std::vector<int> slot_fds_;              // slot i holds i; the kernel reads it at submission
  std::vector<bool> registered_;           // which slots hold a socket
  std::vector<std::unique_ptr<Receiver>> receivers_;  // by descriptor
  std::vector<std::unique_ptr<Receiver>> retired_;    // cancelled, awaiting their last completion
  Acceptor acceptor_;
};

template <typename Space, typename BeforeWait>
ssize_t Ring::recv_into(int fd, Space space, BeforeWait before_wait) {
  Fiber& fiber = scheduler_.running_fiber();
  Receiver& from = receiver(fd);
  for (;;) {
    if (fiber.cancelled()) throw Cancelled{};
    if (!from.pending.empty()) return take_pending(from, space());
    if (from.end > 0) return 0;
    if (from.end < 0) {
      errno = -from.end;
      return -1;
    }
    if (!from.armed) arm(fd, from);
    before_wait();
    // before_wait() may have waited itself (step 14 sends its gathered answers there): what
    // arrived, or ended the receive, meanwhile must be seen now, or the fiber sleeps on it.
    if (fiber.cancelled() || !from.pending.empty() || from.end != 0 || !from.armed) continue;
    from.waiting = &fiber;
    scheduler_.park(fiber);
    from.waiting = nullptr;
  }
}

}  // namespace tenk::fiber
