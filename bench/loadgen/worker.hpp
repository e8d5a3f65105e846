// One load-generator thread: its own epoll instance, its share of the connections and its own
// statistics, so that threads share nothing on the hot path (main merges the statistics at the
// end).
#pragma once

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "histogram.hpp"
#include "options.hpp"
#include "response_parser.hpp"

namespace tenk::loadgen {

/// Monotonic clock in nanoseconds (clock_gettime through the vDSO: no system call).
std::int64_t NowNs();

/// The kinds of failure the load generator counts; see kErrorNames for their report names.
enum ErrorKind : int {
  kConnect,    // connect() refused or failed (or no socket could be created)
  kReset,      // ECONNRESET / EPIPE, or the peer closed before the response's body began
  kTimeout,    // no complete response (or no connection) within --timeout
  kBadStatus,  // a complete response whose status is not 200..399
  kShortBody,  // the peer closed in the middle of the body
  kParse,      // bytes that are not a valid response, or bytes nobody asked for
  kErrorKindCount,
};
inline constexpr const char* kErrorNames[kErrorKindCount] = {"connect",    "reset",      "timeout",
                                                             "bad_status", "short_body", "parse"};

/// What every worker reads; built once by main before the threads start.
struct RunConfig {
  const Options* options = nullptr;
  std::string requests;          ///< one request repeated pipeline + 1 times (see Flush())
  std::size_t request_len = 0;   ///< the length of one request
  std::string slowloris_prefix;  ///< what a slowloris connection trickles before its filler lines
  bool head = false;             ///< HEAD requests: responses have no body
  std::int64_t timeout_ns = 0;
  std::int64_t tick_ns = 0;  ///< how often timers (timeouts, retries, slowloris bytes) are checked
};

/// --window: prints `what` ("window start", "window end") as a line on stdout and waits for a line
/// (or the end) on stdin, so that a driver can sample the server at that moment.
void WindowEdge(const char* what) noexcept;

/// Records the start of the measured run when the last worker reaches the start line (with
/// --window, once the driver has acknowledged the window's start).
struct StartClock {
  std::atomic<std::int64_t>* start_ns;
  bool window = false;
  void operator()() noexcept {
    if (window) WindowEdge("window start");
    start_ns->store(NowNs());
  }
};

/// --window: the end of the window, when the last worker has collected its last timed response;
/// the load connections are closed only after the driver's acknowledgement.
struct EndEdge {
  bool window = false;
  void operator()() noexcept {
    if (window) WindowEdge("window end");
  }
};

/// What the workers share and change during the run.
struct RunShared {
  std::atomic<bool> stop{false};          ///< set by SIGINT/SIGTERM: end the run now
  std::atomic<std::int64_t> start_ns{0};  ///< set by the start barrier
  std::atomic<int> load_running{0};       ///< workers whose load is not finished yet
  std::unique_ptr<std::barrier<StartClock>> start_line;
  std::unique_ptr<std::barrier<EndEdge>> end_line;
};

/// One worker's results.
struct WorkerStats {
  std::uint64_t requests = 0;   ///< complete responses with a status of 200..399
  std::uint64_t responses = 0;  ///< complete responses of any status (what -n counts)
  std::uint64_t bytes = 0;      ///< bytes received on load connections
  std::array<std::uint64_t, kErrorKindCount> errors{};
  LatencyHistogram latency;               ///< send of a request to the last byte of its response
  std::int64_t finish_ns = 0;             ///< when this worker's load ended
  int idle_open = 0;                      ///< idle connections still open when the run ended
  std::vector<double> slowloris_drops_s;  ///< per dropped slowloris connection: seconds it lived
  /// Load connections whose connect started during the measured run (with --window: inside the
  /// window; reconnects after an error or a server's close). Without --window every one.
  std::uint64_t connections_opened = 0;
  std::uint64_t warmup_ok = 0;      ///< --window: connections warmed (a 200..399 response)
  std::uint64_t warmup_failed = 0;  ///< --window: connections whose warm-up failed or timed out
};

/// How many connections of each role a worker runs, and how many responses it is to collect.
struct WorkerShare {
  int load = 0;
  int idle = 0;
  int slowloris = 0;
  std::uint64_t quota = 0;  ///< responses to collect; UINT64_MAX when -n was not given
};

class Worker {
 public:
  Worker(const RunConfig& config, RunShared& shared, WorkerShare share);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Runs the whole life of the thread: set up the extra connections (with --window, warm the
  /// load connections too), wait at the start line, generate load until the quota, the deadline
  /// or a signal, then hold the extras until every worker is done (with --window, wait at the
  /// end line before closing the load connections).
  void Run();
  const WorkerStats& stats() const { return stats_; }

 private:
  enum class Role : std::uint8_t { kLoad, kIdle, kSlowloris };
  enum class ConnState : std::uint8_t {
    kClosed,      // no socket (never opened, finished, or closed by the server)
    kConnecting,  // connect() in progress: EPOLLOUT will say it is done
    kOpen,
    kRetry,  // a load connection whose connect failed: retried at the next tick
  };

  struct Connection {
    int fd = -1;
    Role role = Role::kLoad;
    ConnState state = ConnState::kClosed;
    std::uint32_t outstanding = 0;  // requests queued or sent whose response is not complete
    std::uint32_t oldest = 0;       // send_times_ slot of the oldest outstanding request
    std::uint32_t send_pos = 0;     // offset, inside one request, of the next byte to send
    std::uint64_t unsent = 0;       // request bytes queued that send() has not taken yet
    std::int64_t since_ns = 0;      // connect start; for an open extra, when it connected
    std::int64_t next_byte_ns = 0;  // slowloris: when to send the next byte
    std::uint64_t trickled = 0;     // slowloris: bytes sent so far
    bool warm_done = false;         // --window: its warm-up ended (answered, failed or gave up)
    ResponseParser parser;
  };

  void SetUpExtras();
  void WarmUp();
  void WarmDone(Connection& c, bool ok);
  void StartLoad(std::int64_t now);
  void Loop();
  void Tick(std::int64_t now);
  void FinishLoad(std::int64_t now);
  void Dispatch(std::uint32_t index, std::uint32_t events);

  void Open(Connection& c);
  void Close(Connection& c);
  void Fail(Connection& c, ErrorKind kind);
  void Reopen(Connection& c);

  void OnLoadEvent(Connection& c, std::uint32_t events);
  bool Refill(Connection& c, std::int64_t now);
  bool Flush(Connection& c);
  void Read(Connection& c, std::uint32_t events);
  bool Consume(Connection& c, const char* data, std::size_t len, std::int64_t now);
  void CompleteResponse(Connection& c, std::int64_t now);
  void OnPeerClosed(Connection& c);

  void OnExtraEvent(Connection& c, std::uint32_t events);
  void Trickle(Connection& c, std::int64_t now);
  void ServerClosedExtra(Connection& c, std::int64_t now);

  std::uint32_t IndexOf(const Connection& c) const {
    return static_cast<std::uint32_t>(&c - connections_.data());
  }
  std::int64_t& SendTime(const Connection& c, std::uint32_t slot) {
    return send_times_[IndexOf(c) * depth_ + slot];
  }

  static constexpr int kMaxEvents = 512;
  static constexpr std::size_t kRecvBufferSize = 64 * 1024;

  const RunConfig& config_;
  RunShared& shared_;
  const WorkerShare share_;
  const std::uint32_t depth_;  // requests in flight per load connection

  int epoll_fd_ = -1;
  // Load connections first, then idle, then slowloris. Never resized after construction, so a
  // connection's index is stable and is what epoll hands back in event.data.u64.
  std::vector<Connection> connections_;
  // depth_ send timestamps per load connection, used as a ring (slot oldest .. oldest+outstanding).
  std::vector<std::int64_t> send_times_;
  // One receive buffer per thread, not per connection: the parser is incremental, so nothing needs
  // to stay in a buffer between reads, and 10,000 connections cost no receive memory.
  std::unique_ptr<char[]> recv_buffer_;
  epoll_event events_[kMaxEvents];

  std::uint64_t issued_ = 0;  // requests handed to connections (given back when one fails)
  bool load_active_ = false;
  bool warming_ = false;  // --window: one warm-up request per load connection, not counted
  int warm_pending_ = 0;  // load connections whose warm-up has not ended yet
  int extras_connecting_ = 0;
  std::int64_t deadline_ns_ = 0;
  WorkerStats stats_;
};

}  // namespace tenk::loadgen
