// Step 11: one process, one fiber scheduler and epoll I/O manager per core, one acceptor.
//
// Steps 04-10 ran a process per core, all watching one listener: a new connection can wake
// every worker, and all but one find nothing to accept (the new thundering herd). Here one
// process runs --threads I/O threads (default: one per usable core), each with its own fiber
// scheduler and epoll (GHC's parallel I/O manager). Only thread 0 accepts; it hands each
// connection to the next thread in turn (round-robin: connections cost alike here, and a
// least-loaded choice would need counters shared on every request) through a fiber::Handoff,
// a locked vector plus an eventfd. A connection never leaves its thread, so nothing on the
// request path is shared: the date cache, fd cache and timeout manager are per thread.
//
// What counts as progress (as in Warp, against slowloris): a complete request, or a read of at
// least kProgressBytes; a connection idle between keep-alive requests counts as inactive. While
// a response is sent, every send() or sendfile() that moves bytes tickles, so a slow client
// that keeps reading is never cut off, and one that stops reading (a zero window) times out.
//
// Trigger mode: connections are registered once, edge-triggered, for input AND output. The
// fibers call recv() and send() until they say EAGAIN before they park, as edge triggering
// requires, and epoll_ctl() is never needed again when it switches direction. The listener
// is edge-triggered too: after a pause, the acceptor simply calls accept() again.
//
// What is still wrong: see book/14-conclusion.md.
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
#include <string_view>
#include <thread>
#include <vector>

#include "app/files.hpp"
#include "app/session.hpp"
#include "cache/date_cache.hpp"
#include "cache/fd_cache.hpp"
#include "fiber/drain.hpp"
#include "fiber/handoff.hpp"
#include "fiber/io.hpp"
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

// Thread 0's acceptor: the only place that accepts, so no other thread is woken for nothing.
// Each connection goes to the next thread in turn: thread 0 serves its share directly, the
// others get theirs through their inbox.
void accept_connections(int listen_fd, std::vector<IoThread>& threads,
                        const std::function<void(int)>& serve_here) {
  std::size_t next = 0;
  for (;;) {
    int fd = fiber::accept(listen_fd);
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
  cache::CachedDateSource dates;  // one per thread: formats once a second
  cache::FdCache files(server.root_fd, std::chrono::seconds(server.options.fd_cache_seconds),
                       cache::capacity_per_cache(server.options.fd_cache_max, threads.size()));
  timeout::TimeoutManager timeouts;
  ConnectionTable connections;
  auto serve_here = [&](int fd) {
    ++self.served;
    serve(fd, connections, files, dates, timeouts);
  };
  // Where this thread's connections come from: the listener on thread 0, the inbox elsewhere.
  fiber::FiberPtr intake = scheduler.spawn([&] {
    if (index == 0) return accept_connections(listen_fd, threads, serve_here);
    for (;;) std::ranges::for_each(self.inbox.receive(), serve_here);
  });
  fiber::FiberPtr pruner = scheduler.spawn([&] {
    for (int wait; (wait = files.milliseconds_until_prune()) >= 0; files.prune_if_due()) {
      fiber::sleep_for(std::chrono::milliseconds(wait));
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
