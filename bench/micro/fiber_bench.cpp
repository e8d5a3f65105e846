// What the fiber steps (09-11) pay for their straight-line code: a switch between two fibers
// against the same hand-over between two threads through a condition variable, and the cost of
// the timeout manager's tickle, which every request of step 10 pays.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "fiber/scheduler.hpp"
#include "timeout/timeout_manager.hpp"

namespace {

// Two fibers yield to each other: every iteration is two switches (there and back), through
// the scheduler's run queue, as a parked connection fiber is resumed and parks again.
void BM_FiberSwitchPair(benchmark::State& state) {
  tenk::fiber::Scheduler scheduler;
  bool done = false;
  scheduler.spawn([&] {
    for (auto _ : state) tenk::fiber::Scheduler::current()->yield();
    done = true;
  });
  scheduler.spawn([&] {
    while (!done) tenk::fiber::Scheduler::current()->yield();
  });
  scheduler.run();
}
BENCHMARK(BM_FiberSwitchPair);

// The same ping-pong between two threads: each iteration hands a turn over and back through a
// mutex and a condition variable, which costs futex system calls and scheduler wakeups.
void BM_ThreadPingPong(benchmark::State& state) {
  std::mutex mutex;
  std::condition_variable turn_changed;
  bool ping = true;
  bool stop = false;
  std::thread partner([&] {
    std::unique_lock lock(mutex);
    for (;;) {
      turn_changed.wait(lock, [&] { return !ping || stop; });
      if (stop) return;
      ping = true;
      turn_changed.notify_one();
    }
  });
  for (auto _ : state) {
    std::unique_lock lock(mutex);
    ping = false;
    turn_changed.notify_one();
    turn_changed.wait(lock, [&] { return ping; });
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  turn_changed.notify_one();
  partner.join();
}
BENCHMARK(BM_ThreadPingPong)->UseRealTime();

void BM_TimeoutTickle(benchmark::State& state) {
  tenk::timeout::TimeoutManager manager;
  auto handle = manager.add([] {});
  for (auto _ : state) {
    handle->tickle();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_TimeoutTickle);

}  // namespace
