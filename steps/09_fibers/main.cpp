// Step 09: one fiber per connection, written as blocking code, on an epoll I/O manager.
//
// Steps 02-08 bought efficiency with a hand-written state machine: every connection remembers
// where it stopped (responding, header_sent, body_sent) because the loop must return to epoll
// whenever a call would block. Here each connection is a fiber (common/fiber) whose code reads
// like step 01's thread: receive a request, answer it, repeat. A call that would block parks
// the fiber, and the scheduler's epoll I/O manager resumes it when its socket is ready: the
// state lives in local variables, on the fiber's own 64 KiB stack. Each worker runs one
// scheduler; MSG_MORE + sendfile, the date cache and the fd cache (pruned by a fiber) stay.
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
//   - no idle timeout: a slow or silent client holds its connection forever → 10_timeout_manager
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

namespace {

using namespace tenk;
using Action = app::HttpSession::Action;

// One client connection: its socket, its HTTP session and the fiber that serves it.
struct Connection {
  Connection(int socket, app::FileOpener& files, http::DateSource& dates)
      : fd(socket), session(files, dates) {}

  int fd;
  app::HttpSession session;
  fiber::FiberPtr fiber;  // to cancel it when the server stops
};

// Sends all of `data`. False when the peer is gone.
bool send_all(int fd, std::string_view data, int flags) {
  for (std::size_t sent = 0; sent < data.size();) {
    ssize_t n = fiber::send(fd, data.data() + sent, data.size() - sent, flags);
    if (n < 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The body: a file range with sendfile(), memory with send(). False when the peer is gone or
// the file ended before the promised length (it shrank): the connection must then close.
bool send_body(int fd, const app::ResponseBody& body) {
  if (body.kind != app::ResponseBody::Kind::File) return send_all(fd, body.memory, 0);
  auto offset = static_cast<off_t>(body.file_offset);
  for (std::uint64_t left = body.length; left > 0;) {
    ssize_t n = fiber::sendfile(fd, body.file_fd, &offset, left);
    if (n <= 0) return false;
    left -= static_cast<std::uint64_t>(n);
  }
  return true;
}

// Requests and responses on one connection until either side ends it: step 01's loop, with
// fiber-blocking calls.
void converse(int fd, app::HttpSession& session) {
  for (;;) {
    switch (session.next()) {
      case Action::Receive: {
        // While it waits, an idle session gives its buffer back (receive_would_block).
        ssize_t got = fiber::recv_into(
            fd, [&] { return session.receive_space(); }, [&] { session.receive_would_block(); });
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
        const app::ResponseBody& body = session.body();
        bool ok =
            send_all(fd, session.header(), body.length > 0 ? MSG_MORE : 0) && send_body(fd, body);
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

// Serves one connection on this thread, in a fiber of its own, until either side ends it.
void serve(int fd, ConnectionTable& connections, cache::FdCache& files, http::DateSource& dates) {
  Connection& connection = connections.add(std::make_unique<Connection>(fd, files, dates));
  connection.fiber = fiber::Scheduler::current()->spawn([&connections, &connection] {
    // However the fiber ends (done, reset, cancelled), the socket closes and the entry goes.
    struct End {
      ConnectionTable& connections;
      int fd;
      ~End() {
        fiber::Scheduler::current()->forget(fd);
        connections.close(fd);
      }
    } end{connections, connection.fd};
    converse(connection.fd, connection.session);
  });
}

// Accepts connections until cancelled, a fiber for each. Written out rather than with
// fiber::accept() to count the herd's empty wakeups, as steps 04-08 do.
void accept_connections(int listen_fd, ConnectionTable& connections, cache::FdCache& files,
                        http::DateSource& dates) {
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
    serve(fd, connections, files, dates);
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
void run_event_loop(int listen_fd, cache::FdCache& files) {
  cache::CachedDateSource dates;  // one per worker: formats once a second
  ConnectionTable connections;
  fiber::Scheduler scheduler;  // its epoll instance is the I/O manager
  // Registered before any wait: epoll takes EPOLLEXCLUSIVE only when a descriptor is added.
  if (!scheduler.watch(listen_fd, listener_events())) {
    std::perror("tenk: epoll");  // a loop that cannot watch its listener would never serve
    std::exit(1);
  }
  fiber::FiberPtr acceptor =
      scheduler.spawn([&] { accept_connections(listen_fd, connections, files, dates); });
  fiber::FiberPtr pruner = scheduler.spawn([&] {
    for (int wait; (wait = files.milliseconds_until_prune()) >= 0; files.prune_if_due()) {
      fiber::sleep_for(std::chrono::milliseconds(wait));
    }
  });
  scheduler.spawn([&] { stop_on_signal(listen_fd, connections, {acceptor, pruner}); });
  scheduler.run();  // until every fiber has ended
}

// A worker: a fiber scheduler in a child process. Never returns.
[[noreturn]] void run_worker(int listen_fd, cache::FdCache& files, bool quiet) {
  net::install_stop_signals();  // a stop pipe of its own, not the master's
  run_event_loop(listen_fd, files);
  if (!quiet) {
    std::fprintf(stderr, "worker %d: %lu connections accepted, %lu wakeups found nothing\n",
                 getpid(), counters.accepted, counters.empty_wakeups);
  }
  std::exit(0);
}

// Returns the worker's pid, or -1 when fork() failed (the master tries again on its next tick).
pid_t start_worker(int listen_fd, cache::FdCache& files, bool quiet) {
  pid_t pid = fork();
  if (pid == 0) run_worker(listen_fd, files, quiet);
  if (pid < 0) std::perror("tenk: fork");
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server = net::set_up_server(argc, argv, net::kUsesWorkers | net::kUsesFdCache);
  // Each worker fills its own copy after fork(): one cache per process, no lock.
  cache::FdCache files(server.root_fd, std::chrono::seconds(server.options.fd_cache_seconds),
                       cache::capacity_per_cache(server.options.fd_cache_max));
  // The master restarts a worker that dies and forwards a stop signal (net/prefork.hpp).
  net::run_prefork_master(
      server, [&] { return start_worker(server.listen_fd, files, server.options.quiet); });
  return 0;
}
