#include "fiber/ring.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace tenk::fiber {

namespace {

thread_local Ring* current_ring = nullptr;

// Submission and completion queue sizes. A turn that touches more than kSubmissionEntries
// operations hands the full queue over early (next_sqe); the completion queue is larger
// because operations submitted in earlier turns complete together (the kernel keeps any
// overflow, IORING_FEAT_NODROP, but that is its slow path).
constexpr unsigned kSubmissionEntries = 4096;
constexpr unsigned kCompletionEntries = 16384;
// The SQPOLL thread sleeps after this long without submissions; waking it costs a system call.
constexpr unsigned kSqThreadIdleMs = 10;
constexpr std::uint16_t kBufferGroup = 0;
// The longest a turn waits for completions (see poll()).
constexpr int kLongestWaitMs = 500;

bool sqpoll_from_environment() {
  const char* value = std::getenv("TENK_SQPOLL");
  return value != nullptr && value[0] == '1';
}

// 0, or -errno.
int set_up(io_uring& ring, bool sqpoll) {
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER;
  params.cq_entries = kCompletionEntries;
  if (sqpoll) {
    params.flags |= IORING_SETUP_SQPOLL;
    params.sq_thread_idle = kSqThreadIdleMs;
  } else {
    params.flags |= IORING_SETUP_DEFER_TASKRUN;
  }
  return io_uring_queue_init_params(kSubmissionEntries, &ring, &params);
}

// The registered file table: one slot per descriptor this process may open.
unsigned file_table_size() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<unsigned>(std::min<rlim_t>(limit.rlim_cur, 1u << 20));
}

}  // namespace

std::string io_uring_unavailable_reason() {
  io_uring ring{};
  const int error = set_up(ring, sqpoll_from_environment());
  if (error == -EPERM) {
    return "io_uring is not permitted here (sysctl kernel.io_uring_disabled, or a seccomp "
           "filter)";
  }
  if (error == -ENOSYS) return "this kernel has no io_uring";
  if (error == -EINVAL) return "this kernel's io_uring lacks DEFER_TASKRUN (Linux 6.1 or later)";
  if (error < 0) return std::string("io_uring_queue_init: ") + std::strerror(-error);
  io_uring_buf_reg buffers{};
  void* entries = std::aligned_alloc(4096, 4096);  // the kernel wants a page-aligned ring
  buffers.ring_addr = reinterpret_cast<std::uint64_t>(entries);
  buffers.ring_entries = 8;
  const int registered = io_uring_register_buf_ring(&ring, &buffers, 0);
  io_uring_queue_exit(&ring);
  std::free(entries);
  if (registered < 0) return "this kernel's io_uring has no buffer rings (Linux 6.1 or later)";
  return "";
}

Ring::Ring(Scheduler& scheduler) : scheduler_(scheduler), sqpoll_(sqpoll_from_environment()) {
  const auto fail = [](const char* what, int error) {
    std::fprintf(stderr, "tenk: %s: %s\n", what, std::strerror(-error));
    std::exit(1);
  };
  if (int error = set_up(ring_, sqpoll_); error < 0) fail("io_uring_queue_init", error);
  io_uring_register_ring_fd(&ring_);  // only a saving: without it, enter looks the ring up

  // The provided buffers: kBufferCount entries in a ring the kernel takes them from.
  const std::size_t ring_bytes = kBufferCount * sizeof(io_uring_buf);
  buffers_ = static_cast<io_uring_buf_ring*>(std::aligned_alloc(4096, ring_bytes));
  buffer_memory_ = std::make_unique<char[]>(std::size_t{kBufferCount} * kBufferSize);
  io_uring_buf_reg registration{};
  registration.ring_addr = reinterpret_cast<std::uint64_t>(buffers_);
  registration.ring_entries = kBufferCount;
  registration.bgid = kBufferGroup;
  if (int error = io_uring_register_buf_ring(&ring_, &registration, 0); error < 0) {
    fail("io_uring_register_buf_ring", error);
  }
  io_uring_buf_ring_init(buffers_);
  for (unsigned id = 0; id < kBufferCount; ++id) {
    io_uring_buf_ring_add(buffers_, buffer_memory_.get() + std::size_t{id} * kBufferSize,
                          kBufferSize, static_cast<unsigned short>(id),
                          io_uring_buf_ring_mask(kBufferCount), static_cast<int>(id));
  }
  io_uring_buf_ring_advance(buffers_, kBufferCount);

  // The registered file table, empty (sparse) until register_socket() fills a slot. Without
  // it the sockets are used by descriptor, as they would be anyway: only a saving is lost.
  const unsigned slots = file_table_size();
  if (io_uring_register_files_sparse(&ring_, slots) == 0) {
    slot_fds_.resize(slots);
    for (unsigned i = 0; i < slots; ++i) slot_fds_[i] = static_cast<int>(i);
    registered_.resize(slots);
  }
  scheduler_.use_io_manager(*this);
  current_ring = this;
}

