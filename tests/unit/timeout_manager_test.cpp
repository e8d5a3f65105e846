// TimeoutManager: Active → Inactive → timed out across sweeps, tickles keep a handle alive,
// canceled handles are dropped (by a sweep, and by registrations long before the next sweep),
// and registrations during a sweep survive the merge, also with threads tickling and
// registering while another thread sweeps.
#include "timeout/timeout_manager.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace tenk::timeout {
namespace {

TEST(TimeoutManager, AnIdleHandleTimesOutOnTheSecondSweep) {
  TimeoutManager manager;
  int fired = 0;
  auto handle = manager.add([&] { ++fired; });
  EXPECT_EQ(manager.size(), 1u);
  manager.sweep();  // Active → Inactive
  EXPECT_EQ(fired, 0);
  manager.sweep();  // Inactive → timed out
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(manager.size(), 0u);
  manager.sweep();
  EXPECT_EQ(fired, 1) << "once only";
}

TEST(TimeoutManager, TicklesKeepAHandleAlive) {
  TimeoutManager manager;
  int fired = 0;
  auto handle = manager.add([&] { ++fired; });
  for (int i = 0; i < 100; ++i) {
    manager.sweep();
    handle->tickle();
  }
  EXPECT_EQ(fired, 0);
  manager.sweep();
  manager.sweep();
  EXPECT_EQ(fired, 1);
}

TEST(TimeoutManager, ACanceledHandleIsDroppedAndNeverFires) {
  TimeoutManager manager;
  int fired = 0;
  auto handle = manager.add([&] { ++fired; });
  manager.sweep();
  handle->cancel();  // the connection ended
  manager.sweep();
  manager.sweep();
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(manager.size(), 0u);
}

// A server under `close` load: each connection registers, is served and cancels its handle, far
// more of them per period than are open at once. Their handles must not wait for the next sweep
// to be dropped, and the live ones must still time out as usual.
TEST(TimeoutManager, EndedConnectionsDoNotPileUpBetweenSweeps) {
  TimeoutManager manager;
  int fired = 0;
  std::vector<std::shared_ptr<Handle>> open;
  for (int i = 0; i < 100'000; ++i) {
    auto handle = manager.add([&] { ++fired; });
    if (i % 50 == 0) {
      open.push_back(handle);  // 2,000 connections stay open
    } else {
      handle->cancel();  // the others end at once
    }
    EXPECT_LE(manager.size(), 2 * std::max(open.size(), TimeoutManager::kCompactAt));
  }
  manager.sweep();
  manager.sweep();
  EXPECT_EQ(fired, static_cast<int>(open.size())) << "every open one times out, no ended one";
  EXPECT_EQ(manager.size(), 0u);
}

TEST(TimeoutManager, RegistrationsDuringASweepSurviveTheMerge) {
  TimeoutManager manager;
  std::shared_ptr<Handle> late;
  int late_fired = 0;
  auto first = manager.add([&] {
    // Runs inside sweep(), after the swap: a registration the sweep did not see.
    late = manager.add([&] { ++late_fired; });
  });
  auto survivor = manager.add([] {});
  manager.sweep();
  survivor->tickle();
  manager.sweep();  // `first` times out and registers `late`
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(manager.size(), 2u) << "the survivor merged back beside the new registration";
  survivor->cancel();
  manager.sweep();
  manager.sweep();
  EXPECT_EQ(late_fired, 1);
  EXPECT_EQ(manager.size(), 0u);
}

TEST(TimeoutManager, ThreadsTickleAndRegisterWhileAnotherSweeps) {
  // Each thread registers handles and tickles all of its handles in passes, without pause,
  // while this thread sweeps. The sweeper waits for two more passes of every thread before each
  // sweep, so every handle was tickled after the previous sweep returned: none may time out,
  // whatever the interleaving of tickles, registrations and the swap and merge.
  TimeoutManager manager;
  constexpr int kThreads = 2;
  constexpr int kHandlesPerThread = 500;
  std::atomic<int> fired{0};
  std::atomic<bool> ticking{true};
  std::atomic<int> passes[kThreads] = {};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::shared_ptr<Handle>> handles;
      while (ticking.load()) {
        if (handles.size() < kHandlesPerThread) {
          handles.push_back(manager.add([&] { fired.fetch_add(1); }));
        }
        for (auto& handle : handles) handle->tickle();
        passes[t].fetch_add(1);
      }
    });
  }
  for (int sweep = 0; sweep < 2000; ++sweep) {
    int before[kThreads];
    for (int t = 0; t < kThreads; ++t) before[t] = passes[t].load();
    for (int t = 0; t < kThreads; ++t) {
      while (passes[t].load() < before[t] + 2) std::this_thread::yield();
    }
    manager.sweep();
  }
  EXPECT_EQ(fired.load(), 0);
  EXPECT_EQ(manager.size(), static_cast<std::size_t>(kThreads * kHandlesPerThread));
  ticking.store(false);
  for (std::thread& thread : threads) thread.join();
  manager.sweep();
  manager.sweep();
  EXPECT_EQ(fired.load(), kThreads * kHandlesPerThread) << "each exactly once";
  EXPECT_EQ(manager.size(), 0u);
}

}  // namespace
}  // namespace tenk::timeout
