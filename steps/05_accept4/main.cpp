// Step 05: accept4(SOCK_NONBLOCK | SOCK_CLOEXEC).
//
// Steps 02-04 made each accepted socket non-blocking with two more system calls, fcntl(F_GETFL)
// then fcntl(F_SETFL). accept4() takes the socket flags as an argument and returns a socket
// that is already non-blocking (and close-on-exec, so a future exec() cannot leak it): three
// system calls per connection become one. Everything else is step 04.
//
// The "new thundering herd": every worker's epoll watches the same listener, so one new
// connection can wake all of them, and all but one find nothing to accept (EAGAIN). Each
// worker counts its accepted connections and its empty wakeups and prints both on exit.
// EPOLLEXCLUSIVE (Linux >= 4.5) asks the kernel to wake only one waiter per event; it is OFF
// by default so the herd can be measured, and ON with the environment variable
// TENK_EPOLLEXCLUSIVE=1.
//
// Trigger mode: connections are registered once, edge-triggered, for input AND output. The
// state machine already runs each one until recv() or send() says EAGAIN, as edge triggering
// requires, and epoll_ctl() is never needed again when it switches direction. The listener
// stays level-triggered: a connection left in the backlog (out of descriptors) is reported again.
//
// What is still wrong, and fixed later:
//   - the file is read() into memory and sent with two send()s       → 06_sendfile_msg_more
//   - strftime per response → 07_date_cache; open/fstat/close per request → 08_fd_cache
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "app/files.hpp"
#include "app/session.hpp"
#include "http/date.hpp"
#include "net/event_loop.hpp"
#include "net/prefork.hpp"
#include "net/signals.hpp"
#include "net/startup.hpp"

namespace {

using namespace tenk;
using Action = app::HttpSession::Action;

// One client connection: its socket, its HTTP session, and how far the response got.
struct Connection {
  Connection(int socket, app::FileOpener& files, http::DateSource& dates)
      : fd(socket), session(files, dates) {}

