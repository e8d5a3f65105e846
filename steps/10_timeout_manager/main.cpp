// Step 10: idle timeouts, with Warp's timeout manager.
//
// Steps 01-09 let a connection live as long as its client likes: a slowloris client that
// sends a byte now and then, or one that connects and never speaks, holds a socket, a session
// and (here) a fiber forever, and enough of them exhaust the server. Now each connection
// registers a handle with one timeout manager per worker (common/timeout) and tickles it when
// it makes progress; a reaper fiber sweeps all handles every --timeout seconds (default 30)
// and cancels the fiber of any connection idle for a whole period, which unwinds and closes
// its socket. A connection dies between T and 2T after its last progress.
//
// What counts as progress (as in Warp, against slowloris): a complete request, or a read of at
// least kProgressBytes; a connection idle between keep-alive requests counts as inactive. While
// a response is sent, every send() or sendfile() that moves bytes tickles, so a slow client
// that keeps reading is never cut off, and one that stops reading (a zero window) times out.
//
// The "new thundering herd": every worker's epoll watches the same listener, so one new
// connection can wake all of them, and all but one find nothing to accept (EAGAIN). Each
// worker counts its accepted connections and its empty wakeups and prints both on exit.
// EPOLLEXCLUSIVE (Linux >= 4.5) asks the kernel to wake only one waiter per event; it is OFF
// by default so the herd can be measured, and ON with the environment variable
// TENK_EPOLLEXCLUSIVE=1.
//
// Trigger mode: connections are registered once, edge-triggered, for input AND output. The
// fibers call recv() and send() until they say EAGAIN before they park, as edge triggering
// requires, and epoll_ctl() is never needed again when it switches direction. The listener
// is edge-triggered too: after a pause, the acceptor simply calls accept() again.
//
// What is still wrong, and fixed later:
//   - the workers share one listener: the new thundering herd → 11_parallel_io_managers
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "app/files.hpp"
#include "app/session.hpp"
#include "cache/date_cache.hpp"
#include "cache/fd_cache.hpp"
#include "fiber/drain.hpp"
#include "fiber/io.hpp"
#include "fiber/scheduler.hpp"
#include "net/event_loop.hpp"
#include "net/prefork.hpp"
#include "net/signals.hpp"
#include "net/startup.hpp"
#include "timeout/timeout_manager.hpp"