Ring::~Ring() {
  for (int fd : acceptor_.ready) ::close(fd);
  io_uring_queue_exit(&ring_);  // cancels what is still in flight, closes the registered files
  std::free(buffers_);
  if (current_ring == this) current_ring = nullptr;
}

Ring& Ring::current() {
  return *current_ring;
}

io_uring_sqe* Ring::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // the queue is full: hand it over now, mid-turn
    if (io_uring_submit(&ring_) < 0) {
      // The kernel takes no more until completions are read (EBUSY) or memory is found
      // (ENOMEM): read them (that only makes fibers runnable), and try again.
      reap();
    }
    if (sqpoll_) io_uring_sqring_wait(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void Ring::use_slot(io_uring_sqe* sqe, int fd) const {
  // The slot number is the descriptor number, so only the flag changes.
  if (static_cast<std::size_t>(fd) < registered_.size() && registered_[fd]) {
    sqe->flags |= IOSQE_FIXED_FILE;
  }
}

int Ring::await(io_uring_sqe* sqe, Operation& operation) {
  Fiber& fiber = scheduler_.running_fiber();
  operation.fiber = &fiber;
  io_uring_sqe_set_data(sqe, &operation);
  scheduler_.park(fiber);
  if (!operation.done) {
    // Woken by cancel(): the operation is still the kernel's, and so are `operation` and the
    // buffer it names. Cancel it, and wait for its completion before unwinding.
    cancel(reinterpret_cast<std::uint64_t>(&operation));
    while (!operation.done) scheduler_.park(fiber);
    if (operation.flags & IORING_CQE_F_BUFFER) {
      give_back_buffer(operation.flags >> IORING_CQE_BUFFER_SHIFT);
    }
    throw Cancelled{};
  }
  return operation.result;
}

void Ring::cancel(std::uint64_t user_data) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel64(sqe, user_data, 0);
  io_uring_sqe_set_data(sqe, nullptr);  // its own completion says nothing anyone waits for
}

void Ring::complete(const io_uring_cqe& cqe) {
  if (cqe.user_data == 0) return;  // a cancel, a slot update
  if (cqe.user_data & kReceiverTag) {
    return received(*reinterpret_cast<Receiver*>(cqe.user_data & ~kReceiverTag), cqe);
  }
  void* data = io_uring_cqe_get_data(&cqe);
  if (data == &acceptor_) {
    if (cqe.res >= 0) {
      if (acceptor_.stopping) {
        ::close(cqe.res);
      } else {
        acceptor_.ready.push_back(cqe.res);
      }
    } else if (cqe.res != -ECANCELED) {
      acceptor_.error = -cqe.res;
    }
    if (!(cqe.flags & IORING_CQE_F_MORE)) acceptor_.armed = false;
    if (acceptor_.waiting != nullptr) scheduler_.wake(*acceptor_.waiting);
    return;
  }
  auto& operation = *static_cast<Operation*>(data);
  operation.result = cqe.res;
  operation.flags = cqe.flags;
  operation.done = true;
  scheduler_.wake(*operation.fiber);
}

