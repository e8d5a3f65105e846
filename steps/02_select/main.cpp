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
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/files.hpp"
#include "app/session.hpp"
#include "http/date.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
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

// Beyond FD_SETSIZE select() cannot watch a socket (FD_SET would write past the fd_set), so
// such a connection gets a 503 and is closed at once. The response is small enough to fit in a
// fresh socket's buffer; if it does not, the client simply sees the close.
void refuse_with_503(int fd, http::DateSource& dates) {
  std::string response = app::error_response(503, dates.now());
  send(fd, response.data(), response.size(), 0);
  close(fd);
}

using ConnectionTable = net::ConnectionTable<Connection>;

// Accepts every pending connection. Returns false after an error that may last (EMFILE,
// ENOBUFS...: net::accept_error_may_last), for the loop to pause accepting.
bool accept_connections(int listen_fd, ConnectionTable& connections, app::FileOpener& files,
                        http::DateSource& dates) {
  for (;;) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return !net::accept_error_may_last(errno);  // EAGAIN: all accepted
    // Two more system calls per connection to make it non-blocking; step 05 folds them into
    // accept4().
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (fd >= FD_SETSIZE) {
      refuse_with_503(fd, dates);
      continue;
    }
    connections.add(std::make_unique<Connection>(fd, files, dates));
  }
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (net::Drain).
void run_event_loop(int listen_fd, app::FileOpener& files) {
  http::StrftimeDateSource dates;
  // Indexed by descriptor: select() speaks in descriptors, so this is the natural map.
  ConnectionTable connections;
  std::vector<bool> wants_write(FD_SETSIZE);  // blocked on a full send buffer, not on input
  net::Drain drain;
  net::AcceptPause accept_pause;  // out of descriptors: leave the listener alone for a while

  while (!drain.finished(connections.size())) {
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
    for (int fd = 0; fd < FD_SETSIZE; ++fd) {
      if (connections.find(fd)) watch(fd, wants_write[fd] ? writable : readable);
    }
    bool accepting = !drain.draining() && !accept_pause.paused();
    if (accepting) watch(listen_fd, readable);
    if (!drain.draining()) watch(net::stop_fd(), readable);
    // Wakes every tick only while something waits for time: a paused accept or a drain.
    timeval tick{0, net::kTickMilliseconds * 1000};
    if (select(max_fd + 1, &readable, &writable, nullptr, accepting ? nullptr : &tick) < 0) {
      continue;  // EINTR: the stop pipe tells us why
    }

    if (!drain.draining() && FD_ISSET(net::stop_fd(), &readable)) {
      // Stop: no new connections; idle ones close now, the others finish their response.
      close(listen_fd);
      drain.begin(connections);
      continue;
    }
    if (accepting && FD_ISSET(listen_fd, &readable) &&
        !accept_connections(listen_fd, connections, files, dates)) {
      accept_pause.begin();
    }
    for (int fd = 0; fd <= max_fd && fd < FD_SETSIZE; ++fd) {
      Connection* connection = connections.find(fd);
      if (!connection || !(FD_ISSET(fd, &readable) || FD_ISSET(fd, &writable))) continue;
      Progress progress = advance(*connection);
      wants_write[fd] = progress == Progress::WaitWrite;
      if (progress == Progress::Closed) connections.close(fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server = net::set_up_server(argc, argv, 0);
  app::DirectFileOpener files(server.root_fd);
  net::announce_listening(server.options, server.listen_fd);
  run_event_loop(server.listen_fd, files);
  return 0;
}
