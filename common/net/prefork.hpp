// The master process of the prefork steps (04 to 10): it keeps --workers processes alive.
//
// The step decides what a worker is and forks it (its start function); the supervision around
// it is the same in every prefork step, so it lives here: start the workers, print the startup
// line once they exist, restart a worker that dies (saying so on stderr), and on SIGTERM or
// SIGINT forward the signal to every worker and wait for them to drain and exit.
#pragma once

#include <sys/types.h>

#include <functional>

#include "net/startup.hpp"

namespace tenk::net {

// `start_worker` forks one worker and returns its pid, or -1 when fork() failed (the master
// tries again on its next check). Returns once every worker has exited after a stop signal.
void run_prefork_master(const ServerSetup& server, const std::function<pid_t()>& start_worker);

}  // namespace tenk::net
