#include "worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tenk::loadgen {
namespace {

constexpr std::uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;

// Once the prefix (request line and Host) is out, a slowloris connection sends this header line
// over and over, so the request never ends. At one byte a second it takes hours to reach the
// server's header size limit.
constexpr char kSlowFiller[] = "X-Slowloris: 1\r\n";

}  // namespace

void WindowEdge(const char* what) noexcept {
  std::printf("%s\n", what);
  std::fflush(stdout);
  char line[64];
  if (std::fgets(line, sizeof line, stdin) == nullptr) {
    // The end of stdin (or no stdin): nobody to wait for, go on at once.
  }
}

std::int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

Worker::Worker(const RunConfig& config, RunShared& shared, WorkerShare share)
    : config_(config),
      shared_(shared),
      share_(share),
      depth_(static_cast<std::uint32_t>(config.options->pipeline)),
      connections_(static_cast<std::size_t>(share.load + share.idle + share.slowloris)),
      send_times_(static_cast<std::size_t>(share.load) * depth_),
      recv_buffer_(new char[kRecvBufferSize]) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    std::perror("loadgen: epoll_create1");
    std::exit(1);
  }
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    const auto n = static_cast<int>(i);
    connections_[i].role = n < share.load                ? Role::kLoad
                           : n < share.load + share.idle ? Role::kIdle
                                                         : Role::kSlowloris;
    connections_[i].parser.Reset(config.head);
  }
}

Worker::~Worker() {
  for (Connection& c : connections_) {
    if (c.fd >= 0) close(c.fd);
  }
  close(epoll_fd_);
}

void Worker::Run() {
  SetUpExtras();
  if (config_.options->window) WarmUp();
  // Every worker waits here, so the measured run starts at the same moment for all of them, with
  // the idle and slowloris connections already in place (and, with --window, the load
  // connections open and warm).
  shared_.start_line->arrive_and_wait();
  const std::int64_t start = shared_.start_ns.load();
  deadline_ns_ = start + static_cast<std::int64_t>(config_.options->duration_s * 1e9);

  StartLoad(start);
  Loop();

  // Notice the server closes that are still queued, then count the idle connections left.
  const int n = epoll_wait(epoll_fd_, events_, kMaxEvents, 0);
  for (int i = 0; i < n; ++i) {
    Dispatch(static_cast<std::uint32_t>(events_[i].data.u64), events_[i].events);
  }
  for (const Connection& c : connections_) {
    if (c.role == Role::kIdle && c.state == ConnState::kOpen) ++stats_.idle_open;
  }
  if (config_.options->window) {
    // The window ends when every worker has its last timed response; the load connections still
    // open are closed only after the driver has sampled the server, so their closes stay outside.
    shared_.end_line->arrive_and_wait();
    for (int i = 0; i < share_.load; ++i) Close(connections_[i]);
  }
}

// --window: opens every load connection and sends one request on each (counted nowhere but in
// warmup_ok / warmup_failed), and waits until each has its response, failed, or --timeout has
// passed. A connection the server closed after its warm-up response is opened again in the
// window (and counted in connections_opened).
void Worker::WarmUp() {
  warming_ = true;
  warm_pending_ = share_.load;
  for (int i = 0; i < share_.load; ++i) Open(connections_[i]);
  const std::int64_t give_up = NowNs() + config_.timeout_ns;
  while (warm_pending_ > 0 && NowNs() < give_up && !shared_.stop.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(epoll_fd_, events_, kMaxEvents, 10);
    for (int i = 0; i < n; ++i) {
      Dispatch(static_cast<std::uint32_t>(events_[i].data.u64), events_[i].events);
    }
  }
  for (int i = 0; i < share_.load; ++i) {
    if (!connections_[i].warm_done) Close(connections_[i]);  // gave up on it
  }
  warming_ = false;
}

void Worker::WarmDone(Connection& c, bool ok) {
  if (!warming_ || c.warm_done) return;
  c.warm_done = true;
  --warm_pending_;
  ++(ok ? stats_.warmup_ok : stats_.warmup_failed);
}

// The measured run begins: every load connection gets its first timed requests, the warm ones
// (--window) where they are, the others on a new connection.
void Worker::StartLoad(std::int64_t now) {
  load_active_ = true;
  for (int i = 0; i < share_.load; ++i) {
    Connection& c = connections_[i];
    if (c.state == ConnState::kOpen) {
      Refill(c, now);
    } else {
      Close(c);
      Open(c);
    }
  }
}

