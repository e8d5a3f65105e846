// Exercise (chapter 2): step 02 with poll() instead of select().
//
// A variant between steps 02 and 03, built by CI from book/exercises/ (build/bin/exercises/).
// Compare it with its step: diff -u steps/02_select/main.cpp book/exercises/02_poll/main.cpp
//
// poll() takes an array of pollfd {fd, events, revents} instead of three fixed bitmaps, so a
// descriptor of any number can be watched: the FD_SETSIZE wall and its 503 are gone. What stays
// is the O(n) cost: the array is rebuilt from the connection table and handed to the kernel on
// every call, the kernel looks at every entry, and the loop walks every entry afterwards.
// Step 03 removes that with epoll.
#include <fcntl.h>
#include <poll.h>
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
  bool wants_write = false;  // blocked on a full send buffer, not on input
  bool responding = false;   // a response is being sent: header_sent/body_sent say how far
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

using ConnectionTable = net::ConnectionTable<Connection>;

// Accepts every pending connection. Returns false when out of descriptors (EMFILE/ENFILE).
bool accept_connections(int listen_fd, ConnectionTable& connections, app::FileOpener& files,
                        http::DateSource& dates) {
  for (;;) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return !net::out_of_descriptors(errno);  // EAGAIN: all accepted
    // Two more system calls per connection to make it non-blocking; step 05 folds them into
    // accept4().
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    connections.add(std::make_unique<Connection>(fd, files, dates));
  }
}

// Serves connections from listen_fd until a stop signal, then lets responses in flight
// finish (net::Drain).
void run_event_loop(int listen_fd, app::FileOpener& files) {
  http::StrftimeDateSource dates;
  ConnectionTable connections;
  std::vector<pollfd> watched;  // rebuilt on every call, like step 02's fd_sets
  net::Drain drain;
  net::AcceptPause accept_pause;  // out of descriptors: leave the listener alone for a while

  while (!drain.finished(connections.size())) {
    // poll() forgets everything between calls too: the array is rebuilt from scratch each time,
    // and the kernel walks all of it. No FD_SETSIZE limit, but still O(n) per wakeup.
    watched.clear();
    bool accepting = !drain.draining() && !accept_pause.paused();
    if (accepting) watched.push_back({listen_fd, POLLIN, 0});
    if (!drain.draining()) watched.push_back({net::stop_fd(), POLLIN, 0});
    connections.for_each([&watched](Connection& connection) {
      short events = connection.wants_write ? POLLOUT : POLLIN;
      watched.push_back({connection.fd, events, 0});
    });
    // Wakes every tick only while something waits for time: a paused accept or a drain.
    int timeout = accepting ? -1 : net::kTickMilliseconds;
    if (poll(watched.data(), watched.size(), timeout) < 0) continue;  // EINTR: see the stop pipe

    for (const pollfd& entry : watched) {
      if (entry.revents == 0) continue;
      if (entry.fd == net::stop_fd()) {
        // Stop: no new connections; idle ones close now, the others finish their response.
        close(listen_fd);
        drain.begin(connections);
        break;  // the array names the listener, closed now: poll again from a fresh one
      }
      if (entry.fd == listen_fd) {
        if (!accept_connections(listen_fd, connections, files, dates)) accept_pause.begin();
        continue;  // new connections are watched from the next call on
      }
      // Only descriptors of connections that were live when the array was built come here, and
      // a connection closed in this walk frees its number only for the next accept.
      Connection* connection = connections.find(entry.fd);
      if (!connection) continue;
      Progress progress = advance(*connection);
      connection->wants_write = progress == Progress::WaitWrite;
      if (progress == Progress::Closed) connections.close(entry.fd);
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
