// The load generator's command line: weighttp's flags (-n -c -t -k) plus the extras the tenk
// benchmark needs (pipelining, idle and slowloris connections, JSON output).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tenk::loadgen {

struct Options {
  std::uint64_t requests = 0;  ///< -n: stop after this many complete responses; 0 = no limit
  int connections = 1;         ///< -c: concurrent load connections
  int threads = 1;             ///< -t: threads, each with its own epoll and share of connections
  bool keepalive = false;      ///< -k: reuse connections (else one connection per request)
  int pipeline = 1;            ///< --pipeline: requests in flight per connection (needs -k)
  double duration_s = 60;      ///< --duration: the run stops after this long whatever -n says
  int idle = 0;                ///< --idle: extra connections opened and held without a request
  int slowloris = 0;           ///< --slowloris: extra connections that never finish a request
  int slowloris_interval_ms = 1000;  ///< --slowloris-interval: one byte per this many ms
  std::string method = "GET";        ///< --method: GET or HEAD
  std::vector<std::string> headers;  ///< -H: extra "Name: value" header lines
  bool json = false;                 ///< --json: one JSON object instead of the table
  double timeout_s = 10;             ///< --timeout: a response (or a connect) taking longer fails
  bool window = false;  ///< --window: warm every load connection first, mark the window's edges

  // From the URL.
  std::string url;
  std::string authority;  ///< "host:port" as written, for the Host header
  std::string path;       ///< the request target, "/" when the URL has none
  sockaddr_in address{};  ///< where to connect
};

enum class ParseResult { kOk, kHelp, kError };

/// Parses the command line into *options. On kError, *error holds a one-line reason.
ParseResult ParseOptions(int argc, char** argv, Options* options, std::string* error);

/// The usage text (several lines, ending with a newline).
const char* Usage();

/// The request bytes for one request, as sent on every connection.
std::string BuildRequest(const Options& options);

}  // namespace tenk::loadgen