void Ring::poll(int timeout_ms) {
  if (timeout_ms == 0) {
    io_uring_submit_and_get_events(&ring_);  // runnable fibers wait: collect, do not wait
  } else {
    // A stop signal that arrives during the wait interrupts it, and its handler makes the stop
    // pipe readable (a poll in the ring). Valgrind, which the benchmark's instruction counts
    // run the step in, holds signals while io_uring_enter() waits and delivers them only when
    // the thread yields: the wait is bounded, and an idle wait that ran out yields.
    if (timeout_ms < 0 || timeout_ms > kLongestWaitMs) timeout_ms = kLongestWaitMs;
    __kernel_timespec timeout{};
    timeout.tv_sec = timeout_ms / 1000;
    timeout.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1000000;
    io_uring_cqe* first = nullptr;
    if (io_uring_submit_and_wait_timeout(&ring_, &first, 1, &timeout, nullptr) == -ETIME) {
      sched_yield();  // nothing completed (a timer is due, or idle): costs nothing under load
    }
  }
  reap();
}

void Ring::reap() {
  // Every completion only makes a fiber runnable (or queues a connection); none runs before
  // the batch is consumed.
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    complete(*cqe);
    ++seen;
  }
  io_uring_cq_advance(&ring_, seen);
}

int Ring::accept(int listen_fd) {
  Fiber& fiber = scheduler_.running_fiber();
  for (;;) {
    if (fiber.cancelled()) throw Cancelled{};
    if (!acceptor_.ready.empty()) {
      const int fd = acceptor_.ready.front();
      acceptor_.ready.pop_front();
      return fd;
    }
    if (acceptor_.error != 0) {
      errno = std::exchange(acceptor_.error, 0);
      return -1;
    }
    if (!acceptor_.armed) {
      io_uring_sqe* sqe = next_sqe();
      io_uring_prep_multishot_accept(sqe, listen_fd, nullptr, nullptr,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
      io_uring_sqe_set_data(sqe, &acceptor_);
      acceptor_.armed = true;
    }
    acceptor_.waiting = &fiber;
    scheduler_.park(fiber);
    acceptor_.waiting = nullptr;
    if (fiber.cancelled()) {
      // The acceptor stops (a server stop): the multishot accept goes, and connections it
      // accepted or still completes are closed now, not when the drain is over.
      acceptor_.stopping = true;
      if (acceptor_.armed) cancel(reinterpret_cast<std::uint64_t>(&acceptor_));
      for (int fd : acceptor_.ready) ::close(fd);
      acceptor_.ready.clear();
    }
  }
}

Ring::Receiver& Ring::receiver(int fd) {
  const auto index = static_cast<std::size_t>(fd);
  if (index >= receivers_.size()) receivers_.resize(index + 1);
  if (!receivers_[index]) receivers_[index] = std::make_unique<Receiver>();
  return *receivers_[index];
}

void Ring::arm(int fd, Receiver& receiver) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  // Armed after an answer, so the next request is rarely there yet: wait for bytes first
  // instead of trying a receive that would say EAGAIN.
  sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  use_slot(sqe, fd);
  io_uring_sqe_set_data64(sqe, tagged(receiver));
  receiver.armed = true;
}

void Ring::received(Receiver& receiver, const io_uring_cqe& cqe) {
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    const unsigned buffer_id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
    if (cqe.res > 0 && !receiver.retired) {
      receiver.pending.append(buffer_memory_.get() + std::size_t{buffer_id} * kBufferSize,
                              static_cast<std::size_t>(cqe.res));
    }
    give_back_buffer(buffer_id);
  }
  const bool last = !(cqe.flags & IORING_CQE_F_MORE);
  if (last) receiver.armed = receiver.pausing = false;
  if (receiver.retired) {
    if (last) {  // the kernel's last word on a connection forget() let go of
      const auto it = std::ranges::find(retired_, &receiver, &std::unique_ptr<Receiver>::get);
      std::swap(*it, retired_.back());
      retired_.pop_back();
    }
    return;
  }
  if (cqe.res == 0) {
    receiver.end = 1;
  } else if (cqe.res < 0 && cqe.res != -ENOBUFS && cqe.res != -ECANCELED) {
    receiver.end = cqe.res;  // ENOBUFS, a pause (ECANCELED): armed again by recv_into()
  } else if (receiver.armed && !receiver.pausing && receiver.pending.size() >= kPendingLimit) {
    cancel(tagged(receiver));  // flow control: the next bytes stay in the socket
    receiver.pausing = true;
  }
  if (receiver.waiting != nullptr) scheduler_.wake(*receiver.waiting);
}

