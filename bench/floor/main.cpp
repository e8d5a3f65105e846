// floor: the benchmark's "physical floor".
//
// A single-threaded responder that does the least work an HTTP/1.1 server can do: it does not
// parse requests, it only counts their ends ("\r\n\r\n", even when split across reads) and answers
// each with the same pre-built 200 response, the size of a real answer for the benchmark's
// 151-byte index.html. The responses owed for one read go out in one send(). No server step can
// beat it on the same machine, so its row in the results says how much of a step's cost is the
// kernel and the client, and how much is the server's own work. The ladder flags any scenario
// where a server beats it by more than the spread: then the floor is doing something a server
// need not, and must be fixed.
//
// It has two loops, chosen at start: epoll (this file), and io_uring (uring.cpp) when
// TENK_IO_URING=1, the ladder's row "floor+io_uring". The least work the kernel allows depends on
// how a server asks it for work: an epoll loop makes a system call for every accept, recv, send
// and close, an io_uring loop one for a whole turn of them, so an epoll floor alone would not
// bound a server built on io_uring (step 14). Each loop is a floor; the ladder checks every server
// against the better of the two, figure by figure. Both share the request side (requests.hpp:
// the counting of request ends, the "Connection: close" test) and the canned responses.
//
// It keeps the command-line contract of the step binaries (DESIGN.md §3), so the benchmark driver
// runs it like any step. Its start-up is the steps' own, from tenk_common (common/net): the option
// parser (options.hpp), the listening socket and the startup line (listener.hpp), the open-files
// limit, and the stop signals (signals.hpp). That code runs once, before the first request, so it
// costs the floor nothing where it is measured; sharing it means the floor accepts, rejects and
// announces exactly what the steps do, and cannot drift from them. What it must not share is the
// request path (common/http, common/app): the floor is the floor because it skips that work.
//
// Known limits, on purpose:
// - Request bodies are not understood: a request with a body is misread (the floor is only ever
//   sent GET and HEAD). HEAD gets the body anyway.
// - "Connection: close" is honoured (the floor closes once the responses owed are sent, so a close
//   run does not wait for the client to close first) when the header line arrives in the same
//   read as its request's end, which is always the case for the benchmark's small requests. The
//   response does not carry "Connection: close" itself. HTTP/1.0 is answered as if keep-alive.
//
// What keeps the epoll loop the floor in every scenario it runs (the ladder flags any scenario
// where a server beats it by more than the spread): a new connection is read at once, before it
// enters the epoll set, so a one-request connection costs accept4, recv, send and close;
// TCP_NODELAY is set once on the listener and inherited by every connection; the responses owed for
// one read leave in one send(); before a close, the last of them are held with MSG_MORE so that
// close() sends them with the FIN in one segment (nginx and step 13 do the same with TCP_CORK).
// - The Date header is the time the floor started, formatted once: a real server formats it at
//   least once per second; the bytes on the wire are the same size.
// - On SIGTERM/SIGINT it exits at once, without letting responses in flight finish (there is no
//   per-request work to wait for).
// - When the client half-closes, responses it has not yet been sent are dropped.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "net/listener.hpp"
#include "net/options.hpp"
#include "net/signals.hpp"
#include "requests.hpp"
#include "uring.hpp"

namespace {

// Exactly as long as bench/www/index.html (151 bytes), the file the benchmark's seed run fetches.
constexpr std::string_view kBody =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head><title>tenk floor</title></head>\n"
    "<body>\n"
    "<p>The physical floor: one canned response, sent from memory.</p>\n"
    "</body>\n"
    "</html>\n";
static_assert(kBody.size() == 151);

// A response can be owed many times over (pipelining); kCopies back-to-back copies let one send()
// carry up to that many responses (in both loops).
constexpr int kCopies = 256;

constexpr std::size_t kRecvBufferSize = 64 * 1024;
constexpr int kMaxEvents = 1024;
constexpr int kAcceptPauseMs = 100;

// Headers like a real static-file server's for this file, so the bytes per response match.
std::string BuildResponse() {
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  std::string response = "HTTP/1.1 200 OK\r\nServer: tenk\r\n";
  response += "Date: " + std::string(date) + "\r\n";
  response += "Content-Type: text/html\r\n";
  response += "Content-Length: " + std::to_string(kBody.size()) + "\r\n";
  response += "Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n";
  response += "ETag: \"97-65920080\"\r\n";  // size-mtime in hex, as many servers make it
  response += "Accept-Ranges: bytes\r\n\r\n";
  response += kBody;
  return response;
}

std::int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// What the floor remembers per connection: no request bytes, only what it still owes.
struct Connection {
  std::uint64_t unsent = 0;      // response bytes owed to the client
  std::uint32_t send_pos = 0;    // offset, inside one response, of the next byte to send
  std::uint8_t matched = 0;      // terminator bytes matched at the end of the last read
  bool writing = false;          // the socket buffer was full: waiting for EPOLLOUT, not reading
  bool close_when_sent = false;  // a request said "Connection: close"
  bool watched = false;          // in the epoll set (not yet, right after accept)
};

class Floor {
 public:
  Floor(int epoll_fd, int listen_fd, int stop_fd, const std::string& responses,
        std::size_t response_len, bool quiet)
      : epoll_fd_(epoll_fd),
        listen_fd_(listen_fd),
        stop_fd_(stop_fd),
        responses_(responses),
        response_len_(response_len),
        quiet_(quiet),
        buffer_(kRecvBufferSize) {}

