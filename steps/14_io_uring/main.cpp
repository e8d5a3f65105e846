// Step 14: the I/O manager on io_uring — completions instead of readiness.
//
// Steps 03-13 wait for readiness: epoll says a socket could be read, then the fiber makes the
// system call. Here each fiber's receive, send, file read and the acceptor's accept are
// submitted to an io_uring ring, one per I/O thread (fiber/ring.hpp), and the fiber parks until
// the operation's completion. The scheduler runs every runnable fiber, then hands over the
// whole turn's submissions and collects the completions in one io_uring_enter(): at a thousand
// busy connections one system call serves many requests. The fibers and converse() stay as
// they were; only the calls they make change (fiber::Ring::current().send() for fiber::send()).
//
// The ring uses what pays here, each explained in fiber/ring.hpp: DEFER_TASKRUN with a single
// issuer, a multishot accept on thread 0, receives into provided buffers (an idle connection
// lends the kernel no memory), and the sockets in a registered file table. A file body no
// longer leaves by sendfile(): it is read through the ring into a buffer of the thread's pool,
// kFileChunkBytes at a time, and sent from there (send_body() says why). TENK_SQPOLL=1 adds a
// kernel thread that takes the submissions, so that a turn enters the kernel only to wait.
//
// A timeout or a stop cancels a fiber as before; a fiber parked on an operation cancels it in
// the kernel (IORING_OP_ASYNC_CANCEL) and waits for its completion before it unwinds. Where
// io_uring is unavailable (a sysctl, seccomp, a kernel before 6.1), the server says so at
// start and exits 2.
//
// Everything else is step 13's: batched pipelined answers, step 12's prepared answers, and step
// 11's threads, one acceptor handing connections round-robin through a fiber::Handoff, with
// per-thread caches and timeout manager.
//
// What counts as progress (as in Warp, against slowloris): a complete request, or a read of at
// least kProgressBytes; a connection idle between keep-alive requests counts as inactive. While
// a response is sent, every send that moves bytes tickles, so a slow client that keeps reading
// is never cut off, and one that stops reading (a zero window) times out.
//
// What is still wrong: see book/15-io-uring.md.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/files.hpp"
#include "app/session.hpp"
#include "cache/date_cache.hpp"
#include "cache/fd_cache.hpp"
#include "cache/response_cache.hpp"
#include "fiber/drain.hpp"
#include "fiber/handoff.hpp"
#include "fiber/io.hpp"
#include "fiber/ring.hpp"
#include "fiber/scheduler.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/signals.hpp"
#include "net/startup.hpp"
#include "timeout/timeout_manager.hpp"

namespace {

using namespace tenk;
using Action = app::HttpSession::Action;

// One client connection: its socket, its HTTP session and the fiber that serves it.
struct Connection {
  Connection(int socket, app::FileOpener& files, http::DateSource& dates,
             app::PreparedResponses& prepared)
      : fd(socket), session(files, dates, &prepared) {}