namespace {

using namespace tenk;
using Action = app::HttpSession::Action;

// One client connection: its socket, its HTTP session and the fiber that serves it.
struct Connection {
  Connection(int socket, app::FileOpener& files, http::DateSource& dates)
      : fd(socket), session(files, dates) {}

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
    ssize_t n = fiber::send(fd, data.data() + sent, data.size() - sent, flags);
    if (n < 0) return false;
    timeout.tickle();
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The body: a file range with sendfile(), memory with send(). False when the peer is gone or
// the file ended before the promised length (it shrank): the connection must then close.
bool send_body(int fd, const app::ResponseBody& body, timeout::Handle& timeout) {
  if (body.kind != app::ResponseBody::Kind::File) return send_all(fd, body.memory, 0, timeout);
  auto offset = static_cast<off_t>(body.file_offset);
  for (std::uint64_t left = body.length; left > 0;) {
    ssize_t n = fiber::sendfile(fd, body.file_fd, &offset, left);
    if (n <= 0) return false;
    timeout.tickle();
    left -= static_cast<std::uint64_t>(n);
  }
  return true;
}

// Requests and responses on one connection until either side ends it: step 01's loop, with
// fiber-blocking calls.
void converse(int fd, app::HttpSession& session, timeout::Handle& timeout) {
  for (;;) {
    switch (session.next()) {
      case Action::Receive: {
        // While it waits, an idle session gives its buffer back (receive_would_block).
        ssize_t got = fiber::recv_into(
            fd, [&] { return session.receive_space(); }, [&] { session.receive_would_block(); });
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
        // MSG_MORE while a body follows: header and body leave together (step 06).
        timeout.tickle();  // a complete request
        const app::ResponseBody& body = session.body();
        bool ok = send_all(fd, session.header(), body.length > 0 ? MSG_MORE : 0, timeout) &&
                  send_body(fd, body, timeout);
        session.sent();
        if (!ok) return;
        break;
      }
      case Action::Close:
        return;
    }
  }
}

// What a worker prints on exit: how well the kernel spread connections, and how often the
// herd woke this worker for nothing.
struct WorkerCounters {
  unsigned long accepted = 0;
  unsigned long empty_wakeups = 0;  // the listener was ready, but accept() found nothing
} counters;

std::uint32_t listener_events() {
  const char* exclusive = std::getenv("TENK_EPOLLEXCLUSIVE");
  std::uint32_t events = EPOLLIN;
  if (exclusive && exclusive[0] == '1') events |= EPOLLEXCLUSIVE;
  return events;
}

using ConnectionTable = net::ConnectionTable<Connection>;

// Serves one connection on this thread, in a fiber of its own, until either side ends it or it
// times out.
void serve(int fd, ConnectionTable& connections, cache::FdCache& files, http::DateSource& dates,
           timeout::TimeoutManager& timeouts) {
  Connection& connection = connections.add(std::make_unique<Connection>(fd, files, dates));
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

// Accepts connections until cancelled, a fiber for each. Written out rather than with
// fiber::accept() to count the herd's empty wakeups, as steps 04-08 do.
void accept_connections(int listen_fd, ConnectionTable& connections, cache::FdCache& files,
                        http::DateSource& dates, timeout::TimeoutManager& timeouts) {
  for (bool woken = false;;) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno == EAGAIN) {
      if (woken) ++counters.empty_wakeups;  // another worker won
      fiber::wait_readable(listen_fd);
      woken = true;
      continue;
    }
    woken = false;
    if (fd < 0) {
      // EMFILE, ENOBUFS...: the next try would fail alike, so this fiber sleeps (never spins).
      if (net::accept_error_may_last(errno)) fiber::sleep_for(net::kAcceptPauseLength);
      continue;  // EINTR, ECONNABORTED...: at once
    }
    ++counters.accepted;
    serve(fd, connections, files, dates, timeouts);
  }
}

// Stops the worker on SIGTERM/SIGINT: no new connections, idle ones close now (their fibers
// are cancelled), the others finish their response, for at most net::kDrainLimit.
void stop_on_signal(int listen_fd, ConnectionTable& connections,
                    std::initializer_list<fiber::FiberPtr> services) {
  fiber::wait_readable(net::stop_fd());
  for (const fiber::FiberPtr& service : services) service->cancel();
  fiber::close(listen_fd);
  fiber::drain_connections(connections);
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (net::Drain).
void run_event_loop(int listen_fd, cache::FdCache& files, std::chrono::seconds timeout_period) {
  cache::CachedDateSource dates;  // one per worker: formats once a second
  timeout::TimeoutManager timeouts;
  ConnectionTable connections;
  fiber::Scheduler scheduler;  // its epoll instance is the I/O manager
  // Registered before any wait: epoll takes EPOLLEXCLUSIVE only when a descriptor is added.
  if (!scheduler.watch(listen_fd, listener_events())) {
    std::perror("tenk: epoll");  // a loop that cannot watch its listener would never serve
    std::exit(1);
  }
  fiber::FiberPtr acceptor =
      scheduler.spawn([&] { accept_connections(listen_fd, connections, files, dates, timeouts); });
  fiber::FiberPtr pruner = scheduler.spawn([&] {
    for (int wait; (wait = files.milliseconds_until_prune()) >= 0; files.prune_if_due()) {
      fiber::sleep_for(std::chrono::milliseconds(wait));
    }
  });
  fiber::FiberPtr reaper = scheduler.spawn([&] {
    for (;;) {
      fiber::sleep_for(timeout_period);
      timeouts.sweep();  // idle for a whole period: cancelled
    }
  });
  scheduler.spawn([&] { stop_on_signal(listen_fd, connections, {acceptor, pruner, reaper}); });
  scheduler.run();  // until every fiber has ended
}

// A worker: a fiber scheduler in a child process. Never returns.
[[noreturn]] void run_worker(int listen_fd, cache::FdCache& files, const net::Options& options) {
  net::install_stop_signals();  // a stop pipe of its own, not the master's
  run_event_loop(listen_fd, files, std::chrono::seconds(options.timeout_seconds));
  if (!options.quiet) {
    std::fprintf(stderr, "worker %d: %lu connections accepted, %lu wakeups found nothing\n",
                 getpid(), counters.accepted, counters.empty_wakeups);
  }
  std::exit(0);
}

// Returns the worker's pid, or -1 when fork() failed (the master tries again on its next tick).
pid_t start_worker(int listen_fd, cache::FdCache& files, const net::Options& options) {
  pid_t pid = fork();
  if (pid == 0) run_worker(listen_fd, files, options);
  if (pid < 0) std::perror("tenk: fork");
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server =
      net::set_up_server(argc, argv, net::kUsesWorkers | net::kUsesFdCache | net::kUsesTimeout);
  // Each worker fills its own copy after fork(): one cache per process, no lock.
  cache::FdCache files(server.root_fd, std::chrono::seconds(server.options.fd_cache_seconds),
                       cache::capacity_per_cache(server.options.fd_cache_max));
  // The master restarts a worker that dies and forwards a stop signal (net/prefork.hpp).
  net::run_prefork_master(server,
                          [&] { return start_worker(server.listen_fd, files, server.options); });
  return 0;
}
