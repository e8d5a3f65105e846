#include "net/startup.hpp"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "net/listener.hpp"
#include "net/signals.hpp"

namespace tenk::net {

ServerSetup set_up_server(int argc, char** argv, unsigned used) {
  ServerSetup setup;
  setup.options = parse_options(argc, argv, used);
  install_stop_signals();
  raise_open_files_limit();
  setup.root_fd = open_document_root(setup.options.root);
  if (setup.root_fd < 0) {
    std::fprintf(stderr, "tenk: --root %s: %s\n", setup.options.root.c_str(), std::strerror(errno));
    std::exit(1);
  }
  setup.listen_fd = open_listener(setup.options);
  fcntl(setup.listen_fd, F_SETFL, fcntl(setup.listen_fd, F_GETFL) | O_NONBLOCK);
  return setup;
}

int open_document_root(const std::string& directory) {
  return ::open(directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int usable_cores() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 1;
  return CPU_COUNT(&allowed) > 0 ? CPU_COUNT(&allowed) : 1;
}

}  // namespace tenk::net
