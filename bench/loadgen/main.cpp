// loadgen: the tenk benchmark's HTTP/1.1 load generator.
//
// weighttp's flags (-n requests, -c connections, -t threads, -k keep-alive) plus what the tenk
// scenarios need: pipelining, a connection per request, idle and slowloris connections, a latency
// histogram and JSON output. Each thread runs its own epoll loop over its share of the connections
// (worker.hpp); this file parses the command line, starts the threads and reports.
//
// What it measures: a request counts when its complete, valid response (status 200..399) arrived;
// its latency runs from handing the request to send() to reading the response's last byte. -n
// counts complete responses of any status, so a server answering 404 still ends the run; the 404s
// show up as bad_status errors. Each error counts one failed connection event: the requests it
// still had in flight are handed to a connection again, and the connection is reopened.
//
// With --window (keep-alive only) the measured run is a window: every load connection is opened
// and answers one warm-up request first (not counted), then loadgen prints "window start" and
// waits for a line on stdin, runs the timed requests, prints "window end" when the last timed
// response has arrived and waits again before it closes the connections. The driver samples the
// server's CPU at the two edges, so connects and closes stay outside; connections_opened in the
// JSON counts the load connections opened inside the window anyway (reconnects).
//
// Known limits:
// - IPv4 and plain HTTP only; the URL host must be an address (or localhost): no DNS.
// - -n is split evenly between threads, as weighttp does: a thread that finishes its share early
//   stops generating load while the others finish theirs.
// - Timeouts, connect retries and slowloris bytes are checked on a 50 ms tick (finer only for a
//   shorter --slowloris-interval), so they fire up to one tick late.
// - Without -k, the client closes first after each response, so TIME_WAIT sockets pile up on the
//   client side; on loopback Linux reuses them (net.ipv4.tcp_tw_reuse = 2, the default), elsewhere
//   a long run can run out of ephemeral ports (seen as connect errors).
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "options.hpp"
#include "worker.hpp"

namespace tenk::loadgen {
namespace {

RunShared* g_shared = nullptr;  // for the signal handler

void OnStopSignal(int) {
  g_shared->stop.store(true);
}  // lock-free atomic: async-signal-safe

// A c10k run needs 10,000 sockets plus the idle and slowloris ones: raise the soft limit on file
// descriptors to the hard limit, and say so up front if even that is not enough.
bool RaiseFdLimit(const Options& options, std::string* error) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return true;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Sockets, one epoll per thread, stdio and a little slack.
  const rlim_t needed = static_cast<rlim_t>(options.connections) + options.idle +
                        options.slowloris + options.threads + 16;
  if (needed > limit.rlim_cur) {
    *error = "-c + --idle + --slowloris need about " + std::to_string(needed) +
             " file descriptors; RLIMIT_NOFILE allows " + std::to_string(limit.rlim_cur);
    return false;
  }
  return true;
}

struct Totals {
  std::uint64_t requests = 0;
  std::uint64_t bytes = 0;
  std::array<std::uint64_t, kErrorKindCount> errors{};
  LatencyHistogram latency;
  double seconds = 0;
  int idle_open = 0;
  std::vector<double> drops_s;  // sorted
  std::uint64_t connections_opened = 0;
  std::uint64_t warmup_ok = 0;
  std::uint64_t warmup_failed = 0;
  double setup_seconds = 0;  // from the threads' start to the measured run's (connects, warm-up)
};

Totals Merge(const std::vector<std::unique_ptr<Worker>>& workers, std::int64_t setup_ns,
             std::int64_t start_ns) {
  Totals totals;
  std::int64_t finish_ns = start_ns;
  for (const auto& worker : workers) {
    const WorkerStats& s = worker->stats();
    totals.requests += s.requests;
    totals.bytes += s.bytes;
    for (int k = 0; k < kErrorKindCount; ++k) totals.errors[k] += s.errors[k];
    totals.latency.Merge(s.latency);
    totals.idle_open += s.idle_open;
    totals.connections_opened += s.connections_opened;
    totals.warmup_ok += s.warmup_ok;
    totals.warmup_failed += s.warmup_failed;
    totals.drops_s.insert(totals.drops_s.end(), s.slowloris_drops_s.begin(),
                          s.slowloris_drops_s.end());
    finish_ns = std::max(finish_ns, s.finish_ns);
  }
  std::sort(totals.drops_s.begin(), totals.drops_s.end());
  totals.seconds = static_cast<double>(finish_ns - start_ns) / 1e9;
  totals.setup_seconds = static_cast<double>(start_ns - setup_ns) / 1e9;
  return totals;
}

double Us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e3;
}

