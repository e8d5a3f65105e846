// The parts every server loop shares (net/event_loop.hpp, net/startup.hpp), on real
// descriptors, clocks and signals.
#include "net/event_loop.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

#include "app/files.hpp"
#include "app/session.hpp"
#include "http/date.hpp"
#include "net/signals.hpp"
#include "test_support.hpp"

namespace tenk::net {
namespace {

using namespace std::chrono_literals;

using tenk::testing::FixedDate;
using tenk::testing::is_open;

// The smallest connection a table can hold: a socket and its session.
struct TestConnection {
  TestConnection(int socket, app::FileOpener& files, http::DateSource& dates)
      : fd(socket), session(files, dates) {}
  int fd;
  app::HttpSession session;
};

class ConnectionTableTest : public ::testing::Test {
 protected:
  // One end of a fresh socket pair in the table; the other end is returned.
  int add_connection(ConnectionTable<TestConnection>& table) {
    int pair[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    table.add(std::make_unique<TestConnection>(pair[0], files_, dates_));
    peers_.push_back(pair[1]);
    return pair[0];
  }

  app::DirectFileOpener files_{-1};  // never opens anything here
  FixedDate dates_;
  std::vector<int> peers_;
};

TEST_F(ConnectionTableTest, FindsByDescriptorAndClosesForReal) {
  ConnectionTable<TestConnection> table;
  int first = add_connection(table);
  int second = add_connection(table);
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find(first), nullptr);
  EXPECT_EQ(table.find(first)->fd, first);
  EXPECT_EQ(table.find(-1), nullptr);
  EXPECT_EQ(table.find(second + 1000), nullptr);

  table.close(first);
  EXPECT_EQ(table.find(first), nullptr);
  EXPECT_FALSE(is_open(first));
  EXPECT_TRUE(is_open(second));
  EXPECT_EQ(table.size(), 1u);
  table.close(second);
  EXPECT_EQ(table.size(), 0u);
  for (int peer : peers_) close(peer);
}

TEST_F(ConnectionTableTest, StopAllClosesIdleConnectionsOnly) {
  ConnectionTable<TestConnection> table;
  int idle = add_connection(table);
  int busy = add_connection(table);
  // Half a request makes a session busy: it must be allowed to finish.
  app::HttpSession& session = table.find(busy)->session;
  std::span<char> space = session.receive_space();
  const std::string_view partial = "GET / HTTP/1.1\r\n";
  std::copy(partial.begin(), partial.end(), space.begin());
  session.received(partial.size());

  table.stop_all();
  EXPECT_EQ(table.find(idle), nullptr);
  EXPECT_FALSE(is_open(idle));
  ASSERT_NE(table.find(busy), nullptr);
  EXPECT_TRUE(is_open(busy));
  EXPECT_EQ(table.size(), 1u);
  table.close(busy);
  for (int peer : peers_) close(peer);
}

TEST(AcceptPause, PausesThenEndsOnce) {
  AcceptPause pause(20ms);
  EXPECT_FALSE(pause.paused());
  EXPECT_FALSE(pause.ends_now());
  pause.begin();
  EXPECT_TRUE(pause.paused());
  EXPECT_FALSE(pause.ends_now());
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(pause.paused());
  EXPECT_TRUE(pause.ends_now());
  EXPECT_FALSE(pause.ends_now()) << "a pause ends once";
}

TEST(Drain, FinishesWhenEmptyOrWhenTheLimitPasses) {
  ConnectionTable<TestConnection> none;
  Drain not_started;
  EXPECT_FALSE(not_started.finished(0)) << "no stop yet: the loop goes on";

  Drain empty(10s);
  empty.begin(none);
  EXPECT_TRUE(empty.draining());
  EXPECT_TRUE(empty.finished(0));
  EXPECT_FALSE(empty.finished(1));

  Drain short_limit(20ms);
  short_limit.begin(none);
  EXPECT_FALSE(short_limit.finished(3));
  std::this_thread::sleep_for(30ms);
  ::testing::internal::CaptureStderr();
  EXPECT_TRUE(short_limit.finished(3));
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("still busy"), std::string::npos);
}

TEST(SleepUnlessStopped, SleepsTheWholeLengthWithoutAStop) {
  install_stop_signals();
  const auto start = Clock::now();
  sleep_unless_stopped(50ms);
  EXPECT_GE(Clock::now() - start, 45ms);
}

TEST(SleepUnlessStopped, ReturnsAtOnceAfterAStop) {
  // In a child process: a stop signal stays requested for the rest of the process's life.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    install_stop_signals();
    raise(SIGTERM);
    const auto start = Clock::now();
    sleep_unless_stopped(10s);
    _exit(Clock::now() - start < 1s ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(OutOfDescriptors, OnlyEmfileAndEnfile) {
  EXPECT_TRUE(out_of_descriptors(EMFILE));
  EXPECT_TRUE(out_of_descriptors(ENFILE));
  EXPECT_FALSE(out_of_descriptors(EAGAIN));
  EXPECT_FALSE(out_of_descriptors(ECONNABORTED));
}

}  // namespace
}  // namespace tenk::net
