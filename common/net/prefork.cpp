#include "net/prefork.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <vector>

#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/signals.hpp"

namespace tenk::net {

namespace {

// How often the master looks for dead workers (it wakes at once for a stop signal).
constexpr std::chrono::milliseconds kSupervisionTick{200};

}  // namespace

void run_prefork_master(const ServerSetup& server, const std::function<pid_t()>& start_worker) {
  std::vector<pid_t> workers;
  for (int i = 0; i < server.options.workers; ++i) workers.push_back(start_worker());
  announce_listening(server.options, server.listen_fd);

  while (!stop_requested()) {
    // Sleeps until a stop or for a tick, then reaps: no race between a check and a wait.
    sleep_unless_stopped(kSupervisionTick);
    for (pid_t& worker : workers) {
      if (worker < 0 && !stop_requested()) worker = start_worker();  // fork failed last time
    }
    int status = 0;
    for (pid_t dead; (dead = waitpid(-1, &status, WNOHANG)) > 0;) {
      for (pid_t& worker : workers) {
        if (worker != dead) continue;
        worker = -1;  // reaped: never signalled or waited for again
        if (stop_requested()) continue;
        std::fprintf(stderr, "tenk: worker %d %s %d; starting a new one\n", dead,
                     WIFSIGNALED(status) ? "killed by signal" : "exited with status",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        worker = start_worker();
      }
    }
  }
  close(server.listen_fd);  // the master's copy: once the workers close theirs, connects fail
  for (pid_t worker : workers) {
    if (worker > 0) kill(worker, SIGTERM);  // never kill(-1): that would signal everyone
  }
  // Each stops within ~kDrainLimit. The stop handlers have no SA_RESTART, so a second SIGINT or
  // SIGTERM (an impatient Ctrl-C) interrupts waitpid() with EINTR: wait again, or the master
  // would exit while its workers are still draining.
  for (pid_t worker : workers) {
    if (worker <= 0) continue;
    while (waitpid(worker, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace tenk::net
