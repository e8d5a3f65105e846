// Step 04: prefork. N worker processes share one listening socket, each with its own epoll.
//
// Step 03 serves from one core. Here the master opens the listening socket, then forks
// --workers processes; each inherits the socket and runs step 03's event loop unchanged. The
// kernel spreads new connections over whichever workers call accept(). The master only
// supervises: it restarts a worker that dies and forwards SIGTERM/SIGINT.
//
// The "new thundering herd": every worker's epoll watches the same listener, so one new
// connection can wake all of them, and all but one find nothing to accept (EAGAIN). Each
// worker counts its accepted connections and its empty wakeups and prints both on exit.
// EPOLLEXCLUSIVE (Linux >= 4.5) asks the kernel to wake only one waiter per event; it is OFF
// by default so the herd can be measured, and ON with the environment variable
// TENK_EPOLLEXCLUSIVE=1.
//
// What is still wrong, and fixed later:
//   - accept() + fcntl(F_GETFL) + fcntl(F_SETFL) per connection: three system calls  → 05_accept4
//   - the file is read() into memory and sent with two send()s       → 06_sendfile_msg_more
//   - strftime per response → 07_date_cache; open/fstat/close per request → 08_fd_cache
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/files.hpp"
#include "app/session.hpp"
#include "http/date.hpp"
#include "net/listener.hpp"
#include "net/options.hpp"
#include "net/signals.hpp"

namespace {

using namespace tenk;
using Action = app::HttpSession::Action;
using Clock = std::chrono::steady_clock;

// One client connection: its socket, its HTTP session, and how far the response got.
struct Connection {
  Connection(int socket, app::FileOpener& files, http::DateSource& dates)
      : fd(socket), session(files, dates) {}

