// floor, the io_uring loop (TENK_IO_URING=1; the ladder's row "floor+io_uring").
//
// The same answers as the epoll loop in main.cpp, with the least work io_uring allows: a server
// built on io_uring (step 14) is then checked against what io_uring itself costs, not against
// epoll's system calls. Where the epoll loop makes a system call per accept, recv, send and
// close, this one makes one per turn, io_uring_submit_and_wait(): it hands the kernel every
// operation that the last turn's completions called for, and waits for the next completions.
// What keeps it the least work:
// - IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN: the kernel finishes completions in
//   that call, in this thread, not in an interrupt that stops it whenever a packet arrives.
//   Linux 6.0 refuses DEFER_TASKRUN (6.1); the loop then falls back to COOP_TASKRUN, which
//   delays that work to the thread's next system call instead of interrupting it.
// - The ring's own descriptor registered (io_uring_register_ring_fd): no fdget per call.
// - One multishot accept straight into a sparse table of fixed files ("direct descriptors"): a
//   connection never gets a regular descriptor, so nothing is installed in or looked up from the
//   process's descriptor table per operation. Closing is IORING_OP_CLOSE of the slot.
// - One multishot recv per connection, into a ring of provided buffers: armed once, it reports
//   every arrival until the connection ends; each buffer goes back to the ring once counted.
// - Sends straight from the prebuilt copies, with MSG_WAITALL so that a send completes whole (a
//   short one is resent from where it stopped). One send in flight per connection keeps the
//   bytes in order; a turn's completions are all handled before any send, so what a connection
//   asked for in one turn leaves in one send.
// - Before a close, the last answer is held with MSG_MORE and the close sends it with the FIN in
//   one segment, as the epoll loop's close() does. A request in flight holds the socket: the
//   close of the slot drops only the table's reference, and the socket is released, and its FIN
//   sent, when the send that holds it completes; the multishot recv is cancelled first, or it
//   would hold the socket open forever (checked with tcpdump on loopback: the last answer and
//   the FIN leave in one segment, here as in the epoll loop).
//
// With TENK_SQPOLL=1 (the ladder's "floor+sqpoll") the ring is set up with IORING_SETUP_SQPOLL
// instead of DEFER_TASKRUN, as step 14's SQPOLL variant is: a kernel thread of the process takes
// the submissions, so a turn enters the kernel only to wait, and that thread's CPU is counted with
// the floor's. It is the floor of 14_io_uring+sqpoll: busy polling answers one client sooner than
// any loop that sleeps between requests can.
//
// It stops on SIGTERM or SIGINT like the epoll loop, but reads them from a signalfd (see
// RunIoUring): under valgrind 3.19 a signal's handler never runs while io_uring_enter waits.
//
// Known limits, on purpose (beyond the epoll loop's, which it shares: see main.cpp):
// - Linux 6.0 or later (multishot recv). Where io_uring is refused (kernel.io_uring_disabled, a
//   seccomp filter) or older, the floor says so in one line and exits 2.
// - The connections have no descriptors: /proc/PID/fd shows the ring, not them. The benchmark
//   counts them in the ring's fdinfo (bench/tenkbench/procfs.py: open_fds).
// - The table of fixed files is the limit on connections: as large as the open-files limit, like
//   the epoll loop's descriptors. When it is full, the kernel closes the connection it just
//   accepted (a regular accept would leave it in the backlog) and accepts pause for 100 ms.
// - A read longer than a buffer (kBufferSize) arrives as several completions: "Connection:
//   close" is seen when its line and its request's end are in the same buffer (the benchmark's
//   requests are under 100 bytes).
// - A client that stops reading: the requests it sends meanwhile are read and counted (what is
//   owed is a number, not memory) until more than a send's worth waits behind the send in
//   flight; then reading stops until everything owed is sent, and the client's requests wait in
//   the kernel, as with the epoll loop.
// - When the buffers run out (more arrivals in one turn than kBufferCount), a connection's recv
//   ends with ENOBUFS and is armed again at the end of the turn; the count is printed on exit.
#include "uring.hpp"

#include <liburing.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "net/listener.hpp"
#include "net/signals.hpp"
#include "requests.hpp"