  int fd;
  app::HttpSession session;
  fiber::FiberPtr fiber;  // to cancel it when the server stops or the connection times out
  std::shared_ptr<timeout::Handle> timeout;
};

// A read this large counts as progress even before a request is complete (Warp's threshold):
// a slowloris client trickling a few bytes at a time never reaches it.
constexpr ssize_t kProgressBytes = 2048;

// Sends all of `data`; each send that moves bytes is progress. False when the peer is gone.
bool send_all(int fd, std::string_view data, int flags, timeout::Handle& timeout) {
  for (std::size_t sent = 0; sent < data.size();) {
    ssize_t n = fiber::Ring::current().send(fd, data.data() + sent, data.size() - sent, flags);
    if (n < 0) return false;
    timeout.tickle();
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// A file body leaves from memory, kFileChunkBytes at a time: read through the ring into a
// buffer, then sent. io_uring's splice needs a pipe per transfer (two descriptors more per
// connection) and, unlike send, has no way to wait for a full socket buffer: it would block a
// kernel worker thread instead. On loopback a large send from memory also makes fewer TCP
// segments than sendfile() (bench/results/20261204T161126Z-vm/bigfile-study.md), which is
// where most of a large body's CPU goes. The cost is a copy of the file into the buffer.
constexpr std::size_t kFileChunkBytes = 256 << 10;

// The thread's chunk buffers: one lent per body in flight, kept for the next one.
class ChunkBuffer {
 public:
  ChunkBuffer() {
    if (free_.empty()) free_.push_back(std::make_unique<char[]>(kFileChunkBytes));
    buffer_ = std::move(free_.back());
    free_.pop_back();
  }
  ~ChunkBuffer() { free_.push_back(std::move(buffer_)); }
  ChunkBuffer(const ChunkBuffer&) = delete;
  ChunkBuffer& operator=(const ChunkBuffer&) = delete;
  char* data() { return buffer_.get(); }

 private:
  static thread_local std::vector<std::unique_ptr<char[]>> free_;
  std::unique_ptr<char[]> buffer_;
};
thread_local std::vector<std::unique_ptr<char[]>> ChunkBuffer::free_;

// The body: a file range read and sent in chunks, memory with send(). False when the peer is
// gone or the file ended before the promised length (it shrank): the connection must then
// close.
bool send_body(int fd, const app::ResponseBody& body, timeout::Handle& timeout) {
  if (body.kind != app::ResponseBody::Kind::File) return send_all(fd, body.memory, 0, timeout);
  ChunkBuffer chunk;
  std::uint64_t offset = body.file_offset;
  for (std::uint64_t left = body.length; left > 0;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kFileChunkBytes));
    ssize_t n = fiber::Ring::current().read(body.file_fd, chunk.data(), want, offset);
    if (n <= 0) return false;
    const auto got = static_cast<std::uint64_t>(n);
    // MSG_MORE: the next chunk follows, so this one's last segment need not leave half full.
    if (!send_all(fd, {chunk.data(), got}, got < left ? MSG_MORE : 0, timeout)) return false;
    offset += got;
    left -= got;
  }
  return true;
}

// A connection's turn ends after this many answers, or this many gathered bytes: its answers
// are written and its fiber yields. 64 answers is four times the benchmark's pipeline depth, so
// a well-behaved pipelining client is never cut short; the bytes bound the buffer (a prepared
// answer is at most 16 KiB of body and its header).
constexpr std::size_t kAnswersPerTurn = 64;
constexpr std::size_t kGatheredBytesPerTurn = 64 << 10;

// Writes the gathered answers, if any, with one send(). False when the peer is gone.
bool write_gathered(int fd, app::HttpSession& session, timeout::Handle& timeout) {
  std::string& gathered = session.gathered();
  if (gathered.empty()) return true;
  const bool ok = send_all(fd, gathered, 0, timeout);
  gathered.clear();  // after the send: until then the session is not idle, and a stop waits
  return ok;
}

// The client's last answer: corked, its bytes stay in the socket until close(), which sends
// them with the FIN in one segment (nginx's tcp_nopush does the same). Without it the answer
// leaves at once and the FIN after it: one segment and one acknowledgement more per closed
// connection. A failure only loses that saving.
void hold_until_close(int fd) {
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on);
}

