// Fibers (common/fiber): switching, I/O waits on real sockets, sleeps, cancellation and
// exceptions, descriptors epoll refuses, yields that leave room for I/O, 10,000 fibers at once,
// and stacks that all come back.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fiber/handoff.hpp"
#include "fiber/io.hpp"
#include "fiber/scheduler.hpp"
#include "test_support.hpp"

namespace tenk::fiber {
namespace {

using namespace std::chrono_literals;
using testing::Listener;
using testing::SocketPair;

// recv() that parks the fiber until something arrives: fiber::recv_into with a fixed buffer.
ssize_t receive(int fd, char* buffer, std::size_t length) {
  return fiber::recv_into(
      fd, [&] { return std::span<char>(buffer, length); }, [] {});
}

// Sets a flag when destroyed: shows that a cancelled fiber unwinds its stack.
struct Unwound {
  explicit Unwound(bool& flag) : flag_(flag) {}
  ~Unwound() { flag_ = true; }
  bool& flag_;
};

TEST(Fiber, YieldSwitchesBetweenFibers) {
  Scheduler scheduler;
  std::string log;
  scheduler.spawn([&] {
    for (int i = 0; i < 3; ++i) {
      log += 'a';
      Scheduler::current()->yield();
    }
  });
  scheduler.spawn([&] {
    for (int i = 0; i < 3; ++i) {
      log += 'b';
      Scheduler::current()->yield();
    }
  });
  scheduler.run();
  EXPECT_EQ(log, "ababab");
  EXPECT_EQ(scheduler.live_fibers(), 0u);
}

TEST(Fiber, RecvParksUntilTheOtherSideSends) {
  for (const char* mode : {"0", "1"}) {  // optimistic, then pessimistic I/O
    SCOPED_TRACE(mode);
    setenv("TENK_PESSIMISTIC_IO", mode, 1);
    Scheduler scheduler;
    unsetenv("TENK_PESSIMISTIC_IO");
    EXPECT_EQ(scheduler.pessimistic_io(), mode[0] == '1');
    SocketPair pair;
    std::string log;
    scheduler.spawn([&] {
      char buffer[16];
      log += "recv ";
      ssize_t got = receive(pair.fds[0], buffer, sizeof buffer);
      log += "got " + std::string(buffer, static_cast<std::size_t>(got)) + " ";
      got = receive(pair.fds[0], buffer, sizeof buffer);
      log += got == 0 ? "end" : "?";
    });
    scheduler.spawn([&] {
      fiber::sleep_for(20ms);
      log += "send ";
      fiber::send(pair.fds[1], "hi", 2, 0);
      shutdown(pair.fds[1], SHUT_WR);
    });
    scheduler.run();
    EXPECT_EQ(log, "recv send got hi end");
  }
}

// Step 13 writes its gathered answers in before_wait(); when the socket is full that write
// parks, and input that arrives meanwhile (an edge with no reader to wake) must be read before
// the fiber waits for more, or it sleeps on it.
TEST(Fiber, InputThatArrivesWhileBeforeWaitSendsIsNotSleptOn) {
  Scheduler scheduler;
  SocketPair pair;
  const std::string filler(1 << 20, 'x');
  while (::send(pair.fds[0], filler.data(), filler.size(), MSG_DONTWAIT) > 0) {
  }
  std::string got;
  auto waited = std::chrono::steady_clock::duration::zero();
  scheduler.spawn([&] {
    const auto start = std::chrono::steady_clock::now();
    char buffer[16];
    bool answered = false;
    const ssize_t n = fiber::recv_into(
        pair.fds[0], [&] { return std::span<char>(buffer, sizeof buffer); },
        [&] {
          if (answered) return;
          answered = true;
          ASSERT_EQ(fiber::send(pair.fds[0], "answer", 6, 0), 6);  // parks: the socket is full
        });
    ASSERT_GT(n, 0);
    got.assign(buffer, static_cast<std::size_t>(n));
    waited = std::chrono::steady_clock::now() - start;
  });
  scheduler.spawn([&] {
    fiber::sleep_for(50ms);                           // the receiver is parked in its send
    ASSERT_EQ(::send(pair.fds[1], "next", 4, 0), 4);  // input while it waits to write
    fiber::sleep_for(50ms);
    std::vector<char> sink(1 << 20);
    while (recv(pair.fds[1], sink.data(), sink.size(), MSG_DONTWAIT) > 0) {  // room: the send ends
    }
    fiber::sleep_for(1s);  // a fiber that slept on the input would be woken only by this end
    shutdown(pair.fds[1], SHUT_WR);
  });
  scheduler.run();
  EXPECT_EQ(got, "next");
  EXPECT_LT(waited, 500ms) << "the receiver slept on input that had arrived";
}

TEST(Fiber, SendParksOnAFullSocketAndResumes) {
  Scheduler scheduler;
  SocketPair pair;
  const std::string big(4 << 20, 'x');  // far more than the socket buffers hold
  std::size_t received = 0;
  scheduler.spawn([&] {
    std::size_t sent = 0;
    while (sent < big.size()) {
      ssize_t n = fiber::send(pair.fds[0], big.data() + sent, big.size() - sent, 0);
      ASSERT_GT(n, 0);
      sent += static_cast<std::size_t>(n);
    }
    shutdown(pair.fds[0], SHUT_WR);
  });
  scheduler.spawn([&] {
    char buffer[8192];  // fiber stacks are 64 KiB: no big arrays on them
    for (ssize_t n; (n = receive(pair.fds[1], buffer, sizeof buffer)) > 0;) {
      received += static_cast<std::size_t>(n);
      fiber::sleep_for(0ms);  // a slow reader: the writer meets a full buffer
    }
  });
  scheduler.run();
  EXPECT_EQ(received, big.size());
}

TEST(Fiber, SendfileSendsAFileThroughAFullSocket) {
  char path[] = "/tmp/tenk-fiber-XXXXXX";
  int file = mkstemp(path);
  const std::string contents(2 << 20, 'f');
  ASSERT_EQ(write(file, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  Scheduler scheduler;
  SocketPair pair;
  std::size_t received = 0;
  scheduler.spawn([&] {
    off_t offset = 0;
    while (offset < static_cast<off_t>(contents.size())) {
      ASSERT_GT(fiber::sendfile(pair.fds[0], file, &offset, contents.size()), 0);
    }
    shutdown(pair.fds[0], SHUT_WR);
  });
  scheduler.spawn([&] {
    char buffer[8192];  // fiber stacks are 64 KiB: no big arrays on them
    for (ssize_t n; (n = receive(pair.fds[1], buffer, sizeof buffer)) > 0;) {
      received += static_cast<std::size_t>(n);
    }
  });
  scheduler.run();
  EXPECT_EQ(received, contents.size());
  ::close(file);
  unlink(path);
}

TEST(Fiber, AcceptWaitsForAConnection) {
  Listener listener;
  Scheduler scheduler;
  int accepted = -1;
  scheduler.spawn([&] { accepted = fiber::accept(listener.fd); });
  scheduler.spawn([&] {
    fiber::sleep_for(10ms);
    listener.connect_once();
  });
  scheduler.run();
  ASSERT_GE(accepted, 0);
  EXPECT_NE(fcntl(accepted, F_GETFL) & O_NONBLOCK, 0) << "accepted sockets are non-blocking";
  ::close(accepted);
}

// The prefork steps register their shared listener with EPOLLEXCLUSIVE, which epoll accepts only
// when a descriptor is added and never in a modification: waits on a watched descriptor must
// not re-arm it, in pessimistic mode either (where every other wait does).
TEST(Fiber, AWatchedListenerIsWaitedOnWithoutReArming) {
  for (const char* mode : {"0", "1"}) {  // optimistic, then pessimistic I/O
    SCOPED_TRACE(mode);
    setenv("TENK_PESSIMISTIC_IO", mode, 1);
    Scheduler scheduler;
    unsetenv("TENK_PESSIMISTIC_IO");
    Listener listener;
    ASSERT_TRUE(scheduler.watch(listener.fd, EPOLLIN | EPOLLEXCLUSIVE)) << std::strerror(errno);
    int accepted = 0;
    scheduler.spawn([&] {
      while (accepted < 2) {  // the second wait is where a re-arm would fail
        int fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
          ++accepted;
          ::close(fd);
        } else {
          ASSERT_EQ(errno, EAGAIN);
          fiber::wait_readable(listener.fd);
        }
      }
    });
    scheduler.spawn([&] {
      for (int round = 0; round < 2; ++round) {
        fiber::sleep_for(10ms);
        listener.connect_once();
      }
    });
    scheduler.run();
    EXPECT_EQ(accepted, 2);
  }
}

// epoll refuses some descriptors (a regular file: EPERM; and any, when the kernel is out of
// memory or past fs.epoll.max_user_watches). A wait on one would park the fiber for ever; it
// fails at once instead, so the I/O call that waited fails and its connection closes.
TEST(Fiber, AWaitOnADescriptorEpollRefusesFailsInsteadOfParking) {
  char path[] = "/tmp/tenk-fiber-XXXXXX";
  int file = mkstemp(path);
  unlink(path);
  for (const char* mode : {"0", "1"}) {  // optimistic, then pessimistic I/O
    SCOPED_TRACE(mode);
    setenv("TENK_PESSIMISTIC_IO", mode, 1);
    Scheduler scheduler;
    unsetenv("TENK_PESSIMISTIC_IO");
    int read_error = 0;
    int write_error = 0;
    scheduler.spawn([&] {
      EXPECT_FALSE(Scheduler::current()->wait_readable(file));
      read_error = errno;
      EXPECT_FALSE(Scheduler::current()->wait_writable(file));
      write_error = errno;
    });
    scheduler.run();
    EXPECT_EQ(read_error, EPERM);
    EXPECT_EQ(write_error, EPERM);
  }
  ::close(file);
}

TEST(FiberDeathTest, ASchedulerWithoutEpollSaysWhyAndExits) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = 64;
        setrlimit(RLIMIT_NOFILE, &limit);
        while (dup(2) >= 0) continue;  // every descriptor taken: epoll_create1() fails, EMFILE
        Scheduler scheduler;
      },
      ::testing::ExitedWithCode(1), "tenk: epoll_create1: Too many open files");
}

