// floor: the benchmark's "physical floor".
//
// A single-threaded epoll responder that does the least work an HTTP/1.1 server can do: it does not
// parse requests, it only counts their ends ("\r\n\r\n", even when split across reads) and answers
// each with the same pre-built 200 response, the size of a real answer for the benchmark's
// 151-byte index.html. The responses owed for one read go out in one send(). No server step can
// beat it on the same machine, so its row in the results says how much of a step's cost is the
// kernel and the client, and how much is the server's own work.
//
// It keeps the command-line contract of the step binaries (DESIGN.md §3), so the benchmark driver
// runs it like any step.
//
// Known limits, on purpose:
// - Request bodies are not understood: a request with a body is misread (the floor is only ever
//   sent GET and HEAD). HEAD gets the body anyway; "Connection: close" is ignored (the client's
//   close ends the connection).
// - The Date header is the time the floor started, formatted once: a real server formats it at
//   least once per second; the bytes on the wire are the same size.
// - On SIGTERM/SIGINT it exits at once, without letting responses in flight finish (there is no
//   per-request work to wait for).
// - When the client half-closes, responses it has not yet been sent are dropped.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

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
// carry up to that many responses.
constexpr int kCopies = 256;

constexpr std::size_t kRecvBufferSize = 64 * 1024;
constexpr int kMaxEvents = 1024;
constexpr int kAcceptPauseMs = 100;

constexpr char kUsage[] =
    "usage: floor [--bind ADDR] [--port N] [--quiet]\n"
    "             (also accepted and ignored: --root DIR --workers N --threads N --timeout S "
    "--fd-cache S)\n";

struct Options {
  std::string bind = "127.0.0.1";
  int port = 8080;
  bool quiet = false;
};

int UsageError(const std::string& why) {
  std::fprintf(stderr, "floor: %s\n%s", why.c_str(), kUsage);
  return 2;
}

bool ParseInt(std::string_view text, long long min, long long max, long long* out) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  *out = value;
  return true;
}

// Returns -1 when the options are fine, or the exit status (0 after --help, 2 on a usage error).
int ParseOptions(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    bool has_value = false;
    if (std::size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (flag == "--quiet") {
      if (has_value) return UsageError("--quiet takes no value");
      options->quiet = true;
      continue;
    }
    const bool known = flag == "--bind" || flag == "--port" || flag == "--root" ||
                       flag == "--workers" || flag == "--threads" || flag == "--timeout" ||
                       flag == "--fd-cache";
    if (!known) return UsageError("unknown flag " + std::string(flag));
    if (!has_value) {
      if (i + 1 >= argc) return UsageError(std::string(flag) + " needs a value");
      value = argv[++i];
    }
    const std::string bad = "bad value for " + std::string(flag) + ": '" + std::string(value) + "'";
    long long number = 0;
    if (flag == "--bind") {
      in_addr address{};
      if (inet_pton(AF_INET, std::string(value).c_str(), &address) != 1) return UsageError(bad);
      options->bind = std::string(value);
    } else if (flag == "--port") {
      if (!ParseInt(value, 0, 65535, &number)) return UsageError(bad);
      options->port = static_cast<int>(number);
    } else {
      // The flags of the contract that the floor has no use for: still checked, then ignored.
      bool valid = !value.empty();  // --root DIR
      if (flag == "--workers" || flag == "--threads") valid = ParseInt(value, 1, 4096, &number);
      if (flag == "--timeout" || flag == "--fd-cache") valid = ParseInt(value, 0, 1 << 30, &number);
      if (!valid) return UsageError(bad);
      std::fprintf(stderr, "floor: ignoring %.*s (the floor serves one canned response)\n",
                   static_cast<int>(flag.size()), flag.data());
    }
  }
  return -1;
}

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

// Counts the request ends ("\r\n\r\n") in data. *matched carries how much of a terminator the
// previous read ended with, so a terminator split across reads is still found. On a mismatch the
// match restarts at 1 if the byte is '\r' (the pattern's only self-overlap), else at 0.
std::uint64_t CountRequestEnds(const char* data, std::size_t len, std::uint8_t* matched) {
  static constexpr char kEnd[] = "\r\n\r\n";
  std::uint64_t count = 0;
  std::uint8_t m = *matched;
  const char* p = data;
  const char* const end = data + len;
  while (p < end) {
    if (m == 0) {  // nothing matched yet: jump straight to the next '\r'
      p = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)));
      if (p == nullptr) break;
    }
    const char c = *p++;
    if (c == kEnd[m]) {
      if (++m == 4) {
        ++count;
        m = 0;
      }
    } else {
      m = c == '\r' ? 1 : 0;
    }
  }
  *matched = m;
  return count;
}

