#include "net/options.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>

namespace tenk::net {
namespace {

void print_usage(std::FILE* out, const char* program) {
  std::fprintf(out,
               "usage: %s [--bind ADDR] [--port N] [--root DIR] [--workers N] [--threads N]\n"
               "          [--timeout SECONDS] [--fd-cache SECONDS] [--fd-cache-max N] [--quiet]\n",
               program);
}

[[noreturn]] void usage_error(const char* program, const char* problem, const char* argument) {
  std::fprintf(stderr, "%s: %s%s%s\n", program, problem, argument ? ": " : "",
               argument ? argument : "");
  print_usage(stderr, program);
  std::exit(2);
}

// Parses a whole decimal integer in [low, high]; anything else is a usage error.
int parse_int(const char* program, const char* flag, const char* text, int low, int high) {
  int value = 0;
  const char* end = text + std::strlen(text);
  auto [stop, error] = std::from_chars(text, end, value);
  if (error != std::errc{} || stop != end || value < low || value > high) {
    char problem[128];
    std::snprintf(problem, sizeof problem, "%s wants an integer from %d to %d", flag, low, high);
    usage_error(program, problem, text);
  }
  return value;
}

// The flags that take a value (checked before the value is taken, so that a typo is reported
// as an unknown flag rather than as a missing value).
constexpr std::string_view kValueFlags[] = {"--bind",     "--port",        "--root",
                                            "--workers",  "--threads",     "--timeout",
                                            "--fd-cache", "--fd-cache-max"};

}  // namespace

Options parse_options(int argc, char** argv, unsigned used) {
  const char* program = argc > 0 ? argv[0] : "tenk";
  if (const char* slash = std::strrchr(program, '/')) program = slash + 1;

  Options options;
  options.root = TENK_DEFAULT_ROOT;
  unsigned warned = 0;  // flags already warned about: bit i for kValueFlags[i]
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      print_usage(stdout, program);
      std::exit(0);
    }
    if (flag == "--quiet") {
      options.quiet = true;
      continue;
    }
    // Every other flag takes a value: "--flag VALUE" or "--flag=VALUE".
    const char* value = nullptr;
    auto equals = flag.find('=');
    if (equals != std::string_view::npos) flag = flag.substr(0, equals);
    const auto known = std::find(std::begin(kValueFlags), std::end(kValueFlags), flag);
    if (known == std::end(kValueFlags)) usage_error(program, "unknown flag", argv[i]);
    if (equals != std::string_view::npos) {
      value = argv[i] + equals + 1;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      usage_error(program, "missing value for", argv[i]);
    }

    unsigned needs = 0;  // the StepFlags bit this flag belongs to; 0 = used by every step
    if (flag == "--bind") {
      in_addr address{};
      if (inet_pton(AF_INET, value, &address) != 1) {
        usage_error(program, "--bind wants an IPv4 address", value);
      }
      options.bind = value;
    } else if (flag == "--port") {
      options.port = static_cast<std::uint16_t>(parse_int(program, "--port", value, 0, 65535));
    } else if (flag == "--root") {
      if (*value == '\0') usage_error(program, "--root wants a directory", value);
      options.root = value;
    } else if (flag == "--workers") {
      options.workers = parse_int(program, "--workers", value, 1, 1024);
      needs = kUsesWorkers;
    } else if (flag == "--threads") {
      options.threads = parse_int(program, "--threads", value, 0, 1024);
      needs = kUsesThreads;
    } else if (flag == "--timeout") {
      options.timeout_seconds = parse_int(program, "--timeout", value, 1, 86400);
      needs = kUsesTimeout;
    } else if (flag == "--fd-cache") {
      options.fd_cache_seconds = parse_int(program, "--fd-cache", value, 0, 86400);
      needs = kUsesFdCache;
    } else if (flag == "--fd-cache-max") {
      // Up to 2^20: the kernel's default ceiling for any process's open-files limit (nr_open).
      options.fd_cache_max = parse_int(program, "--fd-cache-max", value, 0, 1 << 20);
      needs = kUsesFdCache;
    }
    const unsigned flag_bit = 1u << (known - std::begin(kValueFlags));
    if (needs != 0 && (used & needs) == 0 && (warned & flag_bit) == 0) {
      warned |= flag_bit;  // one warning per flag, however often it is given
      std::fprintf(stderr, "%s: warning: %.*s is ignored by this step\n", program,
                   static_cast<int>(flag.size()), flag.data());
    }
  }
  return options;
}

}  // namespace tenk::net
