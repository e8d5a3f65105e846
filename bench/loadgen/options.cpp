#include "options.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace tenk::loadgen {
namespace {

constexpr char kUsage[] =
    "usage: loadgen [-n N] [-c C] [-t T] [-k] [--pipeline D] [--duration S] [--idle N]\n"
    "               [--slowloris N] [--slowloris-interval MS] [--method GET|HEAD]\n"
    "               [-H 'Name: value']... [--timeout S] [--window] [--json] http://HOST:PORT/PATH\n"
    "  -n N          stop after N complete responses (default: no limit, run for --duration)\n"
    "  -c C          concurrent connections (default 1)\n"
    "  -t T          threads, each with its own epoll and C/T connections (default 1)\n"
    "  -k            keep-alive; without it every request gets a new connection\n"
    "  --pipeline D  with -k, keep up to D requests in flight per connection (default 1)\n"
    "  --duration S  stop after S seconds even if N is not reached (default 60)\n"
    "  --idle N      also hold N connected, silent connections; report how many survive\n"
    "  --slowloris N also open N connections that send a request one byte at a time, forever\n"
    "  --slowloris-interval MS  time between those bytes (default 1000)\n"
    "  --timeout S   a connect or response taking longer than S seconds fails (default 10)\n"
    "  --window      with -k: open every load connection and send one warm-up request on each\n"
    "                (not counted) before the measured run; then print 'window start' on stdout\n"
    "                and wait for a line on stdin (or its end) before the first timed request, "
    "and\n"
    "                after the last timed response print 'window end' and wait again before\n"
    "                closing: a driver samples the server between the two (bench/tenkbench)\n"
    "  --json        print one JSON object instead of the table\n"
    "HOST is an IPv4 address or localhost.\n";

bool ParseInt(std::string_view text, long long min, long long max, long long* out) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

bool ParseSeconds(std::string_view text, double* out) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  if (!(value > 0 && value <= 1e6)) return false;
  *out = value;
  return true;
}

// Characters allowed in the request target: visible ASCII (no space, no control character), so the
// request line cannot be broken by what the user typed.
bool IsValidTarget(std::string_view path) {
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return !path.empty() && path.front() == '/';
}

bool ParseUrl(std::string_view url, Options* options, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    *error = "the URL must start with http:// (no TLS)";
    return false;
  }
  url.remove_prefix(kScheme.size());
  const std::size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  options->path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (!IsValidTarget(options->path)) {
    *error = "the URL path has a space or a non-ASCII character";
    return false;
  }

  const std::size_t colon = authority.rfind(':');
  std::string host(authority.substr(0, colon));
  long long port = 80;
  if (colon != std::string_view::npos && !ParseInt(authority.substr(colon + 1), 1, 65535, &port)) {
    *error = "bad port in the URL";
    return false;
  }
  if (host == "localhost") host = "127.0.0.1";
  options->address.sin_family = AF_INET;
  options->address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &options->address.sin_addr) != 1) {
    *error = "the URL host must be an IPv4 address or localhost";
    return false;
  }
  options->authority = std::string(authority);
  options->url = std::string(kScheme) + options->authority + options->path;
  return true;
}

}  // namespace

const char* Usage() {
  return kUsage;
}

