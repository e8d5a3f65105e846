// How a step accepts: errors that last, and the prefork steps' EPOLLEXCLUSIVE switch.
//
// Accept errors that last. accept() can fail for reasons other than running out of descriptors:
// ENOBUFS or ENOMEM when the kernel is short of memory, EPERM when a security module refuses the
// connection. Such an error can last, and the connection stays in the backlog, so the listener
// stays readable. A server must then neither spin on accept() nor stop serving the connections
// it has, and it must accept again once the error is gone (DESIGN §3, "Out of descriptors", holds
// for every persistent accept error).
//
// The fault comes from libtenk_fault_shim.so (fault_shim.cpp), loaded into the step
// with LD_PRELOAD: while a file exists, every accept() and accept4() fails with ENOBUFS.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "conformance.hpp"

namespace tenk::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// One of the shim's switches: its fault is on while the file exists. Removed on destruction, so
// a failed assertion cannot leave the fault on.
class FaultSwitch {
 public:
  FaultSwitch() {
    char pattern[] = "/tmp/tenk-fault-XXXXXX";
    directory_ = mkdtemp(pattern);
    path_ = directory_ + "/on";
  }
  ~FaultSwitch() {
    end();
    rmdir(directory_.c_str());
  }
  const std::string& path() const { return path_; }
  void begin() { std::fclose(std::fopen(path_.c_str(), "w")); }
  void end() { unlink(path_.c_str()); }

 private:
  std::string directory_;
  std::string path_;
};

// The step under test with the shim preloaded and one of its switches named: `fault_variable` is
// "TENK_ACCEPT_FAULT_FILE=PATH" or "TENK_EPOLL_FAULT_FILE=PATH".
ServerProcess::Launch with_fault_shim(const StepTraits& step, const std::string& fault_variable) {
  ServerProcess::Launch launch;
  launch.binary = binary_path(step);
  launch.args = {"--port", "0", "--root", DocumentRoot::get().root, "--quiet"};
  launch.env = {std::string("LD_PRELOAD=") + TENK_FAULT_SHIM, fault_variable};
  // A sanitizer build refuses to start when another library is preloaded before its runtime.
  const char* asan_options = std::getenv("ASAN_OPTIONS");
  launch.env.push_back(std::string("ASAN_OPTIONS=") + (asan_options ? asan_options : "") +
                       ":verify_asan_link_order=0");
  return launch;
}

// True when `client` has bytes (or an end of stream) to read right now.
bool has_input(const Client& client) {
  pollfd ready{client.fd(), POLLIN, 0};
  return poll(&ready, 1, 0) > 0;
}

TEST_P(Conformance, APersistentAcceptErrorNeitherSpinsNorStalls) {
  if (GetParam().needs_io_uring) {
    GTEST_SKIP() << GetParam().binary << " accepts through io_uring, which a preloaded accept() "
                 << "cannot fail; DescriptorExhaustionNeitherSpinsNorStops covers its EMFILE";
  }
  FaultSwitch fault;
  ServerProcess server(with_fault_shim(GetParam(), "TENK_ACCEPT_FAULT_FILE=" + fault.path()));
  const std::uint16_t port = server.port();
  ASSERT_NE(port, 0) << server.drain_stderr();

  Client kept(port);  // a keep-alive client, connected before the fault
  ASSERT_TRUE(kept.send(get_request("/hello.txt")));
  ASSERT_EQ(kept.read_response().status, 200);

  fault.begin();
  Client late(port);  // its handshake completes in the backlog; accept() fails from now on
  ASSERT_TRUE(late.connected());
  ASSERT_TRUE(late.send(get_request("/hello.txt")));
  std::this_thread::sleep_for(milliseconds(200));  // the server has met the error by now

  const auto window_start = std::chrono::steady_clock::now();
  const double cpu_before = server.cpu_seconds();
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(milliseconds(250));
    ASSERT_TRUE(kept.send(get_request("/hello.txt")));
    Response response = kept.read_response();
    EXPECT_EQ(response.status, 200) << "a connection accepted earlier stalls during the fault";
    if (response.status != 200) break;
  }
  const double cpu_used = server.cpu_seconds() - cpu_before;
  const std::chrono::duration<double> window = std::chrono::steady_clock::now() - window_start;
  EXPECT_LT(cpu_used, 0.25 * window.count())
      << "the server spins on accept(): " << cpu_used << " s of CPU in " << window.count() << " s";
  EXPECT_FALSE(has_input(late)) << "answered although accept() fails";

  fault.end();  // the next retry accepts `late`
  Response late_response = late.read_response();
  EXPECT_EQ(late_response.status, 200) << "the connection left in the backlog is never served";
  EXPECT_EQ(round_trip(port, get_request("/hello.txt")).status, 200);
  EXPECT_EQ(server.stop(SIGTERM, seconds(6)), 0);
}