namespace tenk::floor {
namespace {

constexpr unsigned kSqEntries = 4096;    // a turn with more operations submits early (Sqe())
constexpr unsigned kCqEntries = 32768;   // beyond it, the kernel keeps completions on a list
constexpr unsigned kBufferCount = 4096;  // a power of two (the ring's mask); ids fit 16 bits
constexpr unsigned kBufferSize = 2048;
constexpr int kBufferGroup = 0;
constexpr unsigned kMaxFixedFiles = 1u << 20;  // the kernel's IORING_MAX_FIXED_FILES
constexpr int kAcceptPauseMs = 100;
constexpr unsigned kSqThreadIdleMs = 10;  // as step 14's (common/fiber/ring.cpp)

// What a completion is for: the top byte of its user_data. Below it, for a connection's
// operations, the connection's generation (24 bits) and its slot in the fixed-file table.
enum Op : std::uint8_t { kStop, kAccept, kAcceptPause, kRecv, kSend, kCancel, kClose };
constexpr std::uint32_t kGenerationMask = (1u << 24) - 1;

std::uint64_t Tag(Op op, std::uint32_t slot = 0, std::uint32_t generation = 0) {
  return std::uint64_t{op} << 56 | std::uint64_t{generation} << 32 | slot;
}

// What the floor remembers per connection (per slot of the fixed-file table).
struct Connection {
  std::uint64_t unsent = 0;      // response bytes owed, those of the send in flight included
  std::uint32_t send_pos = 0;    // offset, inside one response, of the next byte to send
  std::uint32_t in_flight = 0;   // bytes of the send in flight (0: none)
  std::uint32_t generation = 0;  // in its operations' tags: a stale completion is told apart
  std::uint8_t matched = 0;      // terminator bytes matched at the end of the last read
  bool open = false;             // accepted, and its close not yet asked for
  bool receiving = false;        // its multishot recv is armed (until a completion without MORE)
  bool paused = false;           // not reading: the client does not read what it is sent
  bool close_when_sent = false;  // a request said "Connection: close"
  bool queued = false;           // in queued_: to send or to read again at the end of the turn
};

// Says that io_uring cannot be used here and why, in one line; main's exit status.
int Unavailable(const char* call, int error) {
  const char* why = "this kernel is older than the floor's io_uring loop needs, Linux 6.0";
  char disabled[64] = "";
  if (error == EPERM) {
    why = "kernel.io_uring_disabled is 0, so a seccomp filter forbids it, a container's say";
    if (std::FILE* f = std::fopen("/proc/sys/kernel/io_uring_disabled", "r")) {
      int value = 0;
      if (std::fscanf(f, "%d", &value) == 1 && value != 0) {
        std::snprintf(disabled, sizeof disabled, "sysctl kernel.io_uring_disabled = %d", value);
        why = disabled;
      }
      std::fclose(f);
    }
  } else if (error == ENOSYS) {
    why = "this kernel has no io_uring, or a seccomp filter hides it";
  }
  std::fprintf(stderr, "floor: io_uring is not available here: %s: %s (%s)\n", call,
               std::strerror(error), why);
  return 2;
}

class UringFloor {
 public:
  UringFloor(io_uring& ring, io_uring_buf_ring* buffer_ring, char* buffers, int listen_fd,
             int stop_fd, const std::string& responses, std::size_t response_len, bool quiet)
      : ring_(ring),
        buffer_ring_(buffer_ring),
        buffers_(buffers),
        listen_fd_(listen_fd),
        stop_fd_(stop_fd),
        responses_(responses),
        response_len_(response_len),
        quiet_(quiet) {}

  // Runs until SIGTERM or SIGINT; returns main's exit status.
  int Run() {
    ArmAccept();
    io_uring_prep_poll_add(Sqe(), stop_fd_, POLLIN);
    io_uring_sqe_set_data64(last_sqe_, Tag(kStop));
    for (;;) {
      const int submitted = io_uring_submit_and_wait(&ring_, 1);
      if (submitted < 0 && submitted != -EINTR) {
        std::fprintf(stderr, "floor: io_uring_submit_and_wait: %s\n", std::strerror(-submitted));
        return 1;
      }
      bool stop = false;
      unsigned head = 0;
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        ++seen;
        stop |= !Dispatch(*cqe);
      }
      io_uring_cq_advance(&ring_, seen);
      if (stop) break;
      if (returned_ > 0) {  // the turn's buffers back in the ring before anything is re-armed
        io_uring_buf_ring_advance(buffer_ring_, returned_);
        returned_ = 0;
      }
      FlushQueued();
    }
    if (!quiet_ && out_of_buffers_ > 0) {
      std::fprintf(stderr, "floor: %llu receives ran out of buffers and were armed again\n",
                   static_cast<unsigned long long>(out_of_buffers_));
    }
    return 0;
  }