// Requests and responses on one connection until either side ends it: step 01's loop, with
// fiber-blocking calls, and the answers gathered until the fiber would wait.
void converse(int fd, app::HttpSession& session, timeout::Handle& timeout) {
  std::size_t answers_this_turn = 0;
  bool peer_gone = false;  // a write of gathered answers failed while the fiber went to wait
  for (;;) {
    switch (session.next()) {
      case Action::Receive: {
        // Every request received so far is answered: the gathered answers leave now, before the
        // fiber waits for more. Then an idle session gives its buffer back (receive_would_block).
        ssize_t got = fiber::Ring::current().recv_into(
            fd, [&] { return session.receive_space(); },
            [&] {
              answers_this_turn = 0;
              if (!write_gathered(fd, session, timeout)) peer_gone = true;
              session.receive_would_block();
            });
        if (peer_gone) return;
        if (got >= kProgressBytes) timeout.tickle();
        if (got > 0) {
          session.received(static_cast<std::size_t>(got));
        } else if (got == 0) {
          session.peer_closed();
        } else {
          return;  // reset: nobody is left to answer
        }
        break;
      }
      case Action::Respond: {
        timeout.tickle();  // a complete request
        const app::ResponseBody& body = session.body();
        std::string& gathered = session.gathered();
        bool ok = true;
        if (session.client_ends_after()) hold_until_close(fd);
        if (gathered.empty() && !session.input_buffered()) {
          // The one answer known (no pipelining): sent at once, without a copy, as in step 12.
          ok = send_all(fd, session.header(), body.length > 0 ? MSG_MORE : 0, timeout) &&
               send_body(fd, body, timeout);
        } else if (body.kind != app::ResponseBody::Kind::File &&
                   body.length <= kGatheredBytesPerTurn) {
          gathered.append(session.header());  // and its body, when it has one in memory
          gathered.append(body.memory);
        } else {
          // A file (or a large echo): the gathered bytes and this header in one send(MSG_MORE),
          // the body after them (step 06).
          gathered.append(session.header());
          ok = send_all(fd, gathered, body.length > 0 ? MSG_MORE : 0, timeout) &&
               send_body(fd, body, timeout);
          gathered.clear();
        }
        session.sent();
        if (!ok) return;
        if (++answers_this_turn >= kAnswersPerTurn || gathered.size() >= kGatheredBytesPerTurn) {
          // The turn is over: what is gathered leaves, and the other connections go first.
          if (!write_gathered(fd, session, timeout)) return;
          answers_this_turn = 0;
          fiber::Scheduler::current()->yield();
        }
        break;
      }
      case Action::Close:
        write_gathered(fd, session, timeout);  // the last answers, a Connection: close among them
        return;
    }
  }
}

// One I/O thread. Its scheduler and inbox are made by main() before the first accept: a thread
// that starts late must not find every descriptor taken.
struct IoThread {
  fiber::Scheduler scheduler;
  fiber::Handoff inbox;
  unsigned long served = 0;  // connections this thread served, printed on exit
};

using ConnectionTable = net::ConnectionTable<Connection>;

// Serves one connection on this thread, in a fiber of its own, until either side ends it or it
// times out.
void serve(int fd, ConnectionTable& connections, cache::FdCache& files, http::DateSource& dates,
           cache::ResponseCache& responses, timeout::TimeoutManager& timeouts) {
  Connection& connection =
      connections.add(std::make_unique<Connection>(fd, files, dates, responses));
  fiber::Ring::current().register_socket(fd);
  connection.timeout = timeouts.add([&connection] { connection.fiber->cancel(); });
  connection.fiber = fiber::Scheduler::current()->spawn([&connections, &connection] {
    // However the fiber ends (done, reset, cancelled), the socket closes and the entry goes.
    struct End {
      ConnectionTable& connections;
      Connection& connection;
      ~End() {
        connection.timeout->cancel();  // never timed out once it has ended
        fiber::Scheduler::current()->forget(connection.fd);
        connections.close(connection.fd);
      }
    } end{connections, connection};
    converse(connection.fd, connection.session, *connection.timeout);
  });
}

// Thread 0's acceptor: the only place that accepts, so no other thread is woken for nothing.
// Each connection goes to the next thread in turn: thread 0 serves its share directly, the
// others get theirs through their inbox.
void accept_connections(int listen_fd, std::vector<IoThread>& threads,
                        const std::function<void(int)>& serve_here) {
  std::size_t next = 0;
  for (;;) {
    int fd = fiber::Ring::current().accept(listen_fd);
    if (fd < 0) {
      // EMFILE, ENOBUFS...: the next try would fail alike, so this fiber sleeps (never spins).
      if (net::accept_error_may_last(errno)) fiber::sleep_for(net::kAcceptPauseLength);
      continue;  // EINTR, ECONNABORTED...: at once
    }
    if (next == 0) {
      serve_here(fd);
    } else if (!threads[next].inbox.push(fd)) {
      ::close(fd);  // that thread is stopping
    }
    next = (next + 1) % threads.size();
  }
}