  int fd;
  app::HttpSession session;
  bool responding = false;  // a response is being sent: header_sent/body_sent say how far
  std::size_t header_sent = 0;
  std::string body;           // the file's bytes, read into memory (step 06 uses sendfile)
  std::string_view body_out;  // what to send after the header (body, or an in-memory reply)
  std::size_t body_sent = 0;
};

// Where advance() stopped.
enum class Progress { WaitRead, WaitWrite, Closed };

// Sends what is left of `data` from `sent` on. True when all of it is out; false when the
// socket is full (errno EAGAIN) or broken (any other errno).
bool send_rest(int fd, std::string_view data, std::size_t& sent) {
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Runs one connection until it would block (or ends): the state machine.
Progress advance(Connection& connection) {
  app::HttpSession& session = connection.session;
  for (;;) {
    if (connection.responding) {
      // Header and body in two send() calls, as in step 01.
      if (!send_rest(connection.fd, session.header(), connection.header_sent) ||
          !send_rest(connection.fd, connection.body_out, connection.body_sent)) {
        return errno == EAGAIN ? Progress::WaitWrite : Progress::Closed;
      }
      connection.responding = false;
      session.sent();
      std::string().swap(connection.body);  // an idle connection keeps no file in memory
    }
    switch (session.next()) {
      case Action::Receive: {
        std::span<char> space = session.receive_space();
        ssize_t got = recv(connection.fd, space.data(), space.size(), 0);
        if (got > 0) {
          session.received(static_cast<std::size_t>(got));
        } else if (got == 0) {
          session.peer_closed();
        } else if (errno == EAGAIN) {
          session.receive_would_block();  // an idle connection gives its buffer back
          return Progress::WaitRead;
        } else if (errno != EINTR) {
          return Progress::Closed;  // reset: nobody is left to answer
        }
        break;
      }
      case Action::Respond:
        if (!app::load_body(session.body(), connection.body, connection.body_out)) {
          return Progress::Closed;  // the file shrank or failed: the response is cut short
        }
        connection.header_sent = connection.body_sent = 0;
        connection.responding = true;
        break;
      case Action::Close:
        return Progress::Closed;
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

// Adds fd to the interest list. False when the kernel refuses (ENOMEM, or ENOSPC past
// fs.epoll.max_user_watches): no event would ever come for fd.
bool watch(int epoll_fd, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

using ConnectionTable = net::ConnectionTable<Connection>;

// Accepts every pending connection. Returns false after an error that may last (EMFILE,
// ENOBUFS...: net::accept_error_may_last), for the loop to pause accepting.
bool accept_connections(int listen_fd, int epoll_fd, ConnectionTable& connections,
                        app::FileOpener& files, http::DateSource& dates) {
  for (bool first = true;; first = false) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno == EAGAIN && first) ++counters.empty_wakeups;  // another worker won
    if (fd < 0) return !net::accept_error_may_last(errno);             // EAGAIN: all accepted
    ++counters.accepted;
    connections.add(std::make_unique<Connection>(fd, files, dates));
    if (!watch(epoll_fd, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) {
      connections.close(fd);  // it would never be served: refuse it now
    }
  }
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (net::Drain).
void run_event_loop(int listen_fd, app::FileOpener& files) {
  http::StrftimeDateSource dates;
  // Indexed by descriptor: epoll hands back the descriptor we registered. The table grows with
  // the highest descriptor in use instead of stopping at FD_SETSIZE: no wall.
  ConnectionTable connections;
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0 || !watch(epoll_fd, listen_fd, listener_events()) ||
      !watch(epoll_fd, net::stop_fd(), EPOLLIN)) {
    std::perror("tenk: epoll");  // a loop that cannot watch its listener would never serve
    std::exit(1);
  }
  net::Drain drain;
  net::AcceptPause accept_pause;  // out of descriptors: the listener is out of the interest list
  epoll_event events[net::kMaxEventsPerWait];

  while (!drain.finished(connections.size())) {
    if (accept_pause.ends_now() && !drain.draining() &&
        !watch(epoll_fd, listen_fd, listener_events())) {
      accept_pause.begin();  // the kernel refused (ENOMEM): try again after another pause
    }
    // Wakes every tick only while something waits for time: a paused accept or a drain.
    int timeout = accept_pause.paused() || drain.draining() ? net::kTickMilliseconds : -1;
    int ready = epoll_wait(epoll_fd, events, net::kMaxEventsPerWait, timeout);
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == net::stop_fd()) {
        // Stop: no new connections; idle ones close now, the others finish their response.
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, net::stop_fd(), nullptr);
        // Out of the interest list before closing: a descriptor leaves an epoll set only when
        // its last holder closes it, and the other workers still hold the listener.
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
        close(listen_fd);
        drain.begin(connections);
      } else if (fd == listen_fd) {
        if (drain.draining()) continue;
        if (!accept_connections(listen_fd, epoll_fd, connections, files, dates)) {
          epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          accept_pause.begin();
        }
      } else if (Connection* connection = connections.find(fd)) {
        // A connection closed earlier in this batch may have had its number reused by a new
        // one; advancing the new one once too often is harmless (recv says EAGAIN).
        if (advance(*connection) == Progress::Closed) connections.close(fd);
      }
    }
  }
}

// A worker: step 03's event loop in a child process. Never returns.
[[noreturn]] void run_worker(int listen_fd, app::FileOpener& files, bool quiet) {
  net::install_stop_signals();  // a stop pipe of its own, not the master's
  run_event_loop(listen_fd, files);
  if (!quiet) {
    std::fprintf(stderr, "worker %d: %lu connections accepted, %lu wakeups found nothing\n",
                 getpid(), counters.accepted, counters.empty_wakeups);
  }
  std::exit(0);
}

// Returns the worker's pid, or -1 when fork() failed (the master tries again on its next tick).
pid_t start_worker(int listen_fd, app::FileOpener& files, bool quiet) {
  pid_t pid = fork();
  if (pid == 0) run_worker(listen_fd, files, quiet);
  if (pid < 0) std::perror("tenk: fork");
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server = net::set_up_server(argc, argv, net::kUsesWorkers);
  app::DirectFileOpener files(server.root_fd);
  // The master restarts a worker that dies and forwards a stop signal (net/prefork.hpp).
  net::run_prefork_master(
      server, [&] { return start_worker(server.listen_fd, files, server.options.quiet); });
  return 0;
}