 private:
  // A free submission entry. A turn that needs more than kSqEntries hands the ones it has to the
  // kernel now: one system call more, never seen at the benchmark's sizes but c10k's.
  io_uring_sqe* Sqe() {
    while ((last_sqe_ = io_uring_get_sqe(&ring_)) == nullptr) {
      io_uring_submit(&ring_);
      if (ring_.flags & IORING_SETUP_SQPOLL) io_uring_sqring_wait(&ring_);  // its thread takes them
    }
    return last_sqe_;
  }

  // False once the stop arrived.
  bool Dispatch(const io_uring_cqe& cqe) {
    const std::uint64_t tag = cqe.user_data;
    const auto slot = static_cast<std::uint32_t>(tag);
    const auto generation = static_cast<std::uint32_t>(tag >> 32) & kGenerationMask;
    switch (static_cast<Op>(tag >> 56)) {
      case kStop:
        return false;
      case kAccept:
        OnAccept(cqe);
        break;
      case kAcceptPause:
        ArmAccept();
        break;
      case kRecv:
        OnRecv(slot, generation, cqe);
        break;
      case kSend:
        if (Connection* c = Current(slot, generation)) OnSend(slot, *c, cqe.res);
        break;
      case kCancel:  // posted only on failure: what it was to end had ended already
      case kClose:   // posted only on failure, which a slot this loop holds cannot meet
        break;
    }
    return true;
  }

  // The connection a completion is for, or null if it has been closed since (its slot may hold
  // a newer connection by now).
  Connection* Current(std::uint32_t slot, std::uint32_t generation) {
    Connection& c = connections_[slot];
    return c.open && c.generation == generation ? &c : nullptr;
  }

  void ArmAccept() {
    io_uring_prep_multishot_accept_direct(Sqe(), listen_fd_, nullptr, nullptr, 0);
    io_uring_sqe_set_data64(last_sqe_, Tag(kAccept));
  }

  void OnAccept(const io_uring_cqe& cqe) {
    if (cqe.res >= 0) {
      const auto slot = static_cast<std::uint32_t>(cqe.res);
      if (slot >= connections_.size()) connections_.resize(slot + 1);
      Connection& c = connections_[slot];
      c = Connection{.generation = (c.generation + 1) & kGenerationMask, .open = true};
      // Read at once: the recv is tried when this turn's operations are submitted, and the
      // request is usually there already.
      Receive(slot, c);
    }
    if (cqe.flags & IORING_CQE_F_MORE) return;
    // The multishot accept ended. Out of slots or memory, accepting again at once would fail
    // again at once: pause, as the epoll loop does; the open connections keep being served.
    // An error other than a connection aborted in the backlog pauses too, so it never spins.
    if (cqe.res >= 0 || cqe.res == -ECONNABORTED || cqe.res == -EINTR) {
      ArmAccept();
      return;
    }
    if (!quiet_ && !warned_accept_) {
      std::fprintf(stderr, "floor: accept: %s; pausing accepts for %d ms at a time\n",
                   std::strerror(-cqe.res), kAcceptPauseMs);
      warned_accept_ = true;
    }
    io_uring_prep_timeout(Sqe(), &accept_pause_, 0, 0);
    io_uring_sqe_set_data64(last_sqe_, Tag(kAcceptPause));
  }

  void Receive(std::uint32_t slot, Connection& c) {
    io_uring_prep_recv_multishot(Sqe(), static_cast<int>(slot), nullptr, 0, 0);
    last_sqe_->flags |= IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
    last_sqe_->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(last_sqe_, Tag(kRecv, slot, c.generation));
    c.receiving = true;
  }

  void OnRecv(std::uint32_t slot, std::uint32_t generation, const io_uring_cqe& cqe) {
    char* data = nullptr;
    unsigned buffer = 0;
    if (cqe.flags & IORING_CQE_F_BUFFER) {
      buffer = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
      data = buffers_ + std::size_t{buffer} * kBufferSize;
    }
    if (Connection* c = Current(slot, generation)) OnRecvData(slot, *c, cqe, data);
    if (data != nullptr) {  // counted (or stale): back to the ring at the end of the turn
      io_uring_buf_ring_add(buffer_ring_, data, kBufferSize, static_cast<unsigned short>(buffer),
                            io_uring_buf_ring_mask(kBufferCount), returned_++);
    }
  }

