// The stop contract of DESIGN §3 under a slow reader: a response in flight when SIGTERM comes is
// finished whole, and the connection then closes; a prefork master waits for its draining
// workers even when an impatient operator presses Ctrl-C twice.
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace tenk::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// True while `pid` runs (a zombie, or no such process, has ended).
bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, name, state;
  if (!(stat >> pid_field >> name >> state)) return false;
  return state != "Z";
}

// A client that reads nothing until told: a response of huge.bin is still being sent when the
// stop comes.
std::unique_ptr<Client> slow_reader(std::uint16_t port) {
  auto client = std::make_unique<Client>(port);
  int small = 32 << 10;
  setsockopt(client->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  return client;
}

TEST_P(Conformance, ResponseInFlightAtStopIsFinishedThenTheConnectionCloses) {
  auto client = slow_reader(port_);
  // A second request pipelined behind the first: whether it is answered depends on whether the
  // server had read it before the stop; if it is, the answer must say Connection: close.
  ASSERT_TRUE(client->send(get_request("/huge.bin") + get_request("/hello.txt")));
  std::this_thread::sleep_for(milliseconds(200));  // the 16 MiB response is in flight
  kill(server_->pid(), SIGTERM);
  std::this_thread::sleep_for(milliseconds(100));
  Response first = client->read_response();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body.size(), DocumentRoot::kHugeSize) << "the response was cut";
  EXPECT_EQ(first.body.find_first_not_of('h'), std::string::npos);
  Response second = client->read_response();
  if (second.status != 0) {
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.header("Connection"), "close") << "a response composed after the stop";
    EXPECT_EQ(second.body, "hello, world\n");
  }
  EXPECT_TRUE(client->closed_by_server()) << "the connection outlived the stop";
  EXPECT_EQ(server_->wait_exit(seconds(6)), 0);
}

TEST_P(Conformance, MasterWaitsForDrainingWorkersThroughASecondSigint) {
  if (!GetParam().has_workers) GTEST_SKIP() << GetParam().binary << " has no prefork master";
  server_ = start({"--workers", "2"});
  port_ = server_->port();
  ASSERT_NE(port_, 0);
  std::vector<std::unique_ptr<Client>> busy;
  for (int i = 0; i < 4; ++i) {  // spread over both workers, each kept busy by a slow reader
    busy.push_back(slow_reader(port_));
    ASSERT_TRUE(busy.back()->send(get_request("/huge.bin")));
  }
  std::this_thread::sleep_for(milliseconds(200));
  std::vector<pid_t> workers = server_->process_tree();
  std::erase(workers, server_->pid());
  ASSERT_EQ(workers.size(), 2u);

  // An impatient operator: Ctrl-C, then again and again while the workers drain their slow
  // readers. Each signal that lands in the master's wait for a worker interrupts it.
  for (int i = 0; i < 6; ++i) {
    kill(server_->pid(), SIGINT);
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(server_->running()) << "the master exited while its workers were still draining";
  for (auto& client : busy) {
    Response response = client->read_response();
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body.size(), DocumentRoot::kHugeSize);
  }
  EXPECT_EQ(server_->wait_exit(seconds(6)), 0);
  for (pid_t worker : workers) EXPECT_FALSE(process_alive(worker)) << "worker " << worker;
}

}  // namespace
}  // namespace tenk::testing
