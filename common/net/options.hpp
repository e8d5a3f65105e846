// The command line every step shares (DESIGN §3). Each step says which flags it uses; a shared
// flag it does not use is accepted with one warning line, so scripts can pass the same flags to
// every step. An unknown flag or a bad value prints the usage and exits with status 2.
#pragma once

#include <cstdint>
#include <string>

namespace tenk::net {

struct Options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = let the kernel choose (the startup line says which)
  std::string root;           // default: the repository's bench/www, fixed at build time
  int workers = 1;            // processes (steps 04-10)
  int threads = 0;            // threads (step 11); 0 = one per core
  int timeout_seconds = 30;   // idle timeout (steps 10-11)
  int fd_cache_seconds = 10;  // fd-cache prune period (steps 08-11); 0 = off
  int fd_cache_max = 0;       // fd-cache entries per process (steps 08-11); 0 = derived from
                              // the open-files limit (cache::capacity_per_cache)
  bool quiet = false;         // no per-worker statistics on exit
};

// The flags a step actually uses, beyond --bind, --port, --root and --quiet.
enum StepFlags : unsigned {
  kUsesWorkers = 1u << 0,
  kUsesThreads = 1u << 1,
  kUsesTimeout = 1u << 2,
  kUsesFdCache = 1u << 3,
};

// Parses argv. `used` is a combination of StepFlags. On --help prints the usage and exits 0;
// on a usage error prints the problem and the usage to stderr and exits 2.
Options parse_options(int argc, char** argv, unsigned used);

}  // namespace tenk::net