  void OnRecvData(std::uint32_t slot, Connection& c, const io_uring_cqe& cqe, const char* data) {
    if (!(cqe.flags & IORING_CQE_F_MORE)) c.receiving = false;
    if (cqe.res > 0) {
      // After a "Connection: close", only the requests of the same read are answered.
      if (c.close_when_sent) return;
      const auto len = static_cast<std::size_t>(cqe.res);
      const std::uint64_t ends = CountRequestEnds(data, len, &c.matched);
      if (ends > 0) {
        c.unsent += ends * response_len_;
        if (AsksToClose(data, len)) c.close_when_sent = true;
      }
      // More than a send's worth waits behind a send that has not completed: the client does
      // not read. Stop reading from it too (its requests wait in the kernel) until it has taken
      // everything owed.
      if (c.in_flight > 0 && c.unsent - c.in_flight > responses_.size() && c.receiving &&
          !c.paused) {
        c.paused = true;
        io_uring_prep_cancel64(Sqe(), Tag(kRecv, slot, c.generation), 0);
        last_sqe_->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(last_sqe_, Tag(kCancel));
      }
      Queue(slot, c);
    } else if (cqe.res == -ENOBUFS || cqe.res == -ECANCELED) {
      // Out of buffers: armed again at the end of the turn, once this turn's buffers are back.
      // Cancelled: the pause above; armed again once everything owed is sent.
      if (cqe.res == -ENOBUFS) ++out_of_buffers_;
      Queue(slot, c);
    } else {
      Close(slot, c);  // 0: the client closed; else the connection failed
    }
  }

  void OnSend(std::uint32_t slot, Connection& c, int res) {
    c.in_flight = 0;
    if (res < 0) {
      Close(slot, c);
      return;
    }
    c.unsent -= static_cast<std::uint64_t>(res);
    c.send_pos = static_cast<std::uint32_t>((c.send_pos + res) % response_len_);
    if (c.paused && c.unsent == 0) c.paused = false;  // it took everything: read again
    if (c.unsent > 0 || !c.receiving) Queue(slot, c);
  }

  // The connection has something to send, or a recv to arm again, at the end of the turn.
  void Queue(std::uint32_t slot, Connection& c) {
    if (c.queued) return;
    c.queued = true;
    queued_.push_back(slot);
  }

  void FlushQueued() {
    for (const std::uint32_t slot : queued_) {
      Connection& c = connections_[slot];
      c.queued = false;
      if (!c.open) continue;
      if (c.unsent > 0 && c.in_flight == 0) Send(slot, c);
      if (c.open && !c.receiving && !c.paused && !c.close_when_sent) Receive(slot, c);
    }
    queued_.clear();
  }

  // Sends what is owed. Every response is the same bytes, so what is owed is always a suffix of
  // one response followed by whole ones: a slice of responses_ starting at send_pos.
  void Send(std::uint32_t slot, Connection& c) {
    const auto chunk = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(c.unsent, responses_.size() - c.send_pos));
    const bool last = c.close_when_sent && chunk == c.unsent;
    if (last && c.receiving) CancelAll(slot);  // the armed recv would hold the socket open
    const int more = last ? MSG_MORE : 0;
    io_uring_prep_send(Sqe(), static_cast<int>(slot), responses_.data() + c.send_pos, chunk,
                       MSG_NOSIGNAL | MSG_WAITALL | more);
    last_sqe_->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(last_sqe_, Tag(kSend, slot, c.generation));
    c.in_flight = chunk;
    if (last) {
      // Nothing is left to do once it completes: no completion, unless it fails.
      last_sqe_->flags |= IOSQE_CQE_SKIP_SUCCESS;
      CloseSlot(slot, c);
    }
  }

  // Closes a connection at once: what is in flight on it is cancelled first, or it would hold
  // the socket open.
  void Close(std::uint32_t slot, Connection& c) {
    if (c.receiving || c.in_flight > 0) CancelAll(slot);
    CloseSlot(slot, c);
  }

  // Cancels every operation on the slot. It is issued before the operations that follow it in
  // the same submission, so a send queued after it is not cancelled.
  void CancelAll(std::uint32_t slot) {
    io_uring_prep_cancel_fd(Sqe(), static_cast<int>(slot),
                            IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD_FIXED);
    last_sqe_->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(last_sqe_, Tag(kCancel));
  }

  void CloseSlot(std::uint32_t slot, Connection& c) {
    io_uring_prep_close_direct(Sqe(), slot);
    last_sqe_->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(last_sqe_, Tag(kClose));
    c.open = false;  // its later completions are stale; the kernel may give the slot out again
  }

  io_uring& ring_;
  io_uring_buf_ring* const buffer_ring_;
  char* const buffers_;  // kBufferCount buffers of kBufferSize bytes, registered in the ring
  const int listen_fd_;
  const int stop_fd_;
  const std::string& responses_;  // copies of the canned response, back to back
  const std::size_t response_len_;
  const bool quiet_;
  io_uring_sqe* last_sqe_ = nullptr;     // the entry Sqe() returned last, being filled in
  std::vector<Connection> connections_;  // indexed by slot in the fixed-file table
  std::vector<std::uint32_t> queued_;    // slots to send to or to read again, end of the turn
  int returned_ = 0;                     // buffers given back this turn, not yet published
  __kernel_timespec accept_pause_{.tv_sec = 0, .tv_nsec = kAcceptPauseMs * 1'000'000LL};
  std::uint64_t out_of_buffers_ = 0;
  bool warned_accept_ = false;
};

}  // namespace