ParseResult ParseOptions(int argc, char** argv, Options* options, std::string* error) {
  std::string_view url;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    // "--flag=value" is accepted as well as "--flag value".
    std::string_view inline_value;
    bool has_inline_value = false;
    if (flag.starts_with("--")) {
      if (std::size_t eq = flag.find('='); eq != std::string_view::npos) {
        inline_value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
        has_inline_value = true;
      }
    }
    // Fetches the flag's value; false (with *error set) when it is missing.
    std::string_view value;
    auto take_value = [&]() {
      if (has_inline_value) {
        value = inline_value;
        return true;
      }
      if (i + 1 >= argc) {
        *error = std::string(flag) + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    auto bad_value = [&]() {
      *error = "bad value for " + std::string(flag) + ": '" + std::string(value) + "'";
      return ParseResult::kError;
    };
    long long number = 0;

    if (flag == "-h" || flag == "--help") {
      return ParseResult::kHelp;
    } else if (flag == "-k") {
      options->keepalive = true;
    } else if (flag == "--json") {
      options->json = true;
    } else if (flag == "--window") {
      options->window = true;
    } else if (flag == "-n") {
      if (!take_value()) return ParseResult::kError;
      if (!ParseInt(value, 1, INT64_MAX, &number)) return bad_value();
      options->requests = static_cast<std::uint64_t>(number);
    } else if (flag == "-c" || flag == "-t" || flag == "--pipeline" || flag == "--idle" ||
               flag == "--slowloris" || flag == "--slowloris-interval") {
      if (!take_value()) return ParseResult::kError;
      const bool may_be_zero = flag == "--idle" || flag == "--slowloris";
      const long long max = flag == "-t" ? 1024 : flag == "--pipeline" ? 1024 : 1000000;
      if (!ParseInt(value, may_be_zero ? 0 : 1, max, &number)) return bad_value();
      int* field = flag == "-c"            ? &options->connections
                   : flag == "-t"          ? &options->threads
                   : flag == "--pipeline"  ? &options->pipeline
                   : flag == "--idle"      ? &options->idle
                   : flag == "--slowloris" ? &options->slowloris
                                           : &options->slowloris_interval_ms;
      *field = static_cast<int>(number);
    } else if (flag == "--duration" || flag == "--timeout") {
      if (!take_value()) return ParseResult::kError;
      if (!ParseSeconds(value, flag == "--duration" ? &options->duration_s : &options->timeout_s)) {
        return bad_value();
      }
    } else if (flag == "--method") {
      if (!take_value()) return ParseResult::kError;
      if (value != "GET" && value != "HEAD") return bad_value();
      options->method = std::string(value);
    } else if (flag == "-H") {
      if (!take_value()) return ParseResult::kError;
      const std::size_t colon = value.find(':');
      if (colon == 0 || colon == std::string_view::npos ||
          value.find_first_of("\r\n") != std::string_view::npos) {
        return bad_value();
      }
      options->headers.emplace_back(value);
    } else if (flag.starts_with("-")) {
      *error = "unknown flag " + std::string(flag);
      return ParseResult::kError;
    } else if (url.empty()) {
      url = flag;
    } else {
      *error = "more than one URL";
      return ParseResult::kError;
    }
  }

  if (url.empty()) {
    *error = "no URL";
    return ParseResult::kError;
  }
  if (!ParseUrl(url, options, error)) return ParseResult::kError;
  if (options->pipeline > 1 && !options->keepalive) {
    *error = "--pipeline needs -k (without keep-alive each connection carries one request)";
    return ParseResult::kError;
  }
  if (options->window && !options->keepalive) {
    *error = "--window needs -k (without keep-alive every request opens a connection)";
    return ParseResult::kError;
  }
  if (options->threads > options->connections) {
    *error = "more threads (-t) than connections (-c)";
    return ParseResult::kError;
  }
  return ParseResult::kOk;
}

std::string BuildRequest(const Options& options) {
  std::string request = options.method + " " + options.path + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const std::string& header : options.headers) {
    // A user-given Host header replaces ours (matched without locale: header names are ASCII).
    constexpr std::string_view kHost = "host:";
    has_host |= header.size() >= kHost.size() &&
                std::equal(kHost.begin(), kHost.end(), header.begin(), [](char lower, char c) {
                  return lower == ((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
                });
  }
  if (!has_host) request += "Host: " + options.authority + "\r\n";
  for (const std::string& header : options.headers) request += header + "\r\n";
  if (!options.keepalive) request += "Connection: close\r\n";
  request += "\r\n";
  return request;
}

}  // namespace tenk::loadgen