std::int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// What the floor remembers per connection: no request bytes, only what it still owes.
struct Connection {
  std::uint64_t unsent = 0;    // response bytes owed to the client
  std::uint32_t send_pos = 0;  // offset, inside one response, of the next byte to send
  std::uint8_t matched = 0;    // terminator bytes matched at the end of the last read
  bool writing = false;        // the socket buffer was full: waiting for EPOLLOUT, not reading
};

class Floor {
 public:
  Floor(int epoll_fd, int listen_fd, int signal_fd, std::string response, bool quiet)
      : epoll_fd_(epoll_fd),
        listen_fd_(listen_fd),
        signal_fd_(signal_fd),
        response_len_(response.size()),
        quiet_(quiet),
        buffer_(kRecvBufferSize) {
    for (int i = 0; i < kCopies; ++i) responses_ += response;
  }

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
        if (fd == signal_fd_) return;
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
        // Without it, Nagle holds a response back while an earlier one is unacknowledged, which
        // with pipelining (or a delayed ACK) costs up to 40 ms: never the floor's behaviour.
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (!Watch(EPOLL_CTL_ADD, fd, EPOLLIN)) CloseConnection(fd);
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
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    const ssize_t n = recv(fd, buffer_.data(), buffer_.size(), 0);
    if (n > 0) {
      const std::uint64_t ends =
          CountRequestEnds(buffer_.data(), static_cast<std::size_t>(n), &c.matched);
      if (ends > 0) {
        c.unsent += ends * response_len_;
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
      const ssize_t n = send(fd, responses_.data() + c.send_pos, chunk, MSG_NOSIGNAL);
      if (n > 0) {
        c.unsent -= static_cast<std::uint64_t>(n);
        c.send_pos = static_cast<std::uint32_t>((c.send_pos + n) % response_len_);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {
        // The client is not reading: stop reading from it too (its requests wait in the kernel)
        // and wait until it can take more.
        if (!c.writing && Watch(EPOLL_CTL_MOD, fd, EPOLLOUT)) c.writing = true;
        return;
      } else {
        CloseConnection(fd);
        return;
      }
    }
    if (c.writing && Watch(EPOLL_CTL_MOD, fd, EPOLLIN)) c.writing = false;
  }

  void CloseConnection(int fd) {
    close(fd);  // also removes it from the epoll set
    open_[fd] = false;
  }

  const int epoll_fd_;
  const int listen_fd_;
  const int signal_fd_;
  const std::size_t response_len_;
  const bool quiet_;
  std::string responses_;     // kCopies copies of the canned response, back to back
  std::vector<char> buffer_;  // one receive buffer: requests are only scanned, never kept
  std::vector<Connection> connections_;  // indexed by file descriptor
  std::vector<bool> open_;               // which descriptors are connections (for CloseAll)
  bool accept_paused_ = false;
  std::int64_t resume_accept_ms_ = 0;  // while accept_paused_: when to watch the listener again
  bool warned_emfile_ = false;
};

// 10,000 connections need more descriptors than the usual soft limit of 1024.
void RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int Listen(const Options& options, sockaddr_in* bound) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // restart despite TIME_WAIT
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options.port));
  inet_pton(AF_INET, options.bind.c_str(), &address.sin_addr);
  socklen_t length = sizeof *bound;
  // The kernel caps the backlog at net.core.somaxconn (4096 by default since Linux 5.4).
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(bound), &length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const int status = ParseOptions(argc, argv, &options); status >= 0) return status;

  RaiseFdLimit();
  signal(SIGPIPE, SIG_IGN);  // a client that vanishes must not kill us (send also has MSG_NOSIGNAL)

  // SIGTERM and SIGINT arrive as readable data on a signalfd watched by the same epoll loop, so the
  // loop notices them at once, with no handler and no flag to poll.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);

  sockaddr_in bound{};
  const int listen_fd = Listen(options, &bound);
  if (listen_fd < 0) {
    std::fprintf(stderr, "floor: cannot listen on %s:%d: %s\n", options.bind.c_str(), options.port,
                 std::strerror(errno));
    return 1;
  }
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (signal_fd < 0 || epoll_fd < 0) {
    std::perror("floor: signalfd/epoll_create1");
    return 1;
  }
  for (int fd : {listen_fd, signal_fd}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
  }

  std::printf("listening on http://%s:%d/\n", options.bind.c_str(), ntohs(bound.sin_port));
  std::fflush(stdout);

  Floor floor(epoll_fd, listen_fd, signal_fd, BuildResponse(), options.quiet);
  floor.Run();
  floor.CloseAll();
  close(listen_fd);
  close(epoll_fd);
  close(signal_fd);
  if (!options.quiet) std::fprintf(stderr, "floor: stopped\n");
  return 0;
}