ssize_t Ring::take_pending(Receiver& receiver, std::span<char> space) {
  const std::size_t copied = std::min(receiver.pending.size(), space.size());
  std::memcpy(space.data(), receiver.pending.data(), copied);
  receiver.pending.erase(0, copied);
  return static_cast<ssize_t>(copied);
}

void Ring::give_back_buffer(unsigned buffer_id) {
  io_uring_buf_ring_add(buffers_, buffer_memory_.get() + std::size_t{buffer_id} * kBufferSize,
                        kBufferSize, static_cast<unsigned short>(buffer_id),
                        io_uring_buf_ring_mask(kBufferCount), 0);
  io_uring_buf_ring_advance(buffers_, 1);
}

ssize_t Ring::send(int fd, const void* data, std::size_t length, int flags) {
  Fiber& fiber = scheduler_.running_fiber();
  if (fiber.cancelled()) throw Cancelled{};
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_send(sqe, fd, data, length, flags | MSG_NOSIGNAL);
  use_slot(sqe, fd);
  Operation operation;
  const int sent = await(sqe, operation);
  if (sent >= 0) return sent;
  errno = -sent;
  return -1;
}

ssize_t Ring::read(int fd, void* buffer, std::size_t length, std::uint64_t offset) {
  Fiber& fiber = scheduler_.running_fiber();
  if (fiber.cancelled()) throw Cancelled{};
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_read(sqe, fd, buffer, static_cast<unsigned>(length), offset);
  Operation operation;
  const int got = await(sqe, operation);
  if (got >= 0) return got;
  errno = -got;
  return -1;
}

bool Ring::wait_ready(int fd, bool write) {
  Fiber& fiber = scheduler_.running_fiber();
  if (fiber.cancelled()) throw Cancelled{};
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_poll_add(sqe, fd, write ? POLLOUT : POLLIN | POLLRDHUP);
  use_slot(sqe, fd);
  Operation operation;
  const int events = await(sqe, operation);
  if (events >= 0) return true;
  errno = -events;
  return false;
}

void Ring::register_socket(int fd) {
  if (static_cast<std::size_t>(fd) >= registered_.size()) return;  // no table, or too high
  io_uring_sqe* sqe = next_sqe();
  // The kernel reads the new slot's value at submission: slot_fds_ outlives it. Submitted
  // before any operation on the socket, it is carried out before them (in queue order); if it
  // failed, those operations fail with EBADF and the connection ends.
  io_uring_prep_files_update(sqe, &slot_fds_[fd], 1, fd);
  io_uring_sqe_set_data(sqe, nullptr);
  registered_[fd] = true;
}

void Ring::forget(int fd) {
  const auto index = static_cast<std::size_t>(fd);
  if (index < receivers_.size() && receivers_[index]) {
    std::unique_ptr<Receiver> receiver = std::move(receivers_[index]);
    if (receiver->armed) {
      // The kernel still holds it: cancelled now, kept until its last completion (received()).
      receiver->retired = true;
      cancel(tagged(*receiver));
      retired_.push_back(std::move(receiver));
    }
  }
  if (index >= registered_.size() || !registered_[index]) return;
  // The slot holds the socket open: it is emptied (-1) in queue order, before any
  // registration of a new socket with the same number, and the socket closes then.
  static const int kEmpty = -1;
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_files_update(sqe, const_cast<int*>(&kEmpty), 1, fd);
  io_uring_sqe_set_data(sqe, nullptr);
  registered_[index] = false;
}

}  // namespace tenk::fiber
