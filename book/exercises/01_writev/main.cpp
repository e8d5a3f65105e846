// Exercise (chapter 1): step 01 with the header and the body in ONE writev() call.
//
// A variant of step 01, built by CI from book/exercises/ (build/bin/exercises/). Compare it with
// its step: diff -u steps/01_blocking_threads/main.cpp book/exercises/01_writev/main.cpp
//
// Step 01 sends the header and the body with two send() calls; with Nagle's algorithm on, the
// second small segment waits for the ACK of the first, which the client delays (chapter 1, the
// delayed-ACK cliff). writev() hands both buffers to the kernel in one call, so a small response
// leaves as one segment and nothing is held back. Everything else is step 01.
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
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

// Sends header and body with writev(): one call, one segment for a small response. A short
// write (a full socket buffer) continues from where it stopped.
bool send_all(int fd, std::string_view header, std::string_view body) {
  iovec parts[2] = {{const_cast<char*>(header.data()), header.size()},
                    {const_cast<char*>(body.data()), body.size()}};
  iovec* next = parts;
  int count = 2;
  while (count > 0) {
    ssize_t sent = writev(fd, next, count);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    auto done = static_cast<std::size_t>(sent);
    while (count > 0 && done >= next->iov_len) {  // whole parts sent
      done -= next->iov_len;
      ++next;
      --count;
    }
    if (count > 0) {  // a part sent in part
      next->iov_base = static_cast<char*>(next->iov_base) + done;
      next->iov_len -= done;
    }
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
        // One writev() for header and body: nothing for Nagle to hold back.
        // The body is read into memory first (step 06 sends files with sendfile() instead).
        std::string_view body;
        bool ok = app::load_body(session.body(), body_storage, body) &&
                  send_all(fd, session.header(), body);
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
      // Out of descriptors: the pending connection stays in the backlog. Retrying at once
      // would spin the CPU, so wait a little (or until a stop) for connections to close.
      if (net::out_of_descriptors(errno)) net::sleep_unless_stopped(net::kAcceptPauseLength);
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