  // Runs until SIGTERM or SIGINT.
  void Run() {
    epoll_event events[kMaxEvents];
    for (;;) {
      int wait_ms = -1;
      if (accept_paused_) {
        wait_ms = static_cast<int>(std::max<std::int64_t>(0, resume_accept_ms_ - NowMs()));
        if (wait_ms == 0) ResumeAccepting();
      }
      const int n = epoll_wait(epoll_fd_, events, kMaxEvents, accept_paused_ ? wait_ms : -1);
      if (n < 0 && errno != EINTR) {
        std::perror("floor: epoll_wait");
        return;
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == stop_fd_) return;
        if (fd == listen_fd_) {
          AcceptAll();
        } else {
          OnConnectionEvent(fd, events[i].events);
        }
      }
    }
  }

  // Closes every connection (the process is about to exit).
  void CloseAll() {
    for (std::size_t fd = 0; fd < open_.size(); ++fd) {
      if (open_[fd]) close(static_cast<int>(fd));
    }
  }

 private:
  // Level-triggered, for the listener and for connections: one recv() per readiness is enough
  // (what is left is reported again), while edge-triggered would need a recv() until EAGAIN, one
  // more system call per request. Nothing is ever lost if we stop early, e.g. when reads pause.
  bool Watch(int op, int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    return epoll_ctl(epoll_fd_, op, fd, &event) == 0;
  }

  // Watches a connection for `events`, adding it to the epoll set the first time.
  bool Arm(int fd, Connection& c, std::uint32_t events) {
    if (!Watch(c.watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, events)) return false;
    c.watched = true;
    return true;
  }