  int fd;
  app::HttpSession session;
  bool responding = false;  // a response is being sent: header_sent/body_sent say how far
  std::size_t header_sent = 0;
  std::string body;           // the file's bytes, read() into memory (step 06 uses sendfile)
  std::string_view body_out;  // what to send after the header (body, or an in-memory reply)
  std::size_t body_sent = 0;
};

// Where advance() stopped.
enum class Progress { WaitRead, WaitWrite, Closed };

// Reads the reply's file range into memory, so that sending can stop and resume anywhere.
bool load_body(Connection& connection) {
  const app::Reply& reply = connection.session.reply();
  connection.body.clear();
  connection.body_out = {};
  if (connection.session.body_kind() == app::Reply::Body::Memory) {
    connection.body_out = reply.memory;
  } else if (connection.session.body_kind() == app::Reply::Body::File) {
    connection.body.resize(reply.head.content_length);
    std::size_t done = 0;
    while (done < connection.body.size()) {
      ssize_t got =
          pread(reply.file.fd, connection.body.data() + done, connection.body.size() - done,
                static_cast<off_t>(reply.file_offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      done += static_cast<std::size_t>(got);
    }
    connection.body_out = connection.body;
  }
  return true;
}

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
          return Progress::WaitRead;
        } else if (errno != EINTR) {
          return Progress::Closed;  // reset: nobody is left to answer
        }
        break;
      }
      case Action::Respond:
        if (!load_body(connection)) return Progress::Closed;
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

void watch(int epoll_fd, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

// Accepts every pending connection. Returns false when out of descriptors (EMFILE/ENFILE).
bool accept_connections(int listen_fd, int epoll_fd,
                        std::vector<std::unique_ptr<Connection>>& connections,
                        std::size_t& live_connections, app::FileOpener& files,
                        http::DateSource& dates) {
  for (bool first = true;; first = false) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0 && errno == EAGAIN && first) ++counters.empty_wakeups;  // another worker won
    if (fd < 0) return !(errno == EMFILE || errno == ENFILE);          // EAGAIN: all accepted
    ++counters.accepted;
    // Two more system calls per connection to make it non-blocking; step 05 folds them into
    // accept4().
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (static_cast<std::size_t>(fd) >= connections.size()) connections.resize(fd + 1);
    connections[fd] = std::make_unique<Connection>(fd, files, dates);
    watch(epoll_fd, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
    ++live_connections;
  }
}

void close_connection(std::vector<std::unique_ptr<Connection>>& connections, int fd) {
  connections[fd].reset();
  close(fd);
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (up to 5 s).
void run_event_loop(int listen_fd, app::FileOpener& files) {
  http::StrftimeDateSource dates;
  // Indexed by descriptor: epoll hands back the descriptor we registered, so this is the
  // natural map. It grows with the highest descriptor in use instead of FD_SETSIZE: no wall.
  std::vector<std::unique_ptr<Connection>> connections;
  std::size_t live_connections = 0;
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  watch(epoll_fd, listen_fd, listener_events());
  watch(epoll_fd, net::stop_fd(), EPOLLIN);
  bool stopping = false;
  bool accept_paused = false;  // out of descriptors: the listener is out of the interest list
  Clock::time_point accept_paused_until{};
  Clock::time_point stop_deadline{};
  epoll_event events[256];

  for (;;) {
    if (stopping && live_connections == 0) break;
    if (stopping && Clock::now() >= stop_deadline) {
      std::fprintf(stderr, "tenk: connections still busy after 5 s, exiting\n");
      break;
    }
    if (accept_paused && !stopping && Clock::now() >= accept_paused_until) {
      watch(epoll_fd, listen_fd, listener_events());
      accept_paused = false;
    }
    // Wakes every 100 ms only while something waits for time: a paused accept or a stop.
    int timeout_ms = accept_paused || stopping ? 100 : -1;
    int ready = epoll_wait(epoll_fd, events, 256, timeout_ms);
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == net::stop_fd()) {
        if (stopping) continue;
        // Stop: no new connections; idle ones close now, the others finish their response.
        stopping = true;
        stop_deadline = Clock::now() + std::chrono::seconds(5);
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, net::stop_fd(), nullptr);
        // Out of the interest list before closing: a descriptor leaves an epoll set only when
        // its last holder closes it, and the other workers still hold the listener.
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
        close(listen_fd);
        for (std::size_t other = 0; other < connections.size(); ++other) {
          if (!connections[other]) continue;
          connections[other]->session.stop();
          if (connections[other]->session.idle()) {
            close_connection(connections, static_cast<int>(other));
            --live_connections;
          }
        }
      } else if (fd == listen_fd) {
        if (stopping) continue;
        if (!accept_connections(listen_fd, epoll_fd, connections, live_connections, files, dates)) {
          epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          accept_paused = true;
          accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
        }
      } else if (connections[fd]) {
        // A connection closed earlier in this batch may have had its number reused by a new
        // one; advancing the new one once too often is harmless (recv says EAGAIN).
        if (advance(*connections[fd]) == Progress::Closed) {
          close_connection(connections, fd);
          --live_connections;
        }
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

// The master: restart workers that die until a stop signal, then forward it and wait.
void supervise(std::vector<pid_t>& workers, int listen_fd, app::FileOpener& files, bool quiet) {
  while (!net::stop_requested()) {
    // Sleeps until a stop or for 200 ms, then reaps: no race between a check and a wait.
    pollfd stop = {net::stop_fd(), POLLIN, 0};
    poll(&stop, 1, 200);
    for (pid_t& worker : workers) {
      if (worker < 0 && !net::stop_requested()) worker = start_worker(listen_fd, files, quiet);
    }
    int status = 0;
    for (pid_t dead; (dead = waitpid(-1, &status, WNOHANG)) > 0;) {
      for (pid_t& worker : workers) {
        if (worker != dead || net::stop_requested()) continue;
        std::fprintf(stderr, "tenk: worker %d %s %d; starting a new one\n", dead,
                     WIFSIGNALED(status) ? "killed by signal" : "exited with status",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        worker = start_worker(listen_fd, files, quiet);
      }
    }
  }
  close(listen_fd);  // the master's copy: once the workers close theirs, connects are refused
  for (pid_t worker : workers) {
    if (worker > 0) kill(worker, SIGTERM);  // never kill(-1): that would signal everyone
  }
  for (pid_t worker : workers) {
    if (worker > 0) waitpid(worker, nullptr, 0);  // each stops within ~5 s
  }
}

}  // namespace

int main(int argc, char** argv) {
  net::Options options = net::parse_options(argc, argv, net::kUsesWorkers);
  net::install_stop_signals();
  net::raise_open_files_limit();
  int root_fd = app::open_document_root(options.root);
  if (root_fd < 0) {
    std::fprintf(stderr, "tenk: --root %s: %s\n", options.root.c_str(), std::strerror(errno));
    return 1;
  }
  app::DirectFileOpener files(root_fd);
  int listen_fd = net::open_listener(options);
  fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
  std::vector<pid_t> workers;
  for (int i = 0; i < options.workers; ++i) {
    workers.push_back(start_worker(listen_fd, files, options.quiet));
  }
  net::announce_listening(options, listen_fd);
  supervise(workers, listen_fd, files, options.quiet);
  return 0;
}
