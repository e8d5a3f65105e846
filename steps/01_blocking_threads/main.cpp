// Step 01: a thread per connection, blocking I/O.
//
// The first server anyone writes: accept a connection, start a thread for it, and let that
// thread read requests and write responses with plain blocking calls. The code reads top to
// bottom like the protocol itself. Its costs are what the next steps remove:
//   - a thread (stack, scheduler entry, context switches) per connection    → 02_select
//   - the file is read() into memory for every request, then copied out     → 06_sendfile_msg_more
//   - header and body leave in two send() calls, with Nagle's algorithm on   → 06_sendfile_msg_more
//   - the Date header is formatted with gmtime_r + strftime per response     → 07_date_cache
//   - the file is opened, fstat'ed and closed per request                     → 08_fd_cache
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>

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

// The sockets of live connections, so that a stop can reach threads blocked in recv().
class ConnectionRegistry {
 public:
  void add(int fd) {
    std::lock_guard lock(mutex_);
    fds_.insert(fd);
  }
  // Called by a connection's thread before it closes fd, so stop_all() never touches a
  // descriptor number that was closed and reused.
  void remove(int fd) {
    std::lock_guard lock(mutex_);
    fds_.erase(fd);
    if (fds_.empty()) all_gone_.notify_all();
  }
  // Shuts the receiving side of every connection: a thread blocked in recv() sees end of
  // stream and finishes; a thread sending a response completes it first.
  void stop_all() {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) shutdown(fd, SHUT_RD);
  }
  bool wait_until_empty(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return all_gone_.wait_for(lock, limit, [this] { return fds_.empty(); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_gone_;
  std::unordered_set<int> fds_;
};

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = send(fd, data, size, 0);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

// Requests and responses on one connection until either side ends it.
void converse(int fd, app::FileOpener& files) {
  http::StrftimeDateSource dates;  // per thread: it keeps its string in a buffer
  app::HttpSession session(files, dates);
  std::string body_storage;  // a file's bytes on their way out
  bool open = true;
  while (open) {
    // A stop reaches this thread as end of stream at its next recv(); a request it has already
    // read must still learn of it, so that its answer says "Connection: close".
    if (net::stop_requested()) session.stop();
    switch (session.next()) {
      case Action::Receive: {
        std::span<char> space = session.receive_space();
        ssize_t got = recv(fd, space.data(), space.size(), 0);
        if (got > 0) {
          session.received(static_cast<std::size_t>(got));
        } else if (got < 0 && errno == EINTR) {
          continue;
        } else {
          session.peer_closed();
        }
        break;
      }
      case Action::Respond: {
        // Two send() calls with Nagle on: the body may wait for the header's ACK.
        // The body is read into memory first (step 06 sends files with sendfile() instead).
        std::string_view header = session.header();
        std::string_view body;
        bool ok = app::load_body(session.body(), body_storage, body) &&
                  send_all(fd, header.data(), header.size()) &&
                  send_all(fd, body.data(), body.size());
        session.sent();
        open = ok;  // a failed send means the peer is gone: nothing more can be said
        break;
      }
      case Action::Close:
        open = false;
        break;
    }
  }
}

// One connection, start to end, in its own thread.
void serve_connection(int fd, app::FileOpener& files, ConnectionRegistry& registry) {
  converse(fd, files);
  registry.remove(fd);  // last use of shared state: after this, main() may return
  close(fd);
}

// Waits until the listener is readable or a stop signal arrived. Returns false on stop.
bool wait_for_connection(int listen_fd) {
  pollfd fds[2] = {{listen_fd, POLLIN, 0}, {net::stop_fd(), POLLIN, 0}};
  poll(fds, 2, -1);  // EINTR: a signal, seen through stop_requested()
  return !net::stop_requested();
}

}  // namespace

int main(int argc, char** argv) {
  net::ServerSetup server = net::set_up_server(argc, argv, 0);
  app::DirectFileOpener files(server.root_fd);
  net::announce_listening(server.options, server.listen_fd);
  // The listener is non-blocking (see net/startup.hpp), so that a connection reset between
  // poll() and accept() cannot leave this thread stuck in accept() where a stop cannot reach
  // it. Accepted sockets do not inherit O_NONBLOCK: connection threads block as intended.
  const int listen_fd = server.listen_fd;

  ConnectionRegistry registry;
  while (wait_for_connection(listen_fd)) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) {
      // Out of descriptors, or another error that may last (ENOBUFS, ENOMEM...): the pending
      // connection stays in the backlog. Retrying at once would spin the CPU, so wait a little
      // (or until a stop) for connections to close or memory to free up.
      if (net::accept_error_may_last(errno)) net::sleep_unless_stopped(net::kAcceptPauseLength);
      continue;  // EAGAIN (someone reset before we accepted), EINTR, ECONNABORTED...
    }
    registry.add(fd);
    try {
      std::thread(serve_connection, fd, std::ref(files), std::ref(registry)).detach();
    } catch (const std::system_error& error) {
      // Out of threads (RLIMIT_NPROC, memory for stacks): this connection cannot be served.
      // Closing it is the only honest answer; pause as for EMFILE so we do not spin.
      std::fprintf(stderr, "tenk: cannot start a thread: %s\n", error.what());
      registry.remove(fd);
      close(fd);
      net::sleep_unless_stopped(net::kAcceptPauseLength);
    }
  }

  // Stop: no new connections; idle ones end now, responses in flight get net::kDrainLimit.
  close(listen_fd);
  registry.stop_all();
  if (!registry.wait_until_empty(net::kDrainLimit)) {
    net::report_drain_timeout();
    std::_Exit(0);  // threads still use `files`: leave without running destructors
  }
  return 0;
}
