#include "net/signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace tenk::net {
namespace {

int stop_pipe[2] = {-1, -1};
// Set by the handler, read by every thread (step 01's connection threads too): a lock-free
// atomic is both async-signal-safe and free of data races, which volatile sig_atomic_t is not
// across threads.
std::atomic<bool> stop_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_stop_signal(int) {
  int saved_errno = errno;
  stop_flag.store(true, std::memory_order_relaxed);
  // One byte is enough; the pipe is never drained, so it stays readable. A full pipe (a flood
  // of signals) makes write fail with EAGAIN, which is fine.
  char byte = 1;
  [[maybe_unused]] ssize_t ignored = write(stop_pipe[1], &byte, 1);
  errno = saved_errno;
}

}  // namespace

void install_stop_signals() {
  std::signal(SIGPIPE, SIG_IGN);
  // A forked worker calls this again: it gets a pipe of its own, so a signal to one process
  // does not wake another.
  if (stop_pipe[0] >= 0) {
    close(stop_pipe[0]);
    close(stop_pipe[1]);
  }
  if (pipe2(stop_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
    std::perror("tenk: pipe2");
    std::exit(1);
  }
  // A signal that reached a freshly forked worker before this call wrote to the inherited
  // pipe; it must not be forgotten.
  if (stop_flag) {
    char byte = 1;
    [[maybe_unused]] ssize_t ignored = write(stop_pipe[1], &byte, 1);
  }
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked accept()/recv() returns EINTR
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

int stop_fd() {
  return stop_pipe[0];
}

bool stop_requested() {
  return stop_flag.load(std::memory_order_relaxed);
}

}  // namespace tenk::net