  void AcceptAll() {
    for (;;) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        if (static_cast<std::size_t>(fd) >= connections_.size()) {
          connections_.resize(static_cast<std::size_t>(fd) + 1);
          open_.resize(static_cast<std::size_t>(fd) + 1);
        }
        connections_[fd] = Connection{};
        open_[fd] = true;
        // Read at once: a client sends its request right after connecting, so it is often
        // already there, and a connection that asks to close is then served and closed without
        // ever entering the epoll set (accept4, recv, send, close). Otherwise recv says EAGAIN
        // and the connection is watched like any other.
        Read(fd, connections_[fd]);
        if (open_[fd] && !connections_[fd].watched && !Arm(fd, connections_[fd], EPOLLIN)) {
          CloseConnection(fd);
        }
        continue;
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of file descriptors: the pending connection stays in the backlog and the listener
        // stays readable, so polling it again at once would spin. Stop watching it for a while;
        // the open connections keep being served, and a closed one frees a descriptor.
        if (!quiet_ && !warned_emfile_) {
          std::fprintf(stderr, "floor: accept: %s; pausing accepts for %d ms at a time\n",
                       std::strerror(errno), kAcceptPauseMs);
          warned_emfile_ = true;
        }
        Watch(EPOLL_CTL_MOD, listen_fd_, 0);
        accept_paused_ = true;
        resume_accept_ms_ = NowMs() + kAcceptPauseMs;
      }
      return;  // EAGAIN: the backlog is empty
    }
  }

  void ResumeAccepting() {
    Watch(EPOLL_CTL_MOD, listen_fd_, EPOLLIN);
    accept_paused_ = false;
  }

  void OnConnectionEvent(int fd, std::uint32_t events) {
    Connection& c = connections_[fd];
    if (c.writing) {
      Flush(fd, c);  // EPOLLOUT, or an error that send() will report
      return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Read(fd, c);
  }

  // One recv(), and the responses it makes owed.
  void Read(int fd, Connection& c) {
    const ssize_t n = recv(fd, buffer_.data(), buffer_.size(), 0);
    if (n > 0) {
      const std::uint64_t ends =
          tenk::floor::CountRequestEnds(buffer_.data(), static_cast<std::size_t>(n), &c.matched);
      if (ends > 0) {
        c.unsent += ends * response_len_;
        // Closing first, like a real server, spares the client the close and the server the
        // wait for it: a close run is then not slowed by what the floor leaves undone.
        if (tenk::floor::AsksToClose(buffer_.data(), static_cast<std::size_t>(n))) {
          c.close_when_sent = true;
        }
        Flush(fd, c);
      }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      CloseConnection(fd);  // the client closed, or the connection failed
    }
  }

  // Sends what is owed. Every response is the same bytes, so what is owed is always a suffix of
  // one response followed by whole ones: a slice of responses_ starting at send_pos.
  void Flush(int fd, Connection& c) {
    while (c.unsent > 0) {
      const std::size_t chunk = std::min<std::uint64_t>(c.unsent, responses_.size() - c.send_pos);
      // The last bytes before a close are held (MSG_MORE): close() then sends them with the FIN,
      // in one segment, as nginx's corked close does; without it the FIN costs a segment more.
      const int more = c.close_when_sent && chunk == c.unsent ? MSG_MORE : 0;
      const ssize_t n = send(fd, responses_.data() + c.send_pos, chunk, MSG_NOSIGNAL | more);
      if (n > 0) {
        c.unsent -= static_cast<std::uint64_t>(n);
        c.send_pos = static_cast<std::uint32_t>((c.send_pos + n) % response_len_);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        // The client is not reading: stop reading from it too (its requests wait in the kernel)
        // and wait until it can take more.
        if (!c.writing && Arm(fd, c, EPOLLOUT)) c.writing = true;
        return;
      } else {
        CloseConnection(fd);
        return;
      }
    }
    if (c.close_when_sent) {
      CloseConnection(fd);
      return;
    }
    if (c.writing && Arm(fd, c, EPOLLIN)) c.writing = false;
  }

  void CloseConnection(int fd) {
    close(fd);  // also removes it from the epoll set
    open_[fd] = false;
  }

  const int epoll_fd_;
  const int listen_fd_;
  const int stop_fd_;
  const std::string& responses_;  // kCopies copies of the canned response, back to back
  const std::size_t response_len_;
  const bool quiet_;
  std::vector<char> buffer_;  // one receive buffer: requests are only scanned, never kept
  std::vector<Connection> connections_;  // indexed by file descriptor
  std::vector<bool> open_;               // which descriptors are connections (for CloseAll)
  bool accept_paused_ = false;
  std::int64_t resume_accept_ms_ = 0;  // while accept_paused_: when to watch the listener again
  bool warned_emfile_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // The flags of the steps' contract; the floor uses none beyond --bind, --port and --quiet, and
  // says so (one line each) for --workers, --threads, --timeout, --fd-cache and --fd-cache-max.
  const tenk::net::Options options = tenk::net::parse_options(argc, argv, 0);
  tenk::net::raise_open_files_limit();  // 10,000 connections need more than the usual 1024
  // SIGPIPE ignored (send also has MSG_NOSIGNAL); SIGTERM and SIGINT make stop_fd() readable,
  // and the epoll loop watches it like any connection: no flag to poll.
  tenk::net::install_stop_signals();

  const int listen_fd = tenk::net::open_listener(options);  // exits with the reason on failure
  // Accepted sockets inherit TCP_NODELAY from the listener (Linux), which saves a setsockopt()
  // per connection. Without it, Nagle holds a response back while an earlier one is
  // unacknowledged, which with pipelining (or a delayed ACK) costs up to 40 ms.
  const int one = 1;
  setsockopt(listen_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const std::string response = BuildResponse();
  std::string responses;
  for (int i = 0; i < kCopies; ++i) responses += response;

  const auto set = [](const char* variable) {
    const char* value = std::getenv(variable);
    return value != nullptr && std::string_view(value) == "1";
  };
  // TENK_SQPOLL=1 implies the io_uring loop: it is that loop with a polling kernel thread.
  if (set("TENK_IO_URING") || set("TENK_SQPOLL")) {
    const int status =
        tenk::floor::RunIoUring(options, listen_fd, responses, response.size(), set("TENK_SQPOLL"));
    close(listen_fd);
    if (status == 0 && !options.quiet) std::fprintf(stderr, "floor: stopped\n");
    return status;
  }
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  // Non-blocking: AcceptAll() accepts until EAGAIN.
  if (epoll_fd < 0 || fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) != 0) {
    std::perror("floor: epoll_create1/fcntl");
    return 1;
  }
  for (int fd : {listen_fd, tenk::net::stop_fd()}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
  }
  tenk::net::announce_listening(options, listen_fd);

  Floor floor(epoll_fd, listen_fd, tenk::net::stop_fd(), responses, response.size(), options.quiet);
  floor.Run();
  floor.CloseAll();
  close(listen_fd);
  close(epoll_fd);
  if (!options.quiet) std::fprintf(stderr, "floor: stopped\n");
  return 0;
}