void Worker::SetUpExtras() {
  for (int i = share_.load; i < static_cast<int>(connections_.size()); ++i) Open(connections_[i]);
  const std::int64_t give_up = NowNs() + config_.timeout_ns;
  std::int64_t now = NowNs();
  while (extras_connecting_ > 0 && now < give_up && !shared_.stop.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(epoll_fd_, events_, kMaxEvents, 10);
    for (int i = 0; i < n; ++i) {
      Dispatch(static_cast<std::uint32_t>(events_[i].data.u64), events_[i].events);
    }
    now = NowNs();
  }
}

void Worker::Loop() {
  std::int64_t next_tick = NowNs() + config_.tick_ns;
  for (;;) {
    const std::int64_t now = NowNs();
    if (now >= next_tick) {
      Tick(now);
      next_tick = now + config_.tick_ns;
    }
    if (load_active_ && stats_.responses >= share_.quota) FinishLoad(now);
    if (!load_active_) {
      // Keep the idle and slowloris connections until every worker's load is done.
      if (shared_.load_running.load(std::memory_order_relaxed) == 0) return;
      if (now >= deadline_ns_ || shared_.stop.load(std::memory_order_relaxed)) return;
    }
    const int wait_ms = static_cast<int>((next_tick - now + 999999) / 1000000);
    const int n = epoll_wait(epoll_fd_, events_, kMaxEvents, std::max(wait_ms, 0));
    for (int i = 0; i < n; ++i) {
      Dispatch(static_cast<std::uint32_t>(events_[i].data.u64), events_[i].events);
    }
  }
}

// Timers are checked by sweeping every connection once per tick: O(connections) per tick, which is
// about 10,000 comparisons every 50 ms at c10k; far simpler than a timer wheel and cheap enough.
void Worker::Tick(std::int64_t now) {
  if (load_active_ && (now >= deadline_ns_ || shared_.stop.load(std::memory_order_relaxed))) {
    FinishLoad(now);
  }
  for (Connection& c : connections_) {
    if (c.role == Role::kSlowloris) {
      Trickle(c, now);
      continue;
    }
    if (c.role != Role::kLoad || !load_active_) continue;
    if (c.state == ConnState::kRetry) {
      c.state = ConnState::kClosed;
      Reopen(c);
    } else if (c.state == ConnState::kConnecting && now - c.since_ns > config_.timeout_ns) {
      Fail(c, kTimeout);
    } else if (c.state == ConnState::kOpen && c.outstanding > 0 &&
               now - SendTime(c, c.oldest) > config_.timeout_ns) {
      Fail(c, kTimeout);
    }
  }
}

// Ends this worker's load: requests still in flight are abandoned (not counted as errors). With
// --window the connections that have nothing in flight stay open until the window's end.
void Worker::FinishLoad(std::int64_t now) {
  load_active_ = false;
  stats_.finish_ns = now;
  for (int i = 0; i < share_.load; ++i) {
    Connection& c = connections_[i];
    if (!config_.options->window || c.outstanding > 0 || c.state != ConnState::kOpen) Close(c);
  }
  shared_.load_running.fetch_sub(1);
}

void Worker::Dispatch(std::uint32_t index, std::uint32_t events) {
  Connection& c = connections_[index];
  if (c.fd < 0) return;
  if (c.role == Role::kLoad) {
    OnLoadEvent(c, events);
  } else {
    OnExtraEvent(c, events);
  }
}

// Starts a non-blocking connect. The socket is registered edge-triggered for both directions once,
// for its whole life: no epoll_ctl per request, and EPOLLOUT tells when the connect is done.
void Worker::Open(Connection& c) {
  const bool load = c.role == Role::kLoad;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0;
  if (ok) {
    // Requests are small and latency is measured: never let Nagle hold one back.
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto* address = reinterpret_cast<const sockaddr*>(&config_.options->address);
    ok = connect(fd, address, sizeof config_.options->address) == 0 || errno == EINPROGRESS;
  }
  if (ok) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    event.data.u64 = IndexOf(c);
    ok = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }
  if (!ok) {
    if (fd >= 0) close(fd);
    if (load && warming_) {
      c.state = ConnState::kClosed;
      WarmDone(c, false);
    } else if (load) {
      ++stats_.errors[kConnect];
      c.state = ConnState::kRetry;  // retried at the next tick rather than in a tight loop
    } else {
      c.state = ConnState::kClosed;  // an extra is tried once
    }
    return;
  }
  c.fd = fd;
  c.state = ConnState::kConnecting;
  c.since_ns = NowNs();
  if (!load) ++extras_connecting_;
  if (load && load_active_) ++stats_.connections_opened;
}