int RunIoUring(const tenk::net::Options& options, int listen_fd, const std::string& responses,
               std::size_t response_len, bool sqpoll) {
  io_uring ring;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE |
                 IORING_SETUP_SUBMIT_ALL;
  if (sqpoll) {
    // The floor of step 14's SQPOLL variant, set up as that step's ring is (fiber/ring.cpp): a
    // kernel thread takes the submissions and sleeps after kSqThreadIdleMs without any; it
    // cannot be combined with DEFER_TASKRUN.
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SQPOLL | IORING_SETUP_CQSIZE |
                   IORING_SETUP_SUBMIT_ALL;
    params.sq_thread_idle = kSqThreadIdleMs;
  }
  params.cq_entries = kCqEntries;
  int ret = io_uring_queue_init_params(kSqEntries, &ring, &params);
  if (ret == -EINVAL && !sqpoll) {  // Linux 6.0: no DEFER_TASKRUN (see the top of this file)
    params = io_uring_params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE |
                   IORING_SETUP_SUBMIT_ALL;
    params.cq_entries = kCqEntries;
    ret = io_uring_queue_init_params(kSqEntries, &ring, &params);
  }
  if (ret < 0) return Unavailable("io_uring_queue_init", -ret);
  if ((ret = io_uring_register_ring_fd(&ring)) < 0) {
    return Unavailable("io_uring_register_ring_fd", -ret);
  }
  // As many slots as the open-files limit allows (registering more fails with EMFILE).
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  const auto slots = static_cast<unsigned>(std::min<rlim_t>(files.rlim_cur, kMaxFixedFiles));
  if ((ret = io_uring_register_files_sparse(&ring, slots)) < 0) {
    return Unavailable("io_uring_register_files_sparse", -ret);
  }
  // The buffer ring and its buffers in one mapping (the ring must be page-aligned), touched at
  // once: the floor's memory does not grow while it serves, which the idle scenario would count
  // as memory per connection.
  const std::size_t ring_bytes = kBufferCount * sizeof(io_uring_buf);
  const std::size_t map_bytes = ring_bytes + std::size_t{kBufferCount} * kBufferSize;
  void* map = mmap(nullptr, map_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (map == MAP_FAILED) {
    std::perror("floor: mmap");
    return 1;
  }
  auto* buffer_ring = static_cast<io_uring_buf_ring*>(map);
  char* buffers = static_cast<char*>(map) + ring_bytes;
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<std::uintptr_t>(buffer_ring);
  reg.ring_entries = kBufferCount;
  reg.bgid = kBufferGroup;
  if ((ret = io_uring_register_buf_ring(&ring, &reg, 0)) < 0) {
    return Unavailable("io_uring_register_buf_ring", -ret);
  }
  io_uring_buf_ring_init(buffer_ring);
  for (unsigned i = 0; i < kBufferCount; ++i) {
    io_uring_buf_ring_add(buffer_ring, buffers + std::size_t{i} * kBufferSize, kBufferSize,
                          static_cast<unsigned short>(i), io_uring_buf_ring_mask(kBufferCount),
                          static_cast<int>(i));
  }
  io_uring_buf_ring_advance(buffer_ring, kBufferCount);

  // The stop: SIGTERM and SIGINT are blocked and read from a signalfd that the ring polls, not
  // from tenk::net::stop_fd(), whose pipe their handler writes. Valgrind 3.19, under which the
  // deterministic counts run the floor, does not know that io_uring_enter blocks and keeps every
  // signal blocked while it waits: the handler would never run, and the floor never stop. A
  // signalfd is readable while a signal is pending, blocked or not. A stop that arrived before
  // the signals were blocked went through the handler: stop_requested() says so.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int stop_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (stop_fd < 0) {
    std::perror("floor: signalfd");
    return 1;
  }
  int status = 0;
  if (!tenk::net::stop_requested()) {
    tenk::net::announce_listening(options, listen_fd);
    UringFloor floor(ring, buffer_ring, buffers, listen_fd, stop_fd, responses, response_len,
                     options.quiet);
    status = floor.Run();
  }
  io_uring_queue_exit(&ring);  // closes the connections still in the table
  munmap(map, map_bytes);
  close(stop_fd);
  return status;
}

}  // namespace tenk::floor