TEST_P(Conformance, AConnectionEpollRefusesToWatchIsClosedNotForgotten) {
  if (std::string_view(GetParam().label) < "step03" || GetParam().needs_io_uring) {
    GTEST_SKIP() << GetParam().binary << " does not use epoll";
  }
  FaultSwitch fault;
  ServerProcess server(with_fault_shim(GetParam(), "TENK_EPOLL_FAULT_FILE=" + fault.path()));
  const std::uint16_t port = server.port();
  ASSERT_NE(port, 0) << server.drain_stderr();
  Client kept(port);  // watched before the fault
  ASSERT_TRUE(kept.send(get_request("/hello.txt")));
  ASSERT_EQ(kept.read_response().status, 200);
  std::this_thread::sleep_for(milliseconds(100));  // a fiber step watches it at its next wait

  fault.begin();
  Client refused(port);
  ASSERT_TRUE(refused.connected());
  EXPECT_TRUE(refused.closed_by_server(milliseconds(2000)))
      << "a connection epoll refused to watch is left open, and nobody will ever serve it";
  ASSERT_TRUE(kept.send(get_request("/hello.txt")));
  EXPECT_EQ(kept.read_response().status, 200) << "the connections watched before stop";

  fault.end();
  EXPECT_EQ(round_trip(port, get_request("/hello.txt")).status, 200);
  EXPECT_EQ(server.stop(SIGTERM, seconds(6)), 0);
}

}  // namespace
}  // namespace tenk::testing

namespace tenk::testing {
namespace {

// How many registrations in the epoll instances of process `pid` ask for EPOLLEXCLUSIVE, from
// /proc/PID/fdinfo (a "tfd: FD events: MASK" line per registration, the mask in hex).
int exclusive_registrations(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  int found = 0;
  DIR* fds = opendir((proc + "/fd").c_str());
  if (!fds) return 0;
  while (dirent* entry = readdir(fds)) {
    char target[64] = {};
    std::string link = proc + "/fd/" + entry->d_name;
    if (readlink(link.c_str(), target, sizeof target - 1) < 0) continue;
    if (std::string_view(target) != "anon_inode:[eventpoll]") continue;
    std::ifstream info(proc + "/fdinfo/" + entry->d_name);
    for (std::string word; info >> word;) {
      if (word != "events:") continue;
      std::string mask;
      info >> mask;
      if (std::strtoul(mask.c_str(), nullptr, 16) & EPOLLEXCLUSIVE) ++found;
    }
  }
  closedir(fds);
  return found;
}

// TENK_EPOLLEXCLUSIVE=1 (DESIGN §9) has every prefork worker register the shared listener with
// EPOLLEXCLUSIVE, which epoll accepts only when a descriptor is added: each worker's epoll must
// hold it so, and the workers must still serve and stop as usual.
TEST_P(Conformance, PreforkWorkersHonourTheEpollExclusiveSwitch) {
  if (!GetParam().has_workers) GTEST_SKIP() << GetParam().binary << " has no worker processes";
  ServerProcess::Launch launch;
  launch.binary = binary_path(GetParam());
  launch.args = {"--port", "0", "--root", DocumentRoot::get().root, "--workers", "2", "--quiet"};
  launch.env = {"TENK_EPOLLEXCLUSIVE=1"};
  ServerProcess server(launch);
  ASSERT_NE(server.port(), 0) << server.drain_stderr();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(round_trip(server.port(), get_request("/hello.txt")).status, 200);
  }
  std::vector<pid_t> tree = server.process_tree();
  ASSERT_EQ(tree.size(), 3u) << "a master and two workers";
  for (std::size_t i = 1; i < tree.size(); ++i) {
    EXPECT_EQ(exclusive_registrations(tree[i]), 1) << "worker " << tree[i];
  }
  EXPECT_EQ(server.stop(SIGTERM, seconds(6)), 0);
  EXPECT_EQ(server.drain_stderr(), "") << "a worker failed or was restarted";
}

}  // namespace
}  // namespace tenk::testing