void Worker::Close(Connection& c) {
  if (c.fd >= 0) close(c.fd);  // also removes it from the epoll set
  if (c.state == ConnState::kConnecting && c.role != Role::kLoad) --extras_connecting_;
  c.fd = -1;
  c.state = ConnState::kClosed;
  if (c.role == Role::kLoad) {
    if (warming_) {
      WarmDone(c, false);  // no-op once it has its response; warm-up requests are not issued_
    } else {
      issued_ -= c.outstanding;  // unanswered requests go back to the pool, for another connection
    }
    c.outstanding = 0;
    c.oldest = 0;
    c.unsent = 0;
    c.send_pos = 0;
    c.parser.Reset(config_.head);
  }
}

void Worker::Fail(Connection& c, ErrorKind kind) {
  if (!warming_) ++stats_.errors[kind];  // a failed warm-up counts in warmup_failed (Close)
  Close(c);
  if (kind == kConnect) {
    if (load_active_) c.state = ConnState::kRetry;
  } else {
    Reopen(c);
  }
}

// A closed load connection comes back while there is work left for it.
void Worker::Reopen(Connection& c) {
  if (load_active_ && issued_ < share_.quota) Open(c);
}

void Worker::OnLoadEvent(Connection& c, std::uint32_t events) {
  if (c.state == ConnState::kConnecting) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      Fail(c, kConnect);
      return;
    }
    if (!(events & EPOLLOUT)) return;
    c.state = ConnState::kOpen;
    if (!Refill(c, NowNs())) return;
  } else if ((events & EPOLLOUT) && c.unsent > 0) {
    if (!Flush(c)) return;
  }
  if (events & kReadEvents) Read(c, events);
}

// Queues as many requests as the pipeline depth and the quota allow, and sends them in one call.
// Returns false when the connection failed (it has then been closed or reopened).
bool Worker::Refill(Connection& c, std::int64_t now) {
  if (!load_active_ && !warming_) return true;
  std::uint64_t wanted = 0;
  if (warming_) {
    wanted = c.warm_done || c.outstanding > 0 ? 0 : 1;  // one warm-up request per connection
  } else {
    const std::uint64_t room = depth_ - c.outstanding;
    wanted = std::min(room, share_.quota - issued_);
  }
  if (wanted == 0) return true;
  for (std::uint64_t k = 0; k < wanted; ++k) {
    SendTime(c, (c.oldest + c.outstanding) % depth_) = now;
    ++c.outstanding;
  }
  if (!warming_) issued_ += wanted;
  c.unsent += wanted * config_.request_len;
  return Flush(c);
}

// Every request is the same bytes, so what is left to send is always a suffix of one request
// followed by whole requests: a slice of config_.requests (pipeline + 1 copies) starting at
// send_pos. No per-connection send buffer is needed.
bool Worker::Flush(Connection& c) {
  while (c.unsent > 0) {
    const ssize_t n = send(c.fd, config_.requests.data() + c.send_pos, c.unsent, MSG_NOSIGNAL);
    if (n > 0) {
      c.unsent -= static_cast<std::uint64_t>(n);
      c.send_pos = static_cast<std::uint32_t>((c.send_pos + n) % config_.request_len);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return true;  // the socket buffer is full: EPOLLOUT (edge) will call us again
    } else {
      Fail(c, kReset);
      return false;
    }
  }
  return true;
}

void Worker::Read(Connection& c, std::uint32_t events) {
  char* buffer = recv_buffer_.get();
  std::int64_t now = 0;
  for (;;) {
    const ssize_t n = recv(c.fd, buffer, kRecvBufferSize, 0);
    if (n > 0) {
      stats_.bytes += static_cast<std::uint64_t>(n);
      now = NowNs();
      if (!Consume(c, buffer, static_cast<std::size_t>(n), now)) return;
      // Edge-triggered: a short read means the socket was empty a moment ago, and any byte that
      // arrives later raises a new event, so we save the recv() that would return EAGAIN. Unless
      // the peer also hung up: then read on to see the end.
      if (static_cast<std::size_t>(n) < kRecvBufferSize && !(events & (EPOLLRDHUP | EPOLLHUP))) {
        break;
      }
    } else if (n == 0) {
      OnPeerClosed(c);
      return;
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN) {
      break;
    } else {
      Fail(c, kReset);
      return;
    }
  }
  if (now != 0) Refill(c, now);
}