TEST(Fiber, SleepersWakeInDeadlineOrder) {
  Scheduler scheduler;
  std::string order;
  for (auto [name, delay] : {std::pair{'c', 30ms}, {'a', 10ms}, {'b', 20ms}}) {
    scheduler.spawn([&order, name = name, delay = delay] {
      fiber::sleep_for(delay);
      order += name;
    });
  }
  const auto start = Clock::now();
  scheduler.run();
  EXPECT_EQ(order, "abc");
  EXPECT_GE(Clock::now() - start, 30ms);
}

TEST(Fiber, AnExceptionEndsOnlyItsFiberAndIsReported) {
  Scheduler scheduler;
  std::string log;
  FiberPtr thrower = scheduler.spawn([&] {
    fiber::sleep_for(5ms);
    log += "throws ";
    throw std::runtime_error("boom");
  });
  scheduler.spawn([&] {
    fiber::sleep_for(10ms);
    log += "the other goes on";
  });
  ::testing::internal::CaptureStderr();
  scheduler.run();
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(log, "throws the other goes on");
  EXPECT_TRUE(thrower->done());
  EXPECT_NE(said.find("a fiber ended with an exception: boom"), std::string::npos) << said;
}

TEST(Fiber, CancelWhileParkedUnwindsAtOnce) {
  Scheduler scheduler;
  SocketPair pair;
  bool unwound = false;
  bool returned_from_recv = false;
  FiberPtr reader = scheduler.spawn([&] {
    Unwound guard(unwound);
    char buffer[8];
    receive(pair.fds[0], buffer, sizeof buffer);  // nothing will ever come
    returned_from_recv = true;
  });
  scheduler.spawn([&] {
    fiber::sleep_for(10ms);
    EXPECT_FALSE(reader->done());
    reader->cancel();
  });
  ::testing::internal::CaptureStderr();
  scheduler.run();  // returns: the reader, whose recv would wait for ever, has ended
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "a cancellation is no error";
  EXPECT_TRUE(unwound);
  EXPECT_FALSE(returned_from_recv);
  EXPECT_TRUE(reader->done());
}

