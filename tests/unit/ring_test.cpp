// The io_uring I/O manager (common/fiber/ring.hpp) under real fibers and real sockets:
// receives and sends, the multishot accept, a file read, readiness waits and sleeps through the
// ring, cancellation of a fiber whose operation is still in the kernel, the receive's flow
// control, and a descriptor number reused after its socket's slot was emptied. Skipped, with
// the reason, where io_uring is unavailable.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "fiber/io.hpp"
#include "fiber/ring.hpp"
#include "fiber/scheduler.hpp"
#include "test_support.hpp"

namespace tenk::fiber {
namespace {

using namespace std::chrono_literals;
using testing::Listener;
using testing::SocketPair;

class RingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = io_uring_unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
  }
};

// A receive into a fixed buffer, nothing to do before waiting.
ssize_t receive(Ring& ring, int fd, char* buffer, std::size_t length) {
  return ring.recv_into(
      fd, [&] { return std::span<char>(buffer, length); }, [] {});
}

// Sends all of `data` through the ring.
bool send_all(Ring& ring, int fd, std::string_view data) {
  for (std::size_t sent = 0; sent < data.size();) {
    const ssize_t n = ring.send(fd, data.data() + sent, data.size() - sent, 0);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

TEST_F(RingTest, AReceiveParksUntilTheOtherSideSendsAndAnswersGoBack) {
  Scheduler scheduler;
  Ring ring(scheduler);
  SocketPair pair;
  std::string got_by_server;
  std::string got_by_client;
  scheduler.spawn([&] {  // the server side: receives, answers
    char buffer[64];
    const ssize_t n = receive(ring, pair.fds[0], buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    got_by_server.assign(buffer, static_cast<std::size_t>(n));
    ASSERT_TRUE(send_all(ring, pair.fds[0], "pong"));
  });
  scheduler.spawn([&] {  // the client side, after the server parked
    Scheduler::current()->yield();
    ASSERT_TRUE(send_all(ring, pair.fds[1], "ping"));
    char buffer[64];
    const ssize_t n = receive(ring, pair.fds[1], buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    got_by_client.assign(buffer, static_cast<std::size_t>(n));
  });
  scheduler.run();
  EXPECT_EQ(got_by_server, "ping");
  EXPECT_EQ(got_by_client, "pong");
}

// step 14 writes its gathered answers in before_wait(), and that send parks the fiber: bytes
// that arrive meanwhile must be seen before the fiber parks for more, or it sleeps on them.
TEST_F(RingTest, BytesThatArriveWhileBeforeWaitSendsAreNotSleptOn) {
  Scheduler scheduler;
  Ring ring(scheduler);
  SocketPair pair;
  std::string got;
  auto waited = std::chrono::steady_clock::duration::zero();
  scheduler.spawn([&] {
    const auto start = std::chrono::steady_clock::now();
    char buffer[16];
    bool answered = false;
    const ssize_t n = ring.recv_into(
        pair.fds[0], [&] { return std::span<char>(buffer, sizeof buffer); },
        [&] {
          if (answered) return;
          answered = true;
          ::send(pair.fds[1], "next", 4, 0);                   // the next request, already there
          ASSERT_TRUE(send_all(ring, pair.fds[0], "answer"));  // parks in the ring
        });
    ASSERT_GT(n, 0);
    got.assign(buffer, static_cast<std::size_t>(n));
    waited = std::chrono::steady_clock::now() - start;
  });
  scheduler.spawn([&] {
    fiber::sleep_for(1s);  // a fiber that slept on the bytes would be woken only by this end
    shutdown(pair.fds[1], SHUT_WR);
  });
  scheduler.run();
  EXPECT_EQ(got, "next");
  EXPECT_LT(waited, 500ms) << "the receiver slept on bytes that had arrived";
}

TEST_F(RingTest, ThePeersCloseIsAnEndOfStream) {
  Scheduler scheduler;
  Ring ring(scheduler);
  SocketPair pair;
  ssize_t result = -2;
  scheduler.spawn([&] {
    char buffer[16];
    result = receive(ring, pair.fds[0], buffer, sizeof buffer);
  });
  scheduler.spawn([&] { shutdown(pair.fds[1], SHUT_WR); });
  scheduler.run();
  EXPECT_EQ(result, 0);
}

TEST_F(RingTest, TheMultishotAcceptGivesEveryConnectionInTurn) {
  Scheduler scheduler;
  Ring ring(scheduler);
  const Listener listener;
  std::vector<int> clients;
  std::vector<int> accepted;
  scheduler.spawn([&] {
    while (accepted.size() < 3) accepted.push_back(ring.accept(listener.fd));
  });
  scheduler.spawn([&] {
    Scheduler::current()->yield();  // the acceptor is parked, its multishot armed
    for (int i = 0; i < 3; ++i) {
      clients.push_back(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
      ASSERT_EQ(connect(clients.back(), reinterpret_cast<const sockaddr*>(&listener.address),
                        sizeof listener.address),
                0);
    }
  });
  scheduler.run();
  ASSERT_EQ(accepted.size(), 3u);
  for (int fd : accepted) {
    EXPECT_GE(fd, 0);
    EXPECT_NE(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);  // as accept4(SOCK_NONBLOCK) would give
    ::close(fd);
  }
  for (int fd : clients) ::close(fd);
}

TEST_F(RingTest, AFileIsReadAtAnOffset) {
  Scheduler scheduler;
  Ring ring(scheduler);
  char path[] = "/tmp/tenk-ring-XXXXXX";
  const int file = mkstemp(path);
  ASSERT_GE(file, 0);
  ASSERT_EQ(write(file, "0123456789", 10), 10);
  std::string got(4, '\0');
  scheduler.spawn([&] { EXPECT_EQ(ring.read(file, got.data(), 4, 3), 4); });
  scheduler.run();
  EXPECT_EQ(got, "3456");
  ::close(file);
  unlink(path);
}

TEST_F(RingTest, ReadinessWaitsAndSleepsGoThroughTheRing) {
  Scheduler scheduler;
  Ring ring(scheduler);
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC), 0);
  bool readable = false;
  scheduler.spawn([&] {
    fiber::wait_readable(pipe_fds[0]);  // a poll in the ring, since the ring is the manager
    readable = true;
  });
  const auto start = std::chrono::steady_clock::now();
  scheduler.spawn([&] {
    fiber::sleep_for(50ms);  // the ring's wait carries the timer's deadline
    ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
  });
  scheduler.run();
  EXPECT_TRUE(readable);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST_F(RingTest, AFiberCancelledWhileItsSendIsInTheKernelUnwindsAfterTheCancel) {
  Scheduler scheduler;
  Ring ring(scheduler);
  SocketPair pair;  // nobody reads pair.fds[1]: a large send cannot finish
  const std::string big(8 << 20, 'x');
  bool unwound = false;
  FiberPtr sender = scheduler.spawn([&] {
    struct Unwound {
      bool& flag;
      ~Unwound() { flag = true; }
    } mark{unwound};
    send_all(ring, pair.fds[0], big);
    ADD_FAILURE() << "the send finished although nobody reads";
  });
  scheduler.spawn([&] {
    fiber::sleep_for(20ms);  // the send is parked in the kernel by now
    sender->cancel();
  });
  scheduler.run();  // returns only once the cancelled send's completion has come back
  EXPECT_TRUE(unwound);
  EXPECT_TRUE(sender->done());
}

TEST_F(RingTest, AClientThatSendsWhileNobodyReadsIsStoppedByTheWindowAndLosesNothing) {
  Scheduler scheduler;
  Ring ring(scheduler);
  SocketPair pair;
  // Far more than a receiver may hold plus what the socket buffers: the multishot receive
  // must pause, so that the sender waits, and every byte must still arrive, in order, once the
  // fiber reads.
  std::string sent(16 * Ring::kPendingLimit, '\0');
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);
  std::string received;
  bool all_sent = false;
  scheduler.spawn([&] {
    char first[1];
    ASSERT_EQ(receive(ring, pair.fds[0], first, 1), 1);  // arms the receive
    received.push_back(first[0]);
    fiber::sleep_for(100ms);  // busy elsewhere while the client keeps sending
    EXPECT_FALSE(all_sent) << "the receiver took everything the client sent into memory";
    char buffer[16384];
    while (received.size() < sent.size()) {
      const ssize_t n = receive(ring, pair.fds[0], buffer, sizeof buffer);
      ASSERT_GT(n, 0);
      received.append(buffer, static_cast<std::size_t>(n));
    }
  });
  scheduler.spawn([&] {
    ASSERT_TRUE(send_all(ring, pair.fds[1], sent));
    all_sent = true;
  });
  scheduler.run();
  EXPECT_EQ(received, sent);
}

TEST_F(RingTest, ASocketNumberReusedAfterForgetGetsItsOwnSlot) {
  Scheduler scheduler;
  Ring ring(scheduler);
  std::string first_got;
  std::string second_got;
  scheduler.spawn([&] {
    for (std::string* got : {&first_got, &second_got}) {
      SocketPair pair;
      ring.register_socket(pair.fds[0]);
      ASSERT_TRUE(send_all(ring, pair.fds[1], got == &first_got ? "first" : "second"));
      char buffer[16];
      const ssize_t n = receive(ring, pair.fds[0], buffer, sizeof buffer);
      ASSERT_GT(n, 0);
      got->assign(buffer, static_cast<std::size_t>(n));
      ring.forget(pair.fds[0]);  // then ~SocketPair closes it: the next pair reuses the number
    }
  });
  scheduler.run();
  EXPECT_EQ(first_got, "first");
  EXPECT_EQ(second_got, "second");
}

}  // namespace
}  // namespace tenk::fiber