// Stops the thread on SIGTERM/SIGINT: no new connections, idle ones close now (their fibers
// are cancelled), the others finish their response, for at most net::kDrainLimit.
void stop_on_signal(int listen_fd, fiber::Handoff& inbox, ConnectionTable& connections,
                    std::initializer_list<fiber::FiberPtr> services) {
  fiber::wait_readable(net::stop_fd());
  for (const fiber::FiberPtr& service : services) service->cancel();
  if (listen_fd >= 0) fiber::close(listen_fd);  // thread 0's: the others have -1
  inbox.close();  // the acceptor keeps (and closes) what it would push from now on
  fiber::drain_connections(connections);
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (net::Drain): one I/O thread, with everything it uses of its own.
void run_event_loop(std::size_t index, std::vector<IoThread>& threads, int listen_fd,
                    const net::ServerSetup& server) {
  IoThread& self = threads[index];
  fiber::Scheduler& scheduler = self.scheduler;
  fiber::Ring ring(scheduler);    // made here: only the thread that made a ring submits to it
  cache::CachedDateSource dates;  // one per thread: formats once a second
  cache::FdCache files(server.root_fd, std::chrono::seconds(server.options.fd_cache_seconds),
                       cache::capacity_per_cache(server.options.fd_cache_max, threads.size()));
  // Whole answers prepared ahead, as many entries as the fd cache may hold, the same period.
  cache::ResponseCache responses(
      server.root_fd, files, std::chrono::seconds(server.options.fd_cache_seconds),
      cache::capacity_per_cache(server.options.fd_cache_max, threads.size()));
  timeout::TimeoutManager timeouts;
  ConnectionTable connections;
  auto serve_here = [&](int fd) {
    ++self.served;
    serve(fd, connections, files, dates, responses, timeouts);
  };
  // Where this thread's connections come from: the listener on thread 0, the inbox elsewhere.
  fiber::FiberPtr intake = scheduler.spawn([&] {
    if (index == 0) return accept_connections(listen_fd, threads, serve_here);
    for (;;) std::ranges::for_each(self.inbox.receive(), serve_here);
  });
  fiber::FiberPtr pruner = scheduler.spawn([&] {
    for (int wait; (wait = files.milliseconds_until_prune()) >= 0;) {
      fiber::sleep_for(std::chrono::milliseconds(wait));
      files.prune_if_due();
      responses.prune_if_due();  // the same period: both drop what changed on disk
    }
  });
  const std::chrono::seconds timeout_period(server.options.timeout_seconds);
  fiber::FiberPtr reaper = scheduler.spawn([&] {
    for (;;) {
      fiber::sleep_for(timeout_period);
      timeouts.sweep();  // idle for a whole period: cancelled
    }
  });
  scheduler.spawn([&] {
    stop_on_signal(index == 0 ? listen_fd : -1, self.inbox, connections, {intake, pruner, reaper});
  });
  scheduler.run();  // until every fiber has ended
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server =
      net::set_up_server(argc, argv, net::kUsesThreads | net::kUsesFdCache | net::kUsesTimeout);
  if (const std::string why = fiber::io_uring_unavailable_reason(); !why.empty()) {
    std::fprintf(stderr, "tenk: this step needs io_uring: %s\n", why.c_str());
    return 2;
  }
  // Default: one per core this process may run on (taskset counts); two on one core take turns.
  const auto count = static_cast<std::size_t>(server.options.threads > 0 ? server.options.threads
                                                                         : net::usable_cores());
  std::vector<IoThread> threads(count);
  net::announce_listening(server.options, server.listen_fd);
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < count; ++i) {
    others.emplace_back(run_event_loop, i, std::ref(threads), server.listen_fd, std::cref(server));
  }
  run_event_loop(0, threads, server.listen_fd, server);  // thread 0 is the main thread
  for (std::thread& thread : others) thread.join();
  if (!server.options.quiet) {
    for (std::size_t i = 0; i < count; ++i) {
      std::fprintf(stderr, "thread %zu: %lu connections served\n", i, threads[i].served);
    }
  }
  return 0;
}