TEST(Fiber, CancelWhileRunnableThrowsAtTheNextBlockingPoint) {
  Scheduler scheduler;
  std::string log;
  FiberPtr victim = scheduler.spawn([&] {
    log += "runs until ";
    fiber::sleep_for(1ms);  // the first blocking point
    log += "never";
  });
  victim->cancel();  // before it ever ran
  scheduler.spawn([&] {
    try {
      log += "catches ";
      Scheduler::current()->yield();
    } catch (const Cancelled&) {
      log += "wrongly";
    }
  });
  scheduler.run();
  EXPECT_EQ(log, "runs until catches ");
}

TEST(Fiber, CatchingStdExceptionDoesNotSwallowCancellation) {
  Scheduler scheduler;
  bool swallowed = false;
  FiberPtr sleeper = scheduler.spawn([&] {
    try {
      fiber::sleep_for(10s);
    } catch (const std::exception&) {
      swallowed = true;
    }
  });
  scheduler.spawn([&] { sleeper->cancel(); });
  const auto start = Clock::now();
  scheduler.run();
  EXPECT_FALSE(swallowed);
  EXPECT_LT(Clock::now() - start, 1s) << "the cancelled sleeper woke at once";
}

// A timer left behind by a sleeper that was woken early (cancelled) must not keep the fiber,
// which has ended, alive until the deadline.
TEST(Fiber, ACancelledSleeperIsReleasedBeforeItsDeadline) {
  Scheduler scheduler;
  std::weak_ptr<Fiber> released;
  {
    FiberPtr sleeper = scheduler.spawn([] { fiber::sleep_for(10s); });
    released = sleeper;
    scheduler.spawn([sleeper] { sleeper->cancel(); });
  }
  const auto start = Clock::now();
  scheduler.run();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(released.expired()) << "its timer, due in 10 s, still holds the ended fiber";
}

