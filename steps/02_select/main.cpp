// Step 02: one thread, non-blocking sockets, a select() loop, a state machine per connection.
//
// Step 01 spent a thread on every connection, most of them waiting. Here one thread waits for
// all of them at once: select() says which sockets are ready, and each connection is a state
// machine (struct Connection) that runs as far as it can without blocking, then remembers
// where it stopped. The HTTP side (HttpSession) is unchanged; only the shape of the I/O is new.
//
// What is still wrong, and fixed later:
//   - select() copies and scans every descriptor on every call: O(n) per wakeup      → 03_epoll
//   - select() cannot watch descriptors >= FD_SETSIZE (1024): such connections get 503 → 03_epoll
//   - accept() + fcntl(F_GETFL) + fcntl(F_SETFL) per connection: three system calls  → 05_accept4
//   - one core only                                                                 → 04_prefork
//   - the file is read() into memory and sent with two send()s       → 06_sendfile_msg_more
//   - strftime per response → 07_date_cache; open/fstat/close per request → 08_fd_cache
#include <fcntl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/files.hpp"
#include "app/session.hpp"
#include "http/date.hpp"
#include "http/response.hpp"
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

// Beyond FD_SETSIZE select() cannot watch a socket (FD_SET would write past the fd_set), so
// such a connection gets a 503 and is closed at once. The response is small enough to fit in a
// fresh socket's buffer; if it does not, the client simply sees the close.
void refuse_with_503(int fd, http::DateSource& dates) {
  app::Reply reply;
  app::reply_with_error(503, reply);
  reply.head.date = dates.now();
  reply.head.connection = http::ConnectionHeader::Close;
  char header[512];
  std::size_t length = http::compose(reply.head, header);
  std::string response(header, length);
  response += reply.memory;
  send(fd, response.data(), response.size(), 0);
  close(fd);
}

// Accepts every pending connection. Returns false when out of descriptors (EMFILE/ENFILE).
bool accept_connections(int listen_fd, std::vector<std::unique_ptr<Connection>>& connections,
                        app::FileOpener& files, http::DateSource& dates) {
  for (;;) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return !(errno == EMFILE || errno == ENFILE);  // EAGAIN: all accepted
    // Two more system calls per connection to make it non-blocking; step 05 folds them into
    // accept4().
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (fd >= FD_SETSIZE) {
      refuse_with_503(fd, dates);
      continue;
    }
    connections[fd] = std::make_unique<Connection>(fd, files, dates);
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
  // Indexed by descriptor: select() speaks in descriptors, so this is the natural map.
  std::vector<std::unique_ptr<Connection>> connections(FD_SETSIZE);
  std::vector<bool> wants_write(FD_SETSIZE);  // blocked on a full send buffer, not on input
  bool stopping = false;
  Clock::time_point accept_paused_until{};  // out of descriptors: leave the listener alone
  Clock::time_point stop_deadline{};

  for (;;) {
    // select() forgets everything between calls: the sets are rebuilt from scratch each time,
    // and the kernel walks all of them. This O(n) per wakeup is what step 03 removes.
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    int max_fd = -1;
    auto watch = [&max_fd](int fd, fd_set& set) {
      FD_SET(fd, &set);
      if (fd > max_fd) max_fd = fd;
    };
    bool any_connection = false;
    for (int fd = 0; fd < FD_SETSIZE; ++fd) {
      if (!connections[fd]) continue;
      any_connection = true;
      watch(fd, wants_write[fd] ? writable : readable);
    }
    if (stopping && !any_connection) break;
    if (stopping && Clock::now() >= stop_deadline) {
      std::fprintf(stderr, "tenk: connections still busy after 5 s, exiting\n");
      break;
    }
    Clock::time_point now = Clock::now();
    bool accepting = !stopping && now >= accept_paused_until;
    if (accepting) watch(listen_fd, readable);
    if (!stopping) watch(net::stop_fd(), readable);
    timeval tick{0, 100 * 1000};  // wakes to resume accepting or to check the stop deadline
    bool needs_tick = !accepting;
    if (select(max_fd + 1, &readable, &writable, nullptr, needs_tick ? &tick : nullptr) < 0) {
      continue;  // EINTR: the stop pipe tells us why
    }

    if (!stopping && FD_ISSET(net::stop_fd(), &readable)) {
      // Stop: no new connections; idle ones close now, the others finish their response.
      stopping = true;
      stop_deadline = Clock::now() + std::chrono::seconds(5);
      close(listen_fd);
      for (int fd = 0; fd < FD_SETSIZE; ++fd) {
        if (!connections[fd]) continue;
        connections[fd]->session.stop();
        if (connections[fd]->session.idle()) close_connection(connections, fd);
      }
      continue;
    }
    if (accepting && FD_ISSET(listen_fd, &readable) &&
        !accept_connections(listen_fd, connections, files, dates)) {
      accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
    }
    for (int fd = 0; fd <= max_fd && fd < FD_SETSIZE; ++fd) {
      if (!connections[fd] || !(FD_ISSET(fd, &readable) || FD_ISSET(fd, &writable))) continue;
      Progress progress = advance(*connections[fd]);
      wants_write[fd] = progress == Progress::WaitWrite;
      if (progress == Progress::Closed) close_connection(connections, fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  net::Options options = net::parse_options(argc, argv, 0);
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
  net::announce_listening(options, listen_fd);
  run_event_loop(listen_fd, files);
  return 0;
}