// Parses what arrived, completing as many (pipelined) responses as it holds. Returns false when
// the connection was closed (on error or because the response ends the connection).
bool Worker::Consume(Connection& c, const char* data, std::size_t len, std::int64_t now) {
  while (len > 0) {
    if (c.outstanding == 0) {
      Fail(c, kParse);  // bytes we did not ask for
      return false;
    }
    const std::size_t used = c.parser.Feed(data, len);
    data += used;
    len -= used;
    switch (c.parser.state()) {
      case ResponseParser::State::kIncomplete:
        return true;
      case ResponseParser::State::kError:
        Fail(c, kParse);
        return false;
      case ResponseParser::State::kComplete:
        break;
    }
    CompleteResponse(c, now);
    if (!config_.options->keepalive || !c.parser.keep_alive()) {
      Close(c);  // what we asked for, or what the server said: not an error
      Reopen(c);
      return false;
    }
    c.parser.Reset(config_.head);
  }
  return true;
}

void Worker::CompleteResponse(Connection& c, std::int64_t now) {
  const int status = c.parser.status();
  const bool ok = status >= 200 && status <= 399;
  if (warming_) {
    WarmDone(c, ok);  // a warm-up response is counted nowhere else
  } else {
    ++stats_.responses;
    if (ok) {
      ++stats_.requests;
      stats_.latency.Record(static_cast<std::uint64_t>(now - SendTime(c, c.oldest)));
    } else {
      ++stats_.errors[kBadStatus];
    }
  }
  c.oldest = (c.oldest + 1) % depth_;
  --c.outstanding;
}

void Worker::OnPeerClosed(Connection& c) {
  if (c.outstanding == 0) {
    Close(c);  // the server closed an idle keep-alive connection: normal, not an error
    Reopen(c);
    return;
  }
  switch (c.parser.OnEof()) {
    case ResponseParser::EofOutcome::kComplete:
      CompleteResponse(c, NowNs());
      Close(c);
      Reopen(c);
      break;
    case ResponseParser::EofOutcome::kBeforeBody:
      Fail(c, kReset);
      break;
    case ResponseParser::EofOutcome::kInBody:
      Fail(c, kShortBody);
      break;
  }
}

void Worker::OnExtraEvent(Connection& c, std::uint32_t events) {
  if (c.state == ConnState::kConnecting) {
    --extras_connecting_;
    if (events & (EPOLLERR | EPOLLHUP)) {
      close(c.fd);
      c.fd = -1;
      c.state = ConnState::kClosed;  // never connected: neither open at the end nor dropped
      return;
    }
    c.state = ConnState::kOpen;
    c.since_ns = NowNs();
    c.next_byte_ns = c.since_ns;
    if (c.role == Role::kSlowloris) Trickle(c, c.since_ns);
    if (c.fd < 0) return;
  }
  if (!(events & kReadEvents)) return;
  // Whatever the server says (a 408, say) is read and dropped; what matters is when it closes.
  for (;;) {
    const ssize_t n = recv(c.fd, recv_buffer_.get(), kRecvBufferSize, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    ServerClosedExtra(c, NowNs());
    return;
  }
}

// Sends the next byte of a never-ending request when it is due.
void Worker::Trickle(Connection& c, std::int64_t now) {
  if (c.state != ConnState::kOpen || now < c.next_byte_ns) return;
  const std::string& prefix = config_.slowloris_prefix;
  const char byte = c.trickled < prefix.size()
                        ? prefix[c.trickled]
                        : kSlowFiller[(c.trickled - prefix.size()) % (sizeof kSlowFiller - 1)];
  const ssize_t n = send(c.fd, &byte, 1, MSG_NOSIGNAL);
  if (n == 1) {
    ++c.trickled;
  } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
    ServerClosedExtra(c, now);
    return;
  }
  c.next_byte_ns += static_cast<std::int64_t>(config_.options->slowloris_interval_ms) * 1000000;
}

void Worker::ServerClosedExtra(Connection& c, std::int64_t now) {
  if (c.role == Role::kSlowloris) {
    stats_.slowloris_drops_s.push_back(static_cast<double>(now - c.since_ns) / 1e9);
  }
  Close(c);
}

}  // namespace tenk::loadgen