// A fiber that keeps yielding never blocks, so run() must look at I/O and timers by itself.
TEST(Fiber, AYieldingFiberDoesNotStarveIoOrTimers) {
  Scheduler scheduler;
  SocketPair pair;
  bool received = false;
  bool slept = false;
  scheduler.spawn([&] {
    char buffer[8];
    received = receive(pair.fds[0], buffer, sizeof buffer) == 1;  // parks: nothing there yet
  });
  scheduler.spawn([&] {
    fiber::sleep_for(1ms);
    slept = true;
  });
  scheduler.spawn([&] {
    ASSERT_EQ(::send(pair.fds[1], "x", 1, 0), 1);  // the reader waits for run() to poll
    const auto give_up = Clock::now() + 2s;
    while (!(received && slept) && Clock::now() < give_up) Scheduler::current()->yield();
  });
  scheduler.run();
  EXPECT_TRUE(received) << "the reader never saw its byte while another fiber yielded";
  EXPECT_TRUE(slept) << "the sleeper's timer never fired while another fiber yielded";
}

TEST(Fiber, TenThousandFibersAtOnceAndEveryStackComesBack) {
  Scheduler scheduler;
  constexpr int kFibers = 10'000;
  std::size_t most_alive = 0;
  int finished = 0;
  for (int i = 0; i < kFibers; ++i) {
    scheduler.spawn([&] {
      most_alive = std::max(most_alive, Scheduler::current()->live_fibers());
      fiber::sleep_for(20ms);  // all of them are parked at the same time
      ++finished;
    });
  }
  scheduler.run();
  EXPECT_EQ(most_alive, static_cast<std::size_t>(kFibers));
  EXPECT_EQ(finished, kFibers);
  EXPECT_EQ(scheduler.stacks().in_use(), 0u) << "a stack leaked";
  EXPECT_LE(scheduler.stacks().free_stacks(), StackPool::kMaxFree);
}

TEST(Fiber, CancelledFibersReturnTheirStacks) {
  Scheduler scheduler;
  SocketPair pair;
  std::vector<FiberPtr> readers;
  for (int i = 0; i < 100; ++i) {
    readers.push_back(scheduler.spawn([&] {
      char buffer[8];
      receive(pair.fds[0], buffer, sizeof buffer);
    }));
  }
  scheduler.spawn([&] {
    fiber::sleep_for(5ms);
    EXPECT_EQ(scheduler.stacks().in_use(), 101u);
    for (FiberPtr& reader : readers) reader->cancel();
  });
  scheduler.run();
  EXPECT_EQ(scheduler.stacks().in_use(), 0u);
}

TEST(Handoff, DescriptorsPushedFromAnotherThreadReachAFiberInOrder) {
  Handoff handoff;
  Scheduler scheduler;
  std::vector<int> received;
  scheduler.spawn([&] {
    while (received.size() < 100) {
      for (int fd : handoff.receive()) received.push_back(fd);
    }
  });
  std::thread pusher([&] {
    for (int i = 0; i < 100; ++i) {
      EXPECT_TRUE(handoff.push(1000 + i));  // numbers only: nothing is read from them here
      if (i % 10 == 0) std::this_thread::sleep_for(1ms);
    }
  });
  scheduler.run();
  pusher.join();
  ASSERT_EQ(received.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(received[static_cast<std::size_t>(i)], 1000 + i);
}

TEST(Handoff, AfterCloseAPushIsRefusedAndLeftoversAreClosed) {
  Handoff handoff;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  EXPECT_TRUE(handoff.push(pipe_fds[0]));
  handoff.close();
  EXPECT_EQ(fcntl(pipe_fds[0], F_GETFD), -1) << "a descriptor nobody took is closed";
  EXPECT_FALSE(handoff.push(pipe_fds[1])) << "the pusher keeps it";
  ::close(pipe_fds[1]);
}

// Each call touches a 1 KiB frame, so deep recursion walks down the stack page by page.
int recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  return depth == 0 ? frame[0] : recurse(depth - 1) + frame[0];
}

TEST(FiberDeathTest, AStackOverflowHitsTheGuardPage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Scheduler scheduler;
        scheduler.spawn([] { recurse(1000); });  // ~1 MiB of frames on a 64 KiB stack
        scheduler.run();
      },
      "");
}

}  // namespace
}  // namespace tenk::fiber