void PrintJson(const Options& o, const Totals& t) {
  const double rps = t.seconds > 0 ? static_cast<double>(t.requests) / t.seconds : 0;
  std::printf("{\"requests\":%llu,\"seconds\":%.6f,\"rps\":%.1f,\"bytes\":%llu,\"errors\":{",
              static_cast<unsigned long long>(t.requests), t.seconds, rps,
              static_cast<unsigned long long>(t.bytes));
  for (int k = 0; k < kErrorKindCount; ++k) {
    std::printf("%s\"%s\":%llu", k == 0 ? "" : ",", kErrorNames[k],
                static_cast<unsigned long long>(t.errors[k]));
  }
  const LatencyHistogram& h = t.latency;
  std::printf(
      "},\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f,\"mean\":%.1f}",
      Us(h.Percentile(50)), Us(h.Percentile(90)), Us(h.Percentile(99)), Us(h.max()),
      h.mean() / 1e3);
  std::printf(",\"idle\":{\"requested\":%d,\"open_at_end\":%d}", o.idle, t.idle_open);
  std::printf(",\"slowloris\":{\"requested\":%d,\"dropped\":%zu,", o.slowloris, t.drops_s.size());
  if (t.drops_s.empty()) {
    std::printf("\"first_drop_s\":null,\"median_drop_s\":null}");
  } else {
    std::printf("\"first_drop_s\":%.3f,\"median_drop_s\":%.3f}", t.drops_s.front(),
                t.drops_s[(t.drops_s.size() - 1) / 2]);
  }
  std::printf(",\"window\":%s,\"connections_opened\":%llu", o.window ? "true" : "false",
              static_cast<unsigned long long>(t.connections_opened));
  std::printf(",\"warmup\":{\"ok\":%llu,\"failed\":%llu,\"setup_seconds\":%.6f}",
              static_cast<unsigned long long>(t.warmup_ok),
              static_cast<unsigned long long>(t.warmup_failed), t.setup_seconds);
  std::printf(",\"connections\":%d,\"threads\":%d,\"keepalive\":%s,\"pipeline\":%d}\n",
              o.connections, o.threads, o.keepalive ? "true" : "false", o.pipeline);
}

void PrintTable(const Options& o, const Totals& t) {
  const double rps = t.seconds > 0 ? static_cast<double>(t.requests) / t.seconds : 0;
  const double mbps = t.seconds > 0 ? static_cast<double>(t.bytes) / t.seconds / 1e6 : 0;
  std::printf("target     %s %s, %d connections, %d threads, %s, pipeline %d\n", o.method.c_str(),
              o.url.c_str(), o.connections, o.threads, o.keepalive ? "keep-alive" : "close",
              o.pipeline);
  std::printf("requests   %llu in %.3f s: %.1f req/s, %.2f MB/s\n",
              static_cast<unsigned long long>(t.requests), t.seconds, rps, mbps);
  std::printf("errors    ");
  for (int k = 0; k < kErrorKindCount; ++k) {
    std::printf(" %s %llu%s", kErrorNames[k], static_cast<unsigned long long>(t.errors[k]),
                k + 1 < kErrorKindCount ? "," : "\n");
  }
  const LatencyHistogram& h = t.latency;
  std::printf("latency    p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us, mean %.1f us\n",
              Us(h.Percentile(50)), Us(h.Percentile(90)), Us(h.Percentile(99)), Us(h.max()),
              h.mean() / 1e3);
  if (o.window) {
    std::printf(
        "window     %llu connections warmed (%llu failed) in %.3f s; %llu opened in the "
        "window\n",
        static_cast<unsigned long long>(t.warmup_ok),
        static_cast<unsigned long long>(t.warmup_failed), t.setup_seconds,
        static_cast<unsigned long long>(t.connections_opened));
  } else {
    std::printf("connects   %llu load connections opened\n",
                static_cast<unsigned long long>(t.connections_opened));
  }
  if (o.idle > 0) std::printf("idle       %d requested, %d open at end\n", o.idle, t.idle_open);
  if (o.slowloris > 0) {
    std::printf("slowloris  %d requested, %zu dropped", o.slowloris, t.drops_s.size());
    if (!t.drops_s.empty()) {
      std::printf(", first after %.3f s, median after %.3f s", t.drops_s.front(),
                  t.drops_s[(t.drops_s.size() - 1) / 2]);
    }
    std::printf("\n");
  }
}

int Main(int argc, char** argv) {
  Options options;
  std::string error;
  switch (ParseOptions(argc, argv, &options, &error)) {
    case ParseResult::kHelp:
      std::fputs(Usage(), stdout);
      return 0;
    case ParseResult::kError:
      std::fprintf(stderr, "loadgen: %s\n%s", error.c_str(), Usage());
      return 2;
    case ParseResult::kOk:
      break;
  }
  if (!RaiseFdLimit(options, &error)) {
    std::fprintf(stderr, "loadgen: %s\n", error.c_str());
    return 2;
  }

  RunConfig config;
  config.options = &options;
  const std::string request = BuildRequest(options);
  config.request_len = request.size();
  for (int i = 0; i <= options.pipeline; ++i) config.requests += request;
  config.slowloris_prefix =
      "GET " + options.path + " HTTP/1.1\r\nHost: " + options.authority + "\r\n";
  config.head = options.method == "HEAD";
  config.timeout_ns = static_cast<std::int64_t>(options.timeout_s * 1e9);
  config.tick_ns = std::int64_t{1000000} * std::min(50, options.slowloris_interval_ms);

  RunShared shared;
  shared.load_running.store(options.threads);
  shared.start_line = std::make_unique<std::barrier<StartClock>>(
      options.threads, StartClock{&shared.start_ns, options.window});
  shared.end_line =
      std::make_unique<std::barrier<EndEdge>>(options.threads, EndEdge{options.window});
  g_shared = &shared;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, OnStopSignal);
  signal(SIGTERM, OnStopSignal);

  // Connections and requests are dealt out as evenly as possible; the first threads get the
  // remainders.
  std::vector<std::unique_ptr<Worker>> workers;
  const auto t = static_cast<std::uint64_t>(options.threads);
  for (int i = 0; i < options.threads; ++i) {
    auto share_of = [&](std::uint64_t total) {
      return total / t + (static_cast<std::uint64_t>(i) < total % t ? 1 : 0);
    };
    WorkerShare share;
    share.load = static_cast<int>(share_of(static_cast<std::uint64_t>(options.connections)));
    share.idle = static_cast<int>(share_of(static_cast<std::uint64_t>(options.idle)));
    share.slowloris = static_cast<int>(share_of(static_cast<std::uint64_t>(options.slowloris)));
    share.quota = options.requests == 0 ? UINT64_MAX : share_of(options.requests);
    workers.push_back(std::make_unique<Worker>(config, shared, share));
  }
  const std::int64_t setup_ns = NowNs();
  std::vector<std::thread> threads;
  for (auto& worker : workers) threads.emplace_back([w = worker.get()] { w->Run(); });
  for (std::thread& thread : threads) thread.join();

  const Totals totals = Merge(workers, setup_ns, shared.start_ns.load());
  if (options.json) {
    PrintJson(options, totals);
  } else {
    PrintTable(options, totals);
  }
  std::fflush(stdout);
  return totals.requests > 0 ? 0 : 1;
}

}  // namespace
}  // namespace tenk::loadgen

int main(int argc, char** argv) {
  return tenk::loadgen::Main(argc, argv);
}
